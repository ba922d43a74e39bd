/**
 * The plain output of a run against ansible-playbook 2.14's default callback, byte for byte from the
 * first task to the end: debug of nested mappings (keys sorted at every level), an assert's result
 * (shown unless quiet), loops, no_log results (items named None), skipped tasks and items; and
 * with -v every result as one line of JSON with Python's separators and sorted keys, without
 * `failed` (start, end and delta aside: times of the run).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';
import { tempDir } from '../helpers/tmp.js';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  vars:
    d: {zeta: 1, alpha: {y: 2, b: [3, {k2: 1, k1: "é"}]}, mid: []}
  tasks:
    - name: nested mapping
      debug: var=d
    - name: mapping in msg
      debug:
        msg: {zz: 1, aa: [3, {q: 1, c: 2}], m: {}}
    - name: assert shown
      assert: {that: [1 == 1]}
    - name: assert quiet
      assert: {that: [1 == 1], quiet: true}
    - name: assert with success_msg
      assert: {that: ["d.zeta == 1"], success_msg: "fine {{ d.zeta + 1 }}"}
    - name: loop
      command: "echo {{ item }}"
      loop: [a, b]
      changed_when: item == 'a'
    - name: set_fact in a loop
      set_fact: {x: "{{ item }}"}
      loop: [1]
    - name: registered
      command: echo hi
      register: r
      changed_when: false
    - name: facts set
      set_fact: {a: {b: 1, a: 2}}
    - name: no_log debug
      debug: msg=secret
      no_log: true
    - name: no_log loop
      command: "echo {{ item }}"
      loop: [s1, s2]
      no_log: true
    - name: no_log debug loop
      debug: msg="{{ item }}"
      loop: [s3]
      no_log: true
    - name: skipped
      command: "true"
      when: false
    - name: skipped item
      debug: msg="{{ item }}"
      loop: [1, 2]
      when: item == 2
`;

const fromFirstTask = (out: string) => out.slice(out.indexOf('TASK ['));
const times = (s: string) => s.replace(/"(start|end|delta)": "[^"]*"/g, '"$1": "T"');

async function both(dir: string, extra: string[]) {
  const inv = join(dir, 'inv.yml');
  const pb = join(dir, 'site.yml');
  const a = await ansiblePlaybook(['-i', inv, pb, ...extra], dir);
  const k = await kbs(['run', pb, '-i', inv, '--output', 'plain', ...extra]);
  assert.equal(a.code, 0, a.out.slice(-2000));
  assert.equal(k.code, 0, (k.stdout + k.stderr).slice(-2000));
  return { a: fromFirstTask(a.out.split('\n').filter((l) => !l.startsWith('[WARNING]')).join('\n')), k: fromFirstTask(k.stdout) };
}

test("plain output: debug, assert and loops as ansible-playbook's default callback writes them", async () => {
  const dir = tempDir('kbs-callback-');
  writeFileSync(join(dir, 'inv.yml'), 'all:\n  hosts:\n    localhost: {ansible_connection: local, ansible_python_interpreter: /usr/bin/python3}\n');
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  const plain = await both(dir, []);
  // what Ansible writes, so that the comparison is about something
  assert.match(plain.a, /"alpha": \{\n {12}"b": \[\n {16}3,\n {16}\{\n {20}"k1": "é",\n {20}"k2": 1\n/);
  assert.match(plain.a, /TASK \[assert shown\] \*+\nok: \[localhost\] => \{\n {4}"changed": false,\n {4}"msg": "All assertions passed"\n\}/);
  assert.match(plain.a, /TASK \[assert quiet\] \*+\nok: \[localhost\]\n/);
  assert.match(plain.a, /TASK \[no_log debug loop\] \*+\nok: \[localhost\] => \(item=None\)\nok: \[localhost\]\n/);
  assert.equal(plain.k, plain.a);

  const verbose = await both(dir, ['-v']);
  assert.match(verbose.a, /ok: \[localhost\] => \{"ansible_facts": \{"a": \{"a": 2, "b": 1\}\}, "changed": false\}/);
  assert.equal(times(verbose.k), times(verbose.a));
});
