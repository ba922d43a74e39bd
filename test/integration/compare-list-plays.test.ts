/**
 * --list-tasks and --list-hosts of plays whose hosts and name are templates, compared with
 * ansible-playbook 2.14: both are shown rendered with the play's vars and the extra vars.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listBoth } from '../helpers/compare-list.js';
import { parseTaskList } from '../../bench/kubespray/tasklist.js';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_INVENTORY, writeTree } from '../helpers/compare-debug.js';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';

const SITE = `
- name: "Confirm {{ what }}"
  hosts: "{{ node | default('local') }}"
  gather_facts: false
  vars: {what: removal}
  tasks:
    - {name: one, debug: {msg: x}}
- hosts: "{{ node | default('h2') }}"
  gather_facts: false
  tasks:
    - {name: two, debug: {msg: y}}
`;

/** the listing without the playbook: line (Ansible prints the path as given) */
const body = (out: string) => out.split('\n').filter((l) => !l.startsWith('playbook:') && !l.startsWith('[WARNING]')).join('\n').trim();

test('templated play hosts and names are listed rendered, with and without -e', async () => {
  for (const extra of [[], ['-e', 'node=h1']]) {
    const r = await listBoth({ 'site.yml': SITE }, ['--list-tasks', ...extra]);
    const want = parseTaskList(r.ansible);
    assert.deepEqual(parseTaskList(r.kbs).lines, want.lines);
    assert.ok(want.lines[0].startsWith(extra.length ? 'play (h1): Confirm removal' : 'play (local): Confirm removal'), r.ansible);
  }
  const h = await listBoth({ 'site.yml': SITE }, ['--list-hosts', '-e', 'node=h1']);
  assert.equal(body(h.kbs), body(h.ansible));
  assert.match(h.ansible, /pattern: \['h1'\]/);
});

const UNNAMED = `
- hosts: local
  gather_facts: false
  tasks:
    - ansible.builtin.debug: msg=a
    - debug: msg=b
    - action: ansible.builtin.debug msg=c
    - local_action: debug msg=d
    - action: {module: ansible.legacy.debug, msg: e}
    - ansible.builtin.set_fact: {x: 1}
  roles: [r]
`;

test('an unnamed task is named by its module as written (ansible.builtin.debug), in --list-tasks and in the TASK banners', async () => {
  const files = { 'site.yml': UNNAMED, 'roles/r/tasks/main.yml': '- ansible.builtin.command: "true"\n  changed_when: false\n' };
  const r = await listBoth(files, ['--list-tasks']);
  const want = parseTaskList(r.ansible);
  assert.deepEqual(parseTaskList(r.kbs).lines, want.lines);
  assert.ok(want.lines.some((l) => l.includes('ansible.legacy.debug')), r.ansible);
  // the banners of a run: kbs's plain output against Ansible's default output
  const dir = writeTree({ ...files, 'inventory.ini': LOCAL_INVENTORY });
  try {
    const a = await ansiblePlaybook(['-i', join(dir, 'inventory.ini'), join(dir, 'site.yml')], dir, {});
    const k = await kbs(['run', join(dir, 'site.yml'), '-i', join(dir, 'inventory.ini'), '--output', 'plain']);
    const banners = (out: string) => out.split('\n').filter((l) => l.startsWith('TASK [')).map((l) => l.replace(/ \*+$/, ''));
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.deepEqual(banners(k.stdout), banners(a.out));
    assert.ok(banners(a.out).includes('TASK [r : ansible.builtin.command]'), a.out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
