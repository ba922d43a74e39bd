/**
 * A role used more than once in a play (roles:, dependencies), compared with ansible-playbook
 * 2.14: every use is listed by --list-tasks; when the play runs, a use is passed over on a host
 * where the same role (name, params, when, tags, vars) already ran a task to its end, unless
 * allow_duplicates; a use whose tasks were all skipped on a host does not count there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareLocal } from '../helpers/compare-debug.js';
import { listBoth } from '../helpers/compare-list.js';
import { parseTaskList } from '../../bench/kubespray/tasklist.js';

const say = (what: string, when?: string) => `- name: ${what}\n  debug: msg="${what} {{ inventory_hostname }}"\n${when ? `  when: ${when}\n` : ''}`;

const FILES: Record<string, string> = {
  'roles/common/tasks/main.yml': say('common'),
  // skipped by its when in a's use: still to run in b's; b's and c's are the same use
  'roles/a/meta/main.yml': 'dependencies:\n  - role: common\n    when: false\n',
  'roles/a/tasks/main.yml': say('a'),
  'roles/b/meta/main.yml': 'dependencies:\n  - common\n',
  'roles/b/tasks/main.yml': say('b'),
  'roles/c/meta/main.yml': 'dependencies:\n  - common\n  - role: common\n    tags: [other]\n  - role: common\n    x: 1\n',
  'roles/c/tasks/main.yml': say('c'),
  // ran a task on h1 only: used again, it runs on h2 only
  'roles/perhost/tasks/main.yml': say('perhost', "inventory_hostname == 'h1'") + say('perhost-always'),
  'roles/perhost1/tasks/main.yml': say('perhost1', "inventory_hostname == 'h1'"),
  'roles/dup/meta/main.yml': 'allow_duplicates: true\n',
  'roles/dup/tasks/main.yml': say('dup'),
  'site.yml': `
- hosts: local
  gather_facts: false
  roles:
    - a
    - b
    - c
    - common
    - role: perhost1
    - role: perhost1
    - dup
    - dup
  tasks:
    - import_role: {name: common}
    - debug: msg="end {{ inventory_hostname }}"
`,
};

test('a role used twice runs once per host where it ran, as in Ansible', async () => {
  const r = await compareLocal(FILES);
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  // the cases the fixture is for, as Ansible shows them
  const h1 = r.kbs.msgs.h1 as string[];
  const h2 = r.kbs.msgs.h2 as string[];
  assert.equal(h1.filter((m) => m === 'common h1').length, 4, h1.join('\n')); // b's use, tags [other], x: 1, import_role
  assert.equal(h1.filter((m) => m === 'perhost1 h1').length, 1);
  assert.equal(h2.filter((m) => m === 'perhost1 h2').length, 0);
  assert.equal(h1.filter((m) => m === 'dup h1').length, 2);
});

test('a role skipped on one host runs there when used again', async () => {
  const files = {
    'roles/perhost/tasks/main.yml': say('perhost', "inventory_hostname == 'h1'"),
    'roles/wrap1/meta/main.yml': 'dependencies: [perhost]\n',
    'roles/wrap1/tasks/main.yml': say('wrap1'),
    'roles/wrap2/meta/main.yml': 'dependencies: [perhost]\n',
    'roles/wrap2/tasks/main.yml': say('wrap2'),
    'site.yml': `
- hosts: local
  gather_facts: false
  roles: [wrap1, wrap2, wrap1]
`,
  };
  const r = await compareLocal(files);
  assert.equal(r.ansible.code, 0, r.ansible.out);
  assert.equal(r.kbs.code, 0, r.kbs.out);
  assert.deepEqual(r.kbs.msgs, r.ansible.msgs);
  assert.deepEqual(r.kbs.msgs.h1, ['perhost h1', 'wrap1 h1', 'wrap2 h1']);
});

test('--list-tasks: rescue and always are not listed, an include_role keeps its own name', async () => {
  const r = await listBoth({
    'roles/inc/tasks/main.yml': `
- name: named include in a role
  include_role: {name: dup}
- include_role: {name: dup}
- name: in a role
  block:
    - {name: role block, debug: {msg: x}}
  rescue:
    - {name: role rescue, debug: {msg: x}}
`,
    'roles/dup/tasks/main.yml': say('dup'),
    'site.yml': `
- hosts: local
  gather_facts: false
  tags: [t1, t2]
  roles: [inc]
  tasks:
    - block:
        - name: in block
          debug: msg=b
          tags: [zz, aa]
        - block:
            - {name: nested, debug: {msg: n}}
          always:
            - {name: nested always, debug: {msg: n}}
      rescue:
        - {name: in rescue, debug: {msg: r}}
      always:
        - {name: in always, debug: {msg: a}}
    - {name: named include, include_role: {name: dup}}
`,
  });
  const want = parseTaskList(r.ansible);
  assert.deepEqual(parseTaskList(r.kbs).lines, want.lines);
  assert.ok(want.lines.includes('    named include in a role  [t1, t2]'), r.ansible);
  assert.ok(!want.lines.some((l) => l.includes('rescue') || l.includes('always')), r.ansible);
});

test('--list-tasks lists every use of a role, as ansible-playbook does', async () => {
  const r = await listBoth(FILES);
  const want = parseTaskList(r.ansible);
  assert.deepEqual(parseTaskList(r.kbs).lines, want.lines);
  assert.equal(want.tasks, 15, r.ansible);
  assert.ok(want.lines.includes('    common : common  [other]'), r.ansible);
});
