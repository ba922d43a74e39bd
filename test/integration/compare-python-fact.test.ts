/**
 * ansible_python against ansible-playbook 2.14 on this machine: the interpreter's path, version,
 * version_info, type and has_sslcontext, as the module's own python reports them to Ansible
 * (kbs reads them from the interpreter's `-V`).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareOk, sameJson } from '../helpers/compare-files.js';

const PLAYBOOK = `
- hosts: localhost
  gather_facts: true
  gather_subset: [min]
  tasks:
    - copy:
        dest: "{{ out }}/r.json"
        content: "{{ {'python': ansible_python, 'major': ansible_python.version.major, 'info': ansible_python.version_info | join('.')} | to_json }}"
`;

test('ansible_python as ansible-playbook 2.14 gathers it', async () => {
  const r = await compareOk(PLAYBOOK);
  const a = sameJson<{ python: { executable: string; type: string; version_info: unknown[] }; major: number }>(r, 'r.json');
  // what Ansible gives, so that the comparison is about something
  assert.equal(a.python.executable, '/usr/bin/python3');
  assert.equal(a.python.type, 'cpython');
  assert.equal(a.major, 3);
  assert.equal(a.python.version_info.length, 5);
});
