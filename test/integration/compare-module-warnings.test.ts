/**
 * A module result's `warnings` are shown as `[WARNING]:` lines, each text once a run and never for
 * a no_log task, as ansible-playbook 2.14's default output does (a custom library/ module returns
 * them, run by both tools on this machine). Ansible writes them to stderr as the task ends; kbs
 * writes them with the task's output, just before the host's line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ansiblePlaybook } from '../helpers/ansible.js';
import { kbs } from '../helpers/kbs.js';

const MODULE = `#!/usr/bin/python3
from ansible.module_utils.basic import AnsibleModule

def main():
    m = AnsibleModule(argument_spec=dict(say=dict(type='list', elements='str', required=True)))
    m.exit_json(changed=False, warnings=m.params['say'])

main()
`;

test('module warnings are shown as ansible-playbook shows them (before the host line, once a run, not under no_log)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-warnings-'));
  try {
    mkdirSync(join(dir, 'library'));
    writeFileSync(join(dir, 'library', 'warner.py'), MODULE);
    writeFileSync(join(dir, 'inv.ini'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
    writeFileSync(
      join(dir, 'pb.yml'),
      `- hosts: all
  gather_facts: false
  tasks:
    - name: two warnings
      warner: {say: [first thing, second thing]}
    - name: one again and a new one
      warner: {say: [first thing, third thing]}
    - name: hidden
      warner: {say: [secret thing]}
      no_log: true
    - name: after
      debug: {msg: done}
`,
    );
    const lines = (out: string) =>
      out
        .split('\n')
        .filter((l) => l.startsWith('[WARNING]:'))
        .map((l) => l.trimEnd());
    const a = await ansiblePlaybook(['-i', join(dir, 'inv.ini'), join(dir, 'pb.yml')], dir, {});
    assert.equal(a.code, 0, a.out.slice(-3000));
    const k = await kbs(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.ini'), '--output', 'plain']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.deepEqual(lines(k.stdout), lines(a.out));
    assert.deepEqual(lines(a.out), ['[WARNING]: first thing', '[WARNING]: second thing', '[WARNING]: third thing'], a.out);
    // kbs: before the host line of the task that returned them
    const out = k.stdout.split('\n');
    assert.equal(out[out.indexOf('[WARNING]: third thing') + 1], 'ok: [h1]', k.stdout);
    assert.ok(!a.out.includes('secret thing') && !k.stdout.includes('secret thing'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
