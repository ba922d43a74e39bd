/**
 * Vault data in role defaults and vars, task files and include_vars files (local connection):
 * decrypted with the password given, never printed.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { encryptVault } from '../../src/vault/format.js';
import { writeTree } from '../helpers/compare-local.js';

const PW = 'roles-password';
let dir: string;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-vault-roles-'));
  writeTree(dir, {
    pw: PW,
    'inv.ini': 'localhost ansible_connection=local\n',
    'roles/app/defaults/main.yml': encryptVault('role_default: default-Secret-1\n', PW),
    'roles/app/vars/main.yml': encryptVault('role_var: var-Secret-2\n', PW),
    'roles/app/tasks/main.yml': encryptVault(
      '- name: role values\n  copy: content="{{ role_default }} {{ role_var }}" dest="{{ out }}/role"\n- include_vars: extra.yml\n- name: included\n  copy: content="{{ included }}" dest="{{ out }}/included"\n- name: show\n  debug: msg="{{ role_default }} {{ included }}"\n',
      PW,
    ),
    'roles/app/vars/extra.yml': encryptVault('included: included-Secret-3\n', PW),
    'site.yml': '- hosts: all\n  gather_facts: false\n  roles: [app]\n',
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('encrypted role defaults, vars, task file and include_vars file decrypt; their values are masked', async () => {
  let all = '';
  const io = { stdout: (s: string) => (all += s), stderr: (s: string) => (all += s), isTTY: false, env: process.env };
  const code = await main(['run', join(dir, 'site.yml'), '-i', join(dir, 'inv.ini'), '-e', `out=${dir}`, '--vault-id', `${join(dir, 'pw')}`, '-o', 'plain'], io);
  assert.equal(code, 0, all);
  assert.equal(readFileSync(join(dir, 'role'), 'utf8'), 'default-Secret-1 var-Secret-2');
  assert.equal(readFileSync(join(dir, 'included'), 'utf8'), 'included-Secret-3');
  for (const s of ['default-Secret-1', 'var-Secret-2', 'included-Secret-3']) assert.ok(!all.includes(s), `${s} printed:\n${all}`);
  assert.match(all, /"msg": "\*{8} \*{8}"/);
});

test('kbs validate reads a vault-encrypted cluster inventory with the vault options', async () => {
  const inv = join(dir, 'cluster.yml');
  writeTree(dir, { 'cluster.yml': encryptVault(readFileSync('inventories/local-fleet.example.yml'), PW) });
  let out = '';
  const io = { stdout: (s: string) => (out += s), stderr: (s: string) => (out += s), isTTY: false, env: process.env };
  assert.equal(await main(['validate', inv], io), 4, out);
  assert.match(out, /cluster\.yml:1:1: error: this file is vault-encrypted but no vault password was given/);
  out = '';
  assert.equal(await main(['validate', inv, '--vault-password-file', join(dir, 'pw')], io), 0, out);
  assert.match(out, /^ok: 1 control plane/);
});
