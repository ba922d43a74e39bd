/**
 * Ansible's file tests (exists, file, directory, link, link_exists, abs, same_file, mount and
 * their is_* names) and the async/number tests (finished, started, nan), run by ansible-playbook
 * 2.14 and by kbs on the same paths of this machine: the same answers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal } from '../helpers/compare-local.js';

test('file tests and finished/started/nan answer as in ansible-playbook', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-filetests-'));
  try {
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'f'), 'x');
    symlinkSync(join(dir, 'f'), join(dir, 'to-f'));
    symlinkSync(join(dir, 'missing'), join(dir, 'dangling'));
    symlinkSync(join(dir, 'sub'), join(dir, 'to-sub'));
    writeFileSync(join(dir, 'inv.ini'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
    const paths = ['f', 'sub', 'to-f', 'dangling', 'to-sub', 'missing'].map((p) => join(dir, p));
    const checks = ['exists', 'link_exists', 'file', 'is_file', 'directory', 'is_dir', 'link', 'is_link', 'abs', 'is_abs', 'mount', 'is_mount'];
    const row = (p: string) => checks.map((t) => `{{ '${p}' is ${t} }}`).join(' ');
    const tasks = paths.map((p, i) => `    - name: path ${i}\n      debug: {msg: "${row(p)}"}`).join('\n');
    writeFileSync(
      join(dir, 'pb.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
${tasks}
    - name: relative and special paths
      debug: {msg: "{{ 'rel/x' is abs }} {{ '' is exists }} {{ '/' is mount }} {{ '/proc' is mount }} {{ '/' is directory }} {{ '~' is exists }}"}
    - name: same file
      debug: {msg: "{{ '${dir}/f' is same_file('${dir}/to-f') }} {{ '${dir}/f' is is_same_file('${dir}/sub') }}"}
    - name: same file of a missing path
      debug: {msg: "{{ '${dir}/missing' is same_file('${dir}/f') }}"}
      ignore_errors: true
      register: e1
    - name: not a string
      debug: {msg: "{{ [1] is exists }}"}
      ignore_errors: true
      register: e2
    - name: errors
      debug: {msg: "{{ e1.failed }} {{ e2.failed }}"}
    - name: async flags
      debug: {msg: "{{ {'finished': 1} is finished }} {{ {'finished': 0} is finished }} {{ {} is finished }} {{ {'started': 1} is started }} {{ {'started': 0} is started }}"}
    - name: nan
      debug: {msg: "{{ ('nan' | float) is nan }} {{ 1.5 is nan }} {{ 'x' is nan }} {{ 3 is nan }}"}
`,
    );
    const c = await compareLocal(dir, 'pb.yml', 'inv.ini');
    assert.equal(c.ansibleCode, 0, c.ansibleOut.slice(-3000));
    assert.equal(c.kbsCode, 0, c.kbsOut.slice(-3000));
    for (const t of ['path 0', 'path 1', 'path 2', 'path 3', 'path 4', 'path 5', 'relative and special paths', 'same file', 'async flags', 'nan', 'errors']) {
      assert.deepEqual(c.kbs[t], c.ansible[t], `${t}\n${c.kbsOut.slice(-1500)}\n${c.ansibleOut.slice(-1500)}`);
    }
    // a missing path for same_file and a list for exists fail the task in both (the wording is Python's in Ansible)
    assert.equal(c.kbs.errors.h1, 'True True');
    assert.match(String(c.kbs['path 0'].h1), /^True True True True False False False False True True False False$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
