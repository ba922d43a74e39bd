/**
 * set_fact against ansible-playbook 2.14: facts made from gathered facts, the environment, a
 * combine, hostvars and a safe variable holding a template; JSON parsed from a command's output
 * (unsafe: a `{{` in it stays text, also in a fact made from it later); and Ansible's set_fact
 * turning text that names a boolean (true/false/yes/no, any case) into one, in both argument forms.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk, sameJson } from '../helpers/compare-files.js';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: true
  gather_subset: [min]
  vars:
    tpl: "{{ '{{' }} ansible_system }}"
  tasks:
    - set_fact:
        sys: "{{ ansible_system }}"
        osf: "{{ ansible_facts.os_family }}"
        home: "{{ lookup('env', 'HOME') }}"
        combo: "{{ {'a': ansible_system} | combine({'b': 1}) }}"
        viahv: "{{ hostvars['localhost']['ansible_system'] }}"
        safe_tpl: "{{ tpl }}"
    - shell: |
        printf '{"k": "%s%s sys }}", "n": 1}' '{' '{'
      register: j
      changed_when: false
    - set_fact:
        parsed: "{{ j.stdout | from_json }}"
        parsed_k: "{{ (j.stdout | from_json).k }}"
    - set_fact:
        again: "{{ parsed.k }}"
        cond: "{{ 'yes' if sys == 'Linux' else 'no' }}"
        b_yes: "yes"
        b_no: "No"
        b_true: "TRUE"
        b_false: "false"
        s_y: "y"
        s_on: "on"
        s_one: "1"
        s_yes_space: "yes "
      when: osf | length > 0
    - set_fact: kv_yes=yes kv_false=False kv_text=maybe
    - copy:
        dest: "{{ out }}/r.json"
        content: "{{ {'sys': sys, 'osf': osf, 'home': home, 'combo': combo, 'viahv': viahv, 'safe_tpl': safe_tpl, 'parsed': parsed, 'parsed_k': parsed_k, 'again': again, 'cond': cond, 'b_yes': b_yes, 'b_no': b_no, 'b_true': b_true, 'b_false': b_false, 's_y': s_y, 's_on': s_on, 's_one': s_one, 's_yes_space': s_yes_space, 'kv_yes': kv_yes, 'kv_false': kv_false, 'kv_text': kv_text} | to_json }}"
`;

test('set_fact from facts, lookups, parsed output and boolean words, as ansible-playbook 2.14', async () => {
  const r = await compareOk(PLAYBOOK);
  const a = sameJson<Record<string, unknown>>(r, 'r.json');
  // what Ansible gives, so that the comparison is about something
  assert.equal(a.again, '{{ sys }}');
  assert.equal(a.safe_tpl, 'Linux');
  assert.equal(a.cond, true);
  assert.deepEqual([a.b_yes, a.b_no, a.b_true, a.b_false, a.kv_yes, a.kv_false], [true, false, true, false, true, false]);
  assert.deepEqual([a.s_y, a.s_on, a.s_one, a.kv_text], ['y', 'on', '1', 'maybe']);
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
