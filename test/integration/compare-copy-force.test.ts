/**
 * copy and template with `force: no` on a destination that exists: ansible-playbook 2.14 leaves
 * it alone (content, mode, owner) and reports ok; kbs does the same, with the same result keys.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal } from '../helpers/compare-local.js';

test('copy/template force: no on an existing file change nothing, attributes included, as ansible-playbook', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-copyforce-'));
  try {
    for (const n of ['a', 'b', 'c', 'd']) {
      writeFileSync(join(dir, n), `old ${n}\n`);
      chmodSync(join(dir, n), 0o600);
    }
    writeFileSync(join(dir, 'src.txt'), 'new from src\n');
    writeFileSync(join(dir, 't.j2'), 'new {{ 1 + 1 }}\n');
    writeFileSync(join(dir, 'inv.ini'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
    writeFileSync(
      join(dir, 'pb.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: content
      copy: {content: "new\\n", dest: ${dir}/a, force: no, mode: "0644"}
      register: r1
    - name: src
      copy: {src: ${dir}/src.txt, dest: ${dir}/b, force: no, mode: "0644"}
      register: r2
    - name: remote src
      copy: {src: ${dir}/src.txt, dest: ${dir}/c, remote_src: true, force: no, mode: "0644"}
      register: r3
    - name: template
      template: {src: ${dir}/t.j2, dest: ${dir}/d, force: no, mode: "0644"}
      register: r4
    - name: results
      debug: {msg: "{{ [r1, r2, r3, r4] | map('dict2items') | map('map', attribute='key') | map('sort') | list }} {{ [r1, r2, r3, r4] | map(attribute='changed') | list }} {{ r3.msg }}"}
`,
    );
    const c = await compareLocal(dir, 'pb.yml', 'inv.ini');
    assert.equal(c.ansibleCode, 0, c.ansibleOut.slice(-3000));
    assert.equal(c.kbsCode, 0, c.kbsOut.slice(-3000));
    for (const t of ['content', 'src', 'remote src', 'template', 'results']) assert.deepEqual(c.kbs[t], c.ansible[t], `${t}\n${c.kbsOut.slice(-2000)}\n${c.ansibleOut.slice(-2000)}`);
    for (const n of ['a', 'b', 'c', 'd']) {
      assert.equal(readFileSync(join(dir, n), 'utf8'), `old ${n}\n`);
      assert.equal(statSync(join(dir, n)).mode & 0o777, 0o600, `${n} keeps its mode`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
