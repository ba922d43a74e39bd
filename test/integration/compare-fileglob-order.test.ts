/**
 * fileglob (lookup and with_fileglob) against ansible-playbook 2.14: the files of a folder in the
 * order the file system lists them (Python's glob over os.scandir), not sorted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../helpers/compare-files.js';

/** names written in a shuffled order (the folder's order is the file system's, whatever it is) */
const NAMES = ['m', 'c', 'x', 'a', 'q', 'f', 'z', 'b', 'k', 'e', 'w', 'h', 'o', 'd', 's', 'j'].map((c, i) => `f-${c}${i}.txt`);

const PLAYBOOK = `
- hosts: localhost
  gather_facts: false
  tasks:
    - set_fact:
        looped: "{{ looped | default([]) + [item | basename] }}"
      with_fileglob: ['f-*.txt']
    - copy:
        dest: "{{ out }}/order.json"
        content: "{{ {'lookup': q('fileglob', 'f-*.txt') | map('basename') | list, 'loop': looped, 'joined': lookup('fileglob', 'f-?0.txt', 'f-*1*.txt') | split(',') | map('basename') | list} | to_json }}"
`;

test('fileglob lists files in the file system order, as ansible-playbook 2.14', async () => {
  const files = Object.fromEntries(NAMES.map((n) => [`files/${n}`, `${n}\n`]));
  const r = await compareFiles(PLAYBOOK, files);
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  const a = JSON.parse(r.ansible.files['order.json']) as Record<string, string[]>;
  assert.deepEqual(JSON.parse(r.kbs.files['order.json']), a);
  assert.deepEqual([...a.lookup].sort(), [...NAMES].sort());
});
