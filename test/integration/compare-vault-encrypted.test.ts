/**
 * The `vault_encrypted` test, kbs against ansible-playbook 2.14 on the same playbook (connection
 * local): true for inline `!vault` values (play vars, nested in a mapping and a list, group_vars,
 * through hostvars, with the ansible.builtin prefix), false for plain strings (also one equal to
 * the decrypted text), for a variable templated from a vaulted one, for other values; `is not`;
 * through a YAML alias and a merge key.
 * The secrets are never printed: the debug messages are booleans and a length.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal } from '../helpers/compare-debug.js';

const SECRET = 'Vlt-Plain-4471';
let work: string;
let pw: string;

function encrypt(name: string, text: string, indent: string): string {
  const out = execFileSync('ansible-vault', ['encrypt_string', '--vault-password-file', pw, '--name', name, text], {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_HOME: join(work, 'ansible-home'), ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local') },
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return out.trimEnd().split('\n').join('\n' + indent);
}

before(() => {
  work = mkdtempSync(join(tmpdir(), 'kbs-cmp-vaultenc-'));
  pw = join(work, 'pw');
  writeFileSync(pw, 'vault-enc-pw\n');
});
after(() => rmSync(work, { recursive: true, force: true }));

const checks = [
  'secret is vault_encrypted',
  'secret is ansible.builtin.vault_encrypted',
  'secret is not vault_encrypted',
  'plain is vault_encrypted',
  `'${SECRET}' is vault_encrypted`,
  'copied is vault_encrypted',
  'd.inner is vault_encrypted',
  "d['inner'] is vault_encrypted",
  'd.other is vault_encrypted',
  'lst[0] is vault_encrypted',
  'lst[1] is vault_encrypted',
  'gsecret is vault_encrypted',
  'hostvars[inventory_hostname].gsecret is vault_encrypted',
  'hostvars[inventory_hostname]["gsecret"] is vault_encrypted',
  '(secret | string) is vault_encrypted',
  '(secret ~ "") is vault_encrypted',
  '1 is vault_encrypted',
  'none_value is vault_encrypted',
  'd is vault_encrypted',
  'secret | length',
  'aliased is vault_encrypted',
  'merged.mp is vault_encrypted',
  'merged.mq is vault_encrypted',
];
/** an undefined operand is an error, as in Ansible */
const undef = ['nope is vault_encrypted', 'd.nope is vault_encrypted'];

test('vault_encrypted: true for inline !vault values, false otherwise, as ansible-playbook', async () => {
  const pb = `- hosts: all
  gather_facts: false
  vars:
    ${encrypt('secret', SECRET, '    ')}
    plain: ${SECRET}
    copied: "{{ secret }}"
    none_value: null
    d:
      ${encrypt('inner', SECRET, '      ')}
      other: text
    lst:
      - ${encrypt('x', SECRET, '        ').replace(/^x: /, '')}
      - ${SECRET}
    ${encrypt('anchored', SECRET, '    ').replace(/^anchored: /, 'anchored: &an ')}
    aliased: *an
    mbase: &mb
      ${encrypt('mp', SECRET, '      ')}
    merged:
      <<: *mb
      mq: 1
  tasks:
${checks.map((c) => `    - debug: {msg: "{{ ${c.replace(/"/g, '\\"')} }}"}\n`).join('')}${undef.map((c) => `    - debug: {msg: "{{ ${c} }}"}\n      ignore_errors: true\n`).join('')}`;
  const r = await compareLocal(
    { 'site.yml': pb, 'group_vars/all.yml': encrypt('gsecret', 'Vlt-Group-9902', '') + '\n' },
    { args: ['--vault-password-file', pw], inventory: '[local]\nh1 ansible_connection=local\n' },
  );
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-3000));
  assert.equal(r.ansible.code, 0, 'ansible-playbook failed');
  assert.deepEqual(r.kbs.msgs.h1.slice(0, checks.length), r.ansible.msgs.h1.slice(0, checks.length));
  for (const i of [0, 1]) {
    for (const m of [r.kbs.msgs.h1[checks.length + i], r.ansible.msgs.h1[checks.length + i]]) assert.match(String(m), /'nope' is undefined|has no attribute 'nope'/);
  }
  assert.deepEqual(r.kbs.msgs.h1.slice(0, checks.length), [true, true, false, false, false, false, true, true, false, true, false, true, true, true, false, false, false, false, false, String(SECRET.length), true, true, false]);
  assert.ok(!r.kbs.out.includes(SECRET), 'kbs printed the secret');
});
