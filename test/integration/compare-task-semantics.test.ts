/**
 * Small task semantics compared with ansible-playbook 2.14 on the same playbook (local
 * connection): how many times until/retries runs a task and the `attempts` it reports, play-level
 * ignore_errors, include_role/import_role with tasks_from, vars_from, defaults_from and
 * handlers_from given without an extension, and the register names Ansible refuses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { compareLocal, writeTree } from '../helpers/compare-debug.js';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';

const ONE = '[local]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n';

test('until/retries: retries + 1 runs, attempts as 2.14 reports them (retries when they run out), until seen on a failed result', async () => {
  const { ansible, kbs: k } = await compareLocal(
    {
      'site.yml': `- hosts: local
  gather_facts: false
  ignore_errors: true
  tasks:
    - name: fresh counters
      file: { path: "{{ playbook_dir }}/{{ item }}", state: absent }
      loop: [n, m]
    - name: never
      shell: echo x >> {{ playbook_dir }}/n; false
      register: r
      until: r.rc == 0
      retries: 2
      delay: 0
    - debug: msg="{{ r.attempts }} {{ r.failed }} {{ lookup('file', playbook_dir ~ '/n') | length }}"
    - name: third time
      shell: echo y >> {{ playbook_dir }}/m; test $(wc -l < {{ playbook_dir }}/m) -ge 3
      register: r
      until: r is succeeded
      retries: 5
      delay: 0
    - debug: msg="{{ r.attempts }} {{ r.failed }}"
    - name: until met by a failure
      command: "false"
      register: r
      until: r is failed
      retries: 3
      delay: 0
    - debug: msg="{{ r.attempts }} {{ r.failed }}"
    - name: retries zero never checks until
      command: "false"
      register: r
      until: r.rc == 0
      retries: 0
      delay: 0
    - debug: msg="{{ r.attempts }} {{ r.failed }}"
    - name: attempts seen by changed_when
      command: "true"
      register: r
      until: true
      changed_when: r.attempts == 1
    - debug: msg="{{ r.attempts }} {{ r.changed }}"
`,
    },
    { inventory: ONE },
  );
  // Ansible 2.14 runs retries: 2 three times and then reports attempts 2
  assert.deepEqual(ansible.msgs.h1, ['2 True 5', '3 False', '1 True', '1 True', '1 True'], ansible.out);
  assert.deepEqual(k.msgs.h1, ansible.msgs.h1, k.out);
});

test('play-level ignore_errors applies to the play tasks', async () => {
  const { ansible, kbs: k } = await compareLocal(
    {
      'site.yml': `- hosts: local
  gather_facts: false
  ignore_errors: true
  tasks:
    - command: "false"
    - debug: msg=after
`,
    },
    { inventory: ONE },
  );
  assert.equal(ansible.code, 0, ansible.out);
  assert.equal(k.code, 0, k.out);
  assert.deepEqual(k.msgs, ansible.msgs);
});

const ROLE = {
  'roles/r1/tasks/main.yml': '- debug: msg="main"\n',
  'roles/r1/tasks/setup.yml': '- debug: msg="setup.yml {{ v }} {{ d }}"\n',
  'roles/r1/tasks/other.yaml': '- debug: msg="other.yaml"\n',
  'roles/r1/tasks/noext': '- debug: msg="noext"\n',
  'roles/r1/vars/main.yml': 'v: vars-main\n',
  'roles/r1/vars/extra.yml': 'v: vars-extra\n',
  'roles/r1/defaults/main.yml': 'd: defaults-main\n',
  'roles/r1/defaults/extra.yaml': 'd: defaults-extra\n',
  'roles/r1/handlers/hx.yml': '- name: h1\n  debug: msg="handler h1 from hx"\n',
};

test('include_role/import_role: tasks_from, vars_from, defaults_from, handlers_from with and without an extension', async () => {
  const { ansible, kbs: k } = await compareLocal(
    {
      ...ROLE,
      'site.yml': `- hosts: local
  gather_facts: false
  tasks:
    - include_role: { name: r1, tasks_from: setup, vars_from: extra, defaults_from: extra }
    - include_role: { name: r1, tasks_from: other }
    - include_role: { name: r1, tasks_from: noext }
    - import_role: { name: r1, tasks_from: setup.yml, vars_from: extra.yml, defaults_from: extra.yaml }
    - include_role: { name: r1, handlers_from: hx, tasks_from: setup }
    - command: "true"
      notify: h1
`,
    },
    { inventory: ONE },
  );
  assert.deepEqual(
    ansible.msgs.h1,
    ['setup.yml vars-extra defaults-extra', 'other.yaml', 'noext', 'setup.yml vars-extra defaults-extra', 'setup.yml vars-main defaults-main', 'handler h1 from hx'],
    ansible.out,
  );
  assert.deepEqual(k.msgs, ansible.msgs, k.out);
});

test('register: a name that is not a Python identifier, or a keyword, is refused (kbs: before any host is contacted)', async () => {
  for (const name of ['as', '1x', 'a-b', 'None']) {
    const dir = writeTree({
      'inv.ini': ONE,
      'site.yml': `- hosts: local\n  gather_facts: false\n  tasks:\n    - command: touch {{ playbook_dir }}/ran-{{ tool }}\n      register: "${name}"\n`,
    });
    try {
      const a = await ansiblePlaybook(['-i', join(dir, 'inv.ini'), join(dir, 'site.yml'), '-e', 'tool=a'], dir);
      assert.notEqual(a.code, 0, a.out);
      assert.match(a.out, new RegExp(`Invalid variable name in 'register' specified: '${name}'`));
      const k = await kbs(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv.ini'), '-e', 'tool=k']);
      assert.equal(k.code, 4, k.stdout + k.stderr);
      assert.match(k.stderr, /site\.yml:5:17: error: "register" in task must be a variable name/);
      assert.throws(() => readFileSync(join(dir, 'ran-k')), 'kbs runs nothing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // a valid name works in both
  const { ansible, kbs: k } = await compareLocal(
    { 'site.yml': `- hosts: local\n  gather_facts: false\n  tasks:\n    - command: echo hi\n      register: as_1\n    - debug: msg="{{ as_1.stdout }}"\n` },
    { inventory: ONE },
  );
  assert.deepEqual(ansible.msgs.h1, ['hi']);
  assert.deepEqual(k.msgs, ansible.msgs);
});

test('an integer argument refuses a float and text that is not a whole number (check_type_int); booleans take 1.0', async () => {
  const { ansible, kbs: k } = await compareLocal(
    {
      'site.yml': `- hosts: local
  gather_facts: false
  ignore_errors: true
  vars:
    half: "{{ 2 / 2 }}"
  tasks:
    - wait_for: { timeout: "{{ half }}" }
      register: r
    - debug: msg="f={{ r.failed }} {{ 'unable to convert to int' in r.msg }} {{ r.msg is search(\\"argument 'timeout' is of type <class 'str'>\\") }}"
    - wait_for: { timeout: "{{ 1 }}" }
      register: r
    - debug: msg="f={{ r.failed }}"
    - wait_for: { timeout: " 0 " }
      register: r
    - debug: msg="f={{ r.failed }}"
    - stat: { path: /, follow: 1.0 }
      register: r
    - debug: msg="f={{ r.failed }} {{ r.stat.isdir }}"
`,
    },
    { inventory: ONE },
  );
  assert.deepEqual(ansible.msgs.h1, ['f=True True True', 'f=False', 'f=False', 'f=False True'], ansible.out);
  assert.deepEqual(k.msgs.h1, ansible.msgs.h1, k.out);
});

test('a float literal given to an integer argument is refused when the playbook is loaded (exit 4, file:line:col)', async () => {
  const dir = writeTree({ 'site.yml': '- hosts: local\n  gather_facts: false\n  tasks:\n    - wait_for:\n        timeout: 1.0\n', hosts: ONE });
  try {
    const r = await kbs(['run', join(dir, 'site.yml'), '-i', join(dir, 'hosts')]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stderr, /site\.yml:5:18: error: "timeout" in module "wait_for" must be an integer/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('k=v arguments: escapes decoded in options as Ansible decodes them, \\= kept, free-form words as written', async () => {
  const { ansible, kbs: k } = await compareLocal(
    {
      'site.yml': `- hosts: local
  gather_facts: false
  tasks:
    - debug: msg=a\\=b
    - debug: msg='it\\'s'
    - debug: msg="q=\\"\\x41\\u00e9\\U0001F600\\t|\\\\|\\d"
    - set_fact: a=\\x41 b="p\\=q" c='{{ "m\\nn" | length }}'
    - debug: msg="{{ a }} {{ b }} {{ c }}"
    - command: echo a\\tb chdir=/t\\x6dp
      register: r
    - debug: msg="{{ r.cmd | join(',') }} {{ r.stdout }}"
`,
    },
    { inventory: ONE },
  );
  assert.deepEqual(ansible.msgs.h1, ['a\\=b', "it's", 'q="Aé😀\t|\\|\\d', 'A p\\=q 3', 'echo,atb atb'], ansible.out);
  assert.deepEqual(k.msgs.h1, ansible.msgs.h1, k.out);
});

test('debug: a msg given as null or rendering None stays null; no msg is Hello world!; None inside text renders empty', async () => {
  const { ansible, kbs: k } = await compareLocal(
    {
      'site.yml': `- hosts: local
  gather_facts: false
  vars: {x: null, d: {v: null}}
  tasks:
    - debug:
        msg:
    - debug:
    - debug: msg="{{ x }}"
    - debug: msg="a {{ d.v }} b {{ [x] }}"
`,
    },
    { inventory: ONE },
  );
  assert.deepEqual(ansible.msgs.h1, [null, 'Hello world!', null, 'a  b [None]'], ansible.out);
  assert.deepEqual(k.msgs.h1, ansible.msgs.h1, k.out);
});

test('ansible_become / ansible_become_user variables win over the become keywords, as Ansible\'s PlayContext applies them', async () => {
  const { ansible, kbs: k } = await compareLocal(
    {
      'site.yml': `- hosts: local
  gather_facts: false
  tasks:
    - command: id -un
      become: true
      register: a
    - command: id -un
      become: true
      become_user: root
      vars: {ansible_become: true}
      register: b
    - debug: msg="{{ a.stdout }} {{ b.stdout }}"
- hosts: local
  gather_facts: false
  become: true
  become_user: root
  vars: {ansible_become_user: daemon, ansible_become: true}
  tasks:
    - command: id -un
      register: c
    - command: id -un
      become_user: nobody
      register: d
    - debug: msg="{{ c.stdout }} {{ d.stdout }}"
`,
    },
    { inventory: '[local]\nh1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3 ansible_become_user=nobody ansible_become=false\n' },
  );
  assert.deepEqual(ansible.msgs.h1, [`${userInfo().username} nobody`, 'daemon daemon'], ansible.out);
  assert.deepEqual(k.msgs.h1, ansible.msgs.h1, k.out);
});
