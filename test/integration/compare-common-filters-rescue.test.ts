/**
 * Everyday filters and a rescue's view of the failed task, against ansible-playbook 2.14: map,
 * selectattr (defined, equalto), combine (recursive, list_merge), dict2items/items2dict, version
 * tests, regex_replace/regex_search, ternary, int arithmetic and division, zip, default(omit);
 * and ansible_failed_task (its own name, '' for a task without one; its action) and
 * ansible_failed_result in a rescue.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk, sameJson } from '../helpers/compare-files.js';
const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    users: [{name: a, uid: 1, shell: /bin/sh}, {name: b, uid: 2}, {name: c, uid: 3, shell: /bin/bash}]
    base: {x: {y: 1, z: [1]}, k: v}
  tasks:
    - command: echo hello
      register: r
      changed_when: false
    - set_fact:
        names: "{{ users | map(attribute='name') | list }}"
        with_shell: "{{ users | selectattr('shell', 'defined') | map(attribute='name') | list }}"
        bash: "{{ users | selectattr('shell', 'defined') | selectattr('shell', 'equalto', '/bin/bash') | map(attribute='name') | first }}"
        merged: "{{ base | combine({'x': {'z': [2], 'w': 3}}, recursive=True) }}"
        merged_app: "{{ base | combine({'x': {'z': [2]}}, recursive=True, list_merge='append') }}"
        d2i: "{{ base | dict2items }}"
        i2d: "{{ [{'key': 'p', 'value': 1}] | items2dict }}"
        ver: "{{ '1.10.2' is version('1.9', '>=') }}"
        reg_lines: "{{ r.stdout_lines }}"
        regex: "{{ 'abc-123' | regex_replace('^([a-z]+)-(\\\\d+)$', '\\\\2:\\\\1') }}"
        search: "{{ 'abc-123' | regex_search('\\\\d+') }}"
        ternary: "{{ (r.rc == 0) | ternary('ok', 'bad') }}"
        num: "{{ '42' | int + 1 }}"
        flt: "{{ 3 / 2 }}"
        ip: "{{ '192.168.1.10/24' | ansible.utils.ipaddr('address') if false else 'skip' }}"
        dflt: "{{ missing | default('d') }}"
        omitted: "{{ missing | default(omit) }}"
    - set_fact:
        joined: "{{ names | join(',') }}"
        zipped: "{{ names | zip([1,2,3]) | list }}"
    - block:
        - command: /bin/false
      rescue:
        - set_fact:
            failed_rc: "{{ ansible_failed_result.rc }}"
            failed_task: "{{ ansible_failed_task.name | default('') }}"
    - block:
        - name: "fails {{ 1 + 1 }}"
          command: /bin/false
      rescue:
        - set_fact:
            failed_named: "{{ ansible_failed_task.name }}"
            failed_action: "{{ ansible_failed_task.action }}"
    - copy:
        dest: "{{ out }}/r.json"
        content: "{{ {'names': names, 'with_shell': with_shell, 'bash': bash, 'merged': merged, 'merged_app': merged_app, 'd2i': d2i, 'i2d': i2d, 'ver': ver, 'reg_lines': reg_lines, 'regex': regex, 'search': search, 'ternary': ternary, 'joined': joined, 'num': num, 'flt': flt, 'ip': ip, 'zipped': zipped, 'dflt': dflt, 'omitted': omitted | default('none'), 'failed_rc': failed_rc, 'failed_task': failed_task, 'failed_named': failed_named, 'failed_action': failed_action} | to_json }}"
`;
test('everyday filters and ansible_failed_task in a rescue, as ansible-playbook 2.14', async () => {
  const r = await compareOk(PLAYBOOK);
  const a = sameJson<Record<string, unknown>>(r, 'r.json');
  assert.deepEqual([a.failed_task, a.failed_named, a.failed_action, a.failed_rc], ['', 'fails 2', 'command', '1']);
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
