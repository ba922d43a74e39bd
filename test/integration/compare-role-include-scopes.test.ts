/**
 * What a play sees of roles and includes, against ansible-playbook 2.14: a role's defaults, vars
 * and its entry's vars; include_tasks in a loop with its own loop_var and vars; include_role with
 * tasks_from; import_role and include_tasks under `when: false`; and what stays visible to the
 * play's tasks after the role (its vars and defaults, as Ansible exposes them).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk, sameJson } from '../helpers/compare-files.js';
const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    log: []
    who: play
  roles:
    - role: r1
      vars: {who: rolevar}
  tasks:
    - include_tasks: inc.yml
      loop: [1, 2]
      loop_control: {loop_var: n}
      vars: {who: incvar}
    - include_role:
        name: r1
        tasks_from: other.yml
      vars: {extra: x}
    - import_role:
        name: r1
      when: false
    - include_tasks: inc.yml
      when: false
    - set_fact:
        log: "{{ log + ['end ' ~ who ~ ' ' ~ (r1_default | default('undef'))] }}"
    - copy:
        dest: "{{ out }}/log.json"
        content: "{{ log | to_json }}"
`;
const FILES = {
  'inc.yml': `- set_fact:\n    log: "{{ log + ['inc ' ~ n ~ ' ' ~ who] }}"\n`,
  'roles/r1/defaults/main.yml': 'r1_default: d\nwho: roledefault\n',
  'roles/r1/vars/main.yml': 'r1_var: v\n',
  'roles/r1/tasks/main.yml': `- set_fact:\n    log: "{{ log + ['r1 ' ~ who ~ ' ' ~ r1_default ~ ' ' ~ r1_var] }}"\n`,
  'roles/r1/tasks/other.yml': `- set_fact:\n    log: "{{ log + ['other ' ~ who ~ ' ' ~ extra ~ ' ' ~ role_name] }}"\n`,
};
test('role and include scopes, as ansible-playbook 2.14 has them', async () => {
  const r = await compareOk(PLAYBOOK, FILES);
  assert.equal(sameJson<unknown[]>(r, 'log.json').length, 5);
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
