/**
 * set_fact in a loop against ansible-playbook 2.14: each item sees the facts the items before it
 * set (Ansible updates the loop's variables after every item), in the item's arguments and in its
 * `when`; a registered loop result is bound only after the loop.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../helpers/compare-files.js';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - set_fact:
        acc: "{{ acc | default([]) + [item] }}"
      loop: [1, 2, 3]
    - set_fact:
        seen: "{{ seen | default({}) | combine({item.k: item.v}) }}"
      loop: [{k: a, v: 1}, {k: b, v: 2}, {k: a, v: 3}]
    - set_fact:
        firsts: "{{ firsts | default([]) + [item] }}"
      loop: [x, y, x, z, y]
      when: item not in (firsts | default([]))
    - set_fact:
        count: "{{ (count | default(0) | int) + 1 }}"
        last_reg: "{{ reg is defined }}"
      loop: [1, 2]
      register: reg
    - copy:
        dest: "{{ out }}/facts.json"
        content: "{{ {'acc': acc, 'seen': seen, 'firsts': firsts, 'count': count, 'last_reg': last_reg, 'reg_items': reg.results | length} | to_json }}"
`;

test('set_fact in a loop: each item sees the facts of the items before it, as ansible-playbook 2.14', async () => {
  const r = await compareFiles(PLAYBOOK);
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  const a = JSON.parse(r.ansible.files['facts.json']);
  assert.deepEqual(JSON.parse(r.kbs.files['facts.json']), a);
  assert.deepEqual(a.acc, [1, 2, 3]);
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
