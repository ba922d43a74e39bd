/**
 * A module result's `warnings` are shown as `[WARNING]:` lines and its `deprecations` as
 * `[DEPRECATION WARNING]:` lines (off with deprecation_warnings), each text once a run and never for
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
    m = AnsibleModule(argument_spec=dict(say=dict(type='list', elements='str', required=True), old=dict(type='str')))
    if m.params['old'] == 'version':
        m.deprecate('the old option', version='3.0.0', collection_name='ansible.builtin')
    elif m.params['old'] == 'date':
        m.deprecate('old date thing!', date='2027-01-01', collection_name='acme.tools')
    elif m.params['old']:
        m.deprecate(m.params['old'])
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
    - name: deprecations and warnings in a loop
      warner: {say: ["w {{ item }}"], old: "{{ item }}"}
      loop: [version, date, plain words, version]
`,
    );
    const lines = (out: string) =>
      out
        .split('\n')
        .filter((l) => l.startsWith('[WARNING]:'))
        .map((l) => l.trimEnd());
    // Ansible wraps a deprecation to the terminal's width; compare the texts
    const deprecations = (out: string) => [...out.replace(/\n(?!\[|\n|TASK|ok:|changed:|PLAY)/g, '').matchAll(/^\[DEPRECATION WARNING\]: .*$/gm)].map((m) => m[0].replace(/\s+/g, ' ').trim());
    const a = await ansiblePlaybook(['-i', join(dir, 'inv.ini'), join(dir, 'pb.yml')], dir, {});
    assert.equal(a.code, 0, a.out.slice(-3000));
    const k = await kbs(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.ini'), '--output', 'plain']);
    assert.equal(k.code, 0, k.stdout + k.stderr);
    assert.deepEqual(lines(k.stdout), lines(a.out));
    assert.deepEqual(
      lines(a.out),
      ['[WARNING]: first thing', '[WARNING]: second thing', '[WARNING]: third thing', '[WARNING]: w version', '[WARNING]: w date', '[WARNING]: w plain words'],
      a.out,
    );
    assert.deepEqual(deprecations(k.stdout), deprecations(a.out));
    assert.deepEqual(
      deprecations(a.out),
      [
        '[DEPRECATION WARNING]: the old option. This feature will be removed from ansible-core in version 3.0.0. Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.',
        '[DEPRECATION WARNING]: old date thing! This feature will be removed from acme.tools in a release after 2027-01-01. Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.',
        '[DEPRECATION WARNING]: plain words. This feature will be removed in a future release. Deprecation warnings can be disabled by setting deprecation_warnings=False in ansible.cfg.',
      ],
      a.out,
    );
    // deprecation_warnings = False (ansible.cfg's switch, here by its environment variable) hides them in both
    process.env.ANSIBLE_DEPRECATION_WARNINGS = 'False';
    try {
      const a2 = await ansiblePlaybook(['-i', join(dir, 'inv.ini'), join(dir, 'pb.yml')], dir, { ANSIBLE_DEPRECATION_WARNINGS: 'False' });
      const k2 = await kbs(['run', join(dir, 'pb.yml'), '-i', join(dir, 'inv.ini'), '--output', 'plain']);
      assert.deepEqual([deprecations(a2.out), deprecations(k2.stdout)], [[], []]);
      assert.deepEqual(lines(k2.stdout), lines(a.out));
    } finally {
      delete process.env.ANSIBLE_DEPRECATION_WARNINGS;
    }
    // kbs: before the host line of the task that returned them
    const out = k.stdout.split('\n');
    assert.equal(out[out.indexOf('[WARNING]: third thing') + 1], 'ok: [h1]', k.stdout);
    assert.ok(!a.out.includes('secret thing') && !k.stdout.includes('secret thing'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
