/**
 * Unsafe data stays unsafe through set_fact, against ansible-playbook 2.14: a fact made from a
 * registered result or a lookup is never templated when read again, so `{{ "{{" }}` in a command's
 * output or a file is text; a fact made from safe text that holds a template is templated when
 * read (Ansible's lazy templating), as are facts of a template that only reads safe variables.
 * Also through a task's vars, a list built in a loop, loop items, run_once and hostvars.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk, sameJson } from '../helpers/compare-files.js';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    z: Z-VALUE
    safe_text: "{{ '{{' }} z }}"
  tasks:
    - command: printf '%s%s z }} and more' '{' '{'
      register: res
      changed_when: false
    - copy:
        dest: "{{ out_dir }}/in.txt"
        content: "file {{ '{{' }} z }}\\n"
      vars: {out_dir: "{{ out }}"}
      when: false
    - set_fact:
        from_output: "{{ res.stdout }}"
        from_output_upper: "prefix {{ res.stdout | upper }}"
        from_output_list: "{{ res.stdout_lines }}"
        from_output_dict: "{{ {'k': res.stdout} }}"
        from_safe: "{{ safe_text }}"
        literal: "{{ '{{' }} z }}"
        rc_ok: "{{ res.rc == 0 }}"
        from_lookup: "{{ lookup('pipe', 'printf \\"%s%s z }}\\" \\"{\\" \\"{\\"') }}"
        from_lookup_allowed: "{{ lookup('pipe', 'printf \\"%s%s z }}\\" \\"{\\" \\"{\\"', allow_unsafe=True) }}"
    - set_fact:
        acc: "{{ acc | default([]) + [res.stdout ~ '-' ~ item] }}"
      loop: [1, 2]
    - set_fact:
        from_loop_of_output: "{{ item }}"
      loop: "{{ res.stdout_lines }}"
    - set_fact:
        from_with_items: "{{ item }}"
      with_items: ["{{ '{{' }} z }}"]
    - set_fact:
        from_safe_loop: "{{ item }}"
      loop: ["{{ '{{' }} z }}"]
    - set_fact:
        once: "{{ res.stdout }}"
      run_once: true
    - set_fact:
        again: "{{ from_output }}"
        via_hostvars: "{{ hostvars['localhost'].from_output }}"
        via_vars: "{{ task_var }}"
      vars:
        task_var: "{{ res.stdout }}"
    - copy:
        dest: "{{ out }}/facts.json"
        content: "{{ {'from_output': from_output, 'from_output_upper': from_output_upper, 'from_output_list': from_output_list, 'from_output_dict': from_output_dict, 'from_safe': from_safe, 'literal': literal, 'rc_ok': rc_ok, 'from_lookup': from_lookup, 'from_lookup_allowed': from_lookup_allowed, 'acc': acc, 'from_loop_of_output': from_loop_of_output, 'from_with_items': from_with_items, 'from_safe_loop': from_safe_loop, 'once': once, 'again': again, 'via_hostvars': via_hostvars, 'via_vars': via_vars} | to_json }}"
`;

test('facts made from unsafe data are not templated again, as ansible-playbook 2.14', async () => {
  const r = await compareOk(PLAYBOOK);
  const a = sameJson<Record<string, unknown>>(r, 'facts.json');
  // what Ansible shows: the output's text as it was, the safe template rendered
  assert.equal(a.from_output, '{{ z }} and more');
  assert.equal(a.from_safe, 'Z-VALUE');
  assert.equal(a.from_with_items, '{{ z }}');
  assert.equal(a.from_safe_loop, 'Z-VALUE');
  assert.equal(a.from_lookup, '{{ z }}');
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
