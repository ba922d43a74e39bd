/**
 * Vault passwords from files, scripts, client scripts, prompts and ansible.cfg, and the choice of
 * password by vault id; masking of decrypted values.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { encryptVault } from '../../src/vault/format.js';
import { decryptVault, setVaultSecrets, vaultSecrets } from '../../src/vault/keyring.js';
import { loadVaultSecrets, splitVaultId, vaultIdSlugs, type VaultSources } from '../../src/vault/passwords.js';
import { addSecret, addSecretsIn, clearSecrets, MASK, redactText, redactValue } from '../../src/vault/redact.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-vault-pw-'));
});
after(() => {
  rmSync(dir, { recursive: true, force: true });
  setVaultSecrets([]);
  clearSecrets();
});

const src = (s: Partial<VaultSources>): VaultSources => ({ vaultIds: [], passwordFiles: [], askVaultPass: false, identityList: [], defaultId: 'default', ...s });
const ids = () => vaultSecrets().map((s) => `${s.id}=${s.password.toString()}`);

function file(name: string, text: string, mode = 0o600): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, mode);
  return p;
}

test('label@source splits at the first @; a bare source has no label', () => {
  assert.deepEqual(splitVaultId('dev@/a/b'), ['dev', '/a/b']);
  assert.deepEqual(splitVaultId('/a/b'), [undefined, '/a/b']);
  assert.deepEqual(splitVaultId('x@prompt@y'), ['x', 'prompt@y']);
  assert.deepEqual(vaultIdSlugs(src({ identityList: ['a@f1'], vaultIds: ['b@f2'], passwordFiles: ['f3'], configPasswordFile: 'f4', askVaultPass: true })), [
    'a@f1',
    'b@f2',
    'default@f3',
    'default@f4',
    'default@prompt_ask_vault_pass',
  ]);
});

test('a password file: surrounding whitespace removed; an executable is run; a -client script gets --vault-id', async () => {
  const plain = file('pw', '  s3cret pass \n\n');
  const script = file('pw.sh', '#!/bin/sh\nprintf "from-script\\n"\n', 0o700);
  const client = file('vault-client.sh', '#!/bin/sh\n[ "$1" = --vault-id ] && echo "client-$2"\n', 0o700);
  await loadVaultSecrets(src({ passwordFiles: [plain], vaultIds: [`dev@${script}`, `prod@${client}`] }), undefined);
  assert.deepEqual(ids(), ['dev=from-script', 'prod=client-prod', 'default=s3cret pass']);
});

test('a source that fails is a warning when another works, else the error (exit 4); an empty file is refused', async () => {
  const good = file('good', 'pw\n');
  const warnings = await loadVaultSecrets(src({ vaultIds: [`a@${join(dir, 'missing')}`, `b@${good}`] }), undefined);
  assert.deepEqual(ids(), ['b=pw']);
  assert.match(warnings.join('\n'), /\(a\).*missing was not found/);
  await assert.rejects(loadVaultSecrets(src({ passwordFiles: [join(dir, 'missing')] }), undefined), (e: unknown) => e instanceof KbsError && e.code === 'VAULT' && /was not found/.test(e.message));
  await assert.rejects(loadVaultSecrets(src({ passwordFiles: [file('empty', '\n \n')] }), undefined), /is empty/);
  const failing = file('fail.sh', '#!/bin/sh\nexit 3\n', 0o700);
  await assert.rejects(loadVaultSecrets(src({ passwordFiles: [failing] }), undefined), /exited with 3/);
  const unknown = file('x-client', '#!/bin/sh\necho no such id >&2; exit 2\n', 0o700);
  await assert.rejects(loadVaultSecrets(src({ vaultIds: [`zz@${unknown}`] }), undefined), /did not find a secret for vault id "zz": no such id/);
});

test('prompts: --ask-vault-pass asks "Vault password: ", label@prompt names the label; no terminal is an error', async () => {
  const asked: string[] = [];
  const ask = async (p: string) => {
    asked.push(p);
    return ` typed-${asked.length} `;
  };
  await loadVaultSecrets(src({ vaultIds: ['ops@prompt'], askVaultPass: true }), ask);
  assert.deepEqual(asked, ['Vault password (ops): ', 'Vault password: ']);
  assert.deepEqual(ids(), ['ops=typed-1', 'default=typed-2']);
  await assert.rejects(loadVaultSecrets(src({ askVaultPass: true }), undefined), /no terminal/);
  await assert.rejects(loadVaultSecrets(src({ askVaultPass: true }), async () => '  '), /empty vault password/);
});

test('a password file may itself be vault-encrypted with a password given before it', async () => {
  const first = file('first', 'outer\n');
  const inner = file('inner', encryptVault('inner-password\n', 'outer'));
  await loadVaultSecrets(src({ vaultIds: [`a@${first}`, `b@${inner}`] }), undefined);
  assert.deepEqual(ids(), ['a=outer', 'b=inner-password']);
});

test('decryption tries the password of the matching vault id first, then the others; errors name the place and the ids', () => {
  setVaultSecrets([
    { id: 'dev', password: Buffer.from('dev-pw'), source: 'x' },
    { id: 'prod', password: Buffer.from('prod-pw'), source: 'y' },
  ]);
  const pos = { file: 'vars.yml', line: 3, col: 7 };
  assert.equal(decryptVault(encryptVault('p', 'prod-pw', { label: 'prod' }), pos, 'value').toString(), 'p');
  // the label is only a hint: another id's password still works
  assert.equal(decryptVault(encryptVault('q', 'prod-pw', { label: 'dev' }), pos, 'value').toString(), 'q');
  const wrong = (): unknown => decryptVault(encryptVault('r', 'other', { label: 'stage' }), pos, 'value');
  assert.throws(wrong, (e: unknown) => {
    assert.ok(e instanceof KbsError);
    assert.equal(e.code, 'VAULT');
    assert.equal(e.where(), 'vars.yml:3:7');
    assert.match(e.message, /vault id "stage".*vault ids tried: dev, prod/);
    assert.match(e.hint ?? '', /--vault-id stage@/);
    return true;
  });
  assert.throws(() => decryptVault('$ANSIBLE_VAULT;1.1;AES256\nzz\n', { file: 'f.yml' }, 'file'), (e: unknown) => e instanceof KbsError && e.where() === 'f.yml:1:1' && /malformed/.test(e.message));
  setVaultSecrets([]);
  assert.throws(() => decryptVault(encryptVault('s', 'x'), { file: 'g.yml' }, 'file'), /no vault password was given/);
});

test('masking: whole values, their lines, their JSON form, keys; short values are left alone', () => {
  clearSecrets();
  assert.equal(redactText('nothing registered'), 'nothing registered');
  addSecret('hunter2-pass');
  addSecret('line one secret\nline "two" secret\n');
  addSecret('abc');
  addSecretsIn({ user: 'dbadmin-user', port: 5432, list: ['list-secret'] });
  assert.equal(redactText('pw=hunter2-pass;'), `pw=${MASK};`);
  assert.equal(redactText('> line "two" secret <'), `> ${MASK} <`);
  assert.equal(redactText(JSON.stringify({ v: 'line "two" secret' })), `{"v":"${MASK}"}`);
  assert.equal(redactText('abc dbadmin-user 5432 list-secret'), `abc ${MASK} 5432 ${MASK}`);
  const ev = { type: 'host_result', result: { msg: 'hunter2-pass', items: [{ 'hunter2-pass': 1 }] } };
  assert.deepEqual(redactValue(ev), { type: 'host_result', result: { msg: MASK, items: [{ [MASK]: 1 }] } });
  assert.equal(ev.result.msg, 'hunter2-pass', 'the original is not changed');
  clearSecrets();
  assert.equal(redactText('hunter2-pass'), 'hunter2-pass');
});
