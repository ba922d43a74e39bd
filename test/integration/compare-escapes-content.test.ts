/**
 * Compared with ansible-playbook 2.14 on the same playbook (local host): backslashes in string
 * literals inside `{{ }}` in playbook data (Ansible's escape_backslashes doubles them; template
 * files, the template lookup and conditionals read them as Jinja2 does), and what copy writes for
 * content that is not text (json.dumps of a list or dict, str() of a number or boolean).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../helpers/compare-files.js';

const PLAYBOOK = String.raw`
- hosts: localhost
  gather_facts: false
  vars:
    v1: "{{ 'a\\nb' }}"
    v2: '{{ "x\d" }}'
    v3: "{{ 'ab12' | regex_replace('(\\d+)', '<\\1>') }}"
    v4: "plain \\ {{ 'q\\tq' }} {% if 'a\\nb' | length == 3 %}three{% else %}four{% endif %}"
    v5: "{{ 'a\\\\b' }}"
    v6: |
      {{ ['k', 'v'] | join('\n') }}
    v7: "{{ '\\x41' }}|{{ \"it's\" }}"
  tasks:
    - set_fact:
        f1: "{{ 'a\\nb' | length }}"
    - copy:
        dest: "{{ out }}/data.txt"
        content: "{{ [v1, v2, v3, v4, v5, v6, v7, f1] | to_json }}"
    - template: {src: t.j2, dest: "{{ out }}/file.txt"}
    - copy:
        dest: "{{ out }}/lookup.txt"
        content: "{{ lookup('template', 't.j2') }}"
    - copy:
        dest: "{{ out }}/when.txt"
        content: when held
      when: "'a\\nb' | length == 3"
    - copy: {dest: "{{ out }}/list.txt", content: "{{ [1, 'a', {'k': [true, none]}] }}"}
    - copy: {dest: "{{ out }}/dict.txt", content: "{{ {'a': 1, 'b': 'é'} }}"}
    - copy: {dest: "{{ out }}/int.txt", content: "{{ 5 }}"}
    - copy: {dest: "{{ out }}/bool.txt", content: "{{ true }}"}
`;

const TEMPLATE = String.raw`{{ 'a\nb' | length }}|{{ 'c\d' }}|{{ 'x\\y' }}
`;

test('backslashes in {{ }} string literals and non-text copy content as ansible-playbook 2.14', async () => {
  const r = await compareFiles(PLAYBOOK, { 'templates/t.j2': TEMPLATE });
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  assert.deepEqual(r.kbs.files, r.ansible.files);
  // the comparison saw both readings
  assert.match(r.ansible.files['data.txt'], /"a\\\\nb"/);
  assert.equal(r.ansible.files['file.txt'], '3|c\\d|x\\y\n');
  assert.equal(r.ansible.files['list.txt'], '[1, "a", {"k": [true, null]}]');
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
