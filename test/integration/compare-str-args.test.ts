/**
 * A module argument of type str given a YAML boolean or number becomes Python's str() of it, as
 * in Ansible (True, 1.0, 2): kbs against ansible-playbook 2.14 on the same playbook, by the files
 * lineinfile, blockinfile and ini_file write (connection local, each tool in a folder of its own).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal, writeTree } from '../helpers/compare-local.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-strargs-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const PB = `- hosts: all
  gather_facts: false
  tasks:
    - lineinfile: {path: "{{ out }}/lines", line: yes, create: true}
    - lineinfile: {path: "{{ out }}/lines", line: 1.0, create: true}
    - lineinfile: {path: "{{ out }}/lines", line: 2, create: true}
    - lineinfile: {path: "{{ out }}/lines", line: false, create: true}
    - blockinfile: {path: "{{ out }}/block", block: true, create: true}
    - community.general.ini_file: {path: "{{ out }}/ini", section: s, option: o, value: true}
    - community.general.ini_file: {path: "{{ out }}/ini", section: s, option: f, value: 0.5}
    - name: show
      debug: {msg: "{{ lookup('file', out ~ '/lines') }}|{{ lookup('file', out ~ '/block') }}|{{ lookup('file', out ~ '/ini') }}"}
`;

test('booleans and numbers in str arguments become their Python text: as ansible-playbook', async () => {
  const d = join(dir, 'w');
  writeTree(d, { 'inv.ini': 'w1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n', 'pb.yml': PB, 'a/.keep': '', 'k/.keep': '' });
  // each tool writes into a folder of its own (one shared folder would let the second find the lines)
  const r = await compareLocal(d, 'pb.yml', 'inv.ini', [], { perTool: (tool) => ['-e', `out=${join(d, tool)}`] });
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  assert.deepEqual(r.kbs, r.ansible);
  assert.equal(readFileSync(join(d, 'k', 'lines'), 'utf8'), 'True\n1.0\n2\nFalse\n');
  assert.equal(readFileSync(join(d, 'k', 'lines'), 'utf8'), readFileSync(join(d, 'a', 'lines'), 'utf8'));
  assert.equal(readFileSync(join(d, 'k', 'ini'), 'utf8'), readFileSync(join(d, 'a', 'ini'), 'utf8'));
});
