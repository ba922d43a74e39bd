/**
 * The vault format against the real ansible-vault (ansible-core 2.14), both ways, with vectors
 * made at run time: what ansible-vault encrypts kbs decrypts, what kbs encrypts ansible-vault
 * decrypts, and with the same salt both write the same bytes.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decryptEnvelope, encryptVault, isVaultText, parseEnvelope, VaultFormatError } from '../../src/vault/format.js';

let dir: string;
const PW = 'correct horse battery staple';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-vault-fmt-'));
  writeFileSync(join(dir, 'pw'), PW + '\n');
});
after(() => rmSync(dir, { recursive: true, force: true }));

const env = () => ({ ...process.env, ANSIBLE_HOME: join(dir, 'ansible-home'), ANSIBLE_LOCAL_TEMP: join(dir, 'tmp') });

function ansibleVault(args: string[], input?: string): string {
  return execFileSync('ansible-vault', args, { cwd: dir, env: env(), input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

const SAMPLES: Record<string, string> = {
  short: 'x',
  block: '0123456789abcdef', // exactly one AES block: a whole block of padding follows
  yaml: 'db_password: hunter2\nusers:\n  - alice\n  - bob\n',
  unicode: 'pässwörd – 秘密 🔑',
  long: 'line of text\n'.repeat(40),
};

/** the python3 that runs ansible-vault (its shebang), for calling ansible-core's VaultLib */
const PYTHON = readFileSync(execFileSync('sh', ['-c', 'command -v ansible-vault'], { encoding: 'utf8' }).trim(), 'utf8').split('\n')[0].replace(/^#!\s*/, '').split(' ')[0];

test('kbs decrypts what ansible-vault encrypts (1.1, and 1.2 with a vault id)', () => {
  for (const id of [undefined, 'prod']) {
    const files = Object.entries(SAMPLES).map(([name, text]) => {
      const f = join(dir, `a-${name}-${id ?? 'none'}`);
      writeFileSync(f, text);
      return f;
    });
    ansibleVault(['encrypt', '--vault-id', `${id ? id + '@' : ''}${join(dir, 'pw')}`, ...files]);
    for (const [name, text] of Object.entries(SAMPLES)) {
      const vaulted = readFileSync(join(dir, `a-${name}-${id ?? 'none'}`), 'utf8');
      assert.ok(isVaultText(vaulted), name);
      const e = parseEnvelope(vaulted);
      assert.equal(e.version, id ? '1.2' : '1.1', name);
      assert.equal(e.label, id, name);
      assert.equal(decryptEnvelope(e, PW)?.toString('utf8'), text, `${name} ${id}`);
      assert.equal(decryptEnvelope(e, 'wrong password'), undefined, `${name}: a wrong password is no plaintext`);
    }
  }
});

test('ansible-vault decrypts what kbs encrypts', () => {
  for (const label of [undefined, 'dev']) {
    const file = (name: string) => join(dir, `k-${name}-${label ?? 'none'}`);
    for (const [name, text] of Object.entries(SAMPLES)) {
      const vaulted = encryptVault(text, PW, { label });
      assert.match(vaulted, label ? /^\$ANSIBLE_VAULT;1\.2;AES256;dev\n/ : /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
      assert.ok(vaulted.split('\n').slice(1, -1).every((l) => l.length <= 80 && /^[0-9a-f]+$/.test(l)), 'lines of 80 hex digits');
      writeFileSync(file(name), vaulted);
    }
    ansibleVault(['decrypt', '--vault-id', `${label ? label + '@' : ''}${join(dir, 'pw')}`, ...Object.keys(SAMPLES).map(file)]);
    for (const [name, text] of Object.entries(SAMPLES)) assert.equal(readFileSync(file(name), 'utf8'), text, name);
  }
});

test("an inline value from ansible-vault encrypt_string decrypts; kbs's envelope is read back by ansible's parser", () => {
  const out = ansibleVault(['encrypt_string', '--vault-id', `lab@${join(dir, 'pw')}`, 'inline secret']);
  const body = out.slice(out.indexOf('$ANSIBLE_VAULT'));
  assert.equal(decryptEnvelope(parseEnvelope(body), PW)?.toString(), 'inline secret');
  // indented lines (as in a YAML block scalar) parse too
  const indented = body.split('\n').map((l) => '   ' + l).join('\n');
  assert.equal(decryptEnvelope(parseEnvelope(indented.trimStart()), PW)?.toString(), 'inline secret');
});

test('with the same salt kbs writes the bytes ansible-core writes', () => {
  const salt = Buffer.from('00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'hex');
  const py = `
import sys
from ansible.parsing.vault import VaultLib, VaultSecret
from ansible.module_utils._text import to_bytes
salt = bytes.fromhex(sys.argv[1])
v = VaultLib([('default', VaultSecret(to_bytes(sys.argv[2])))])
sys.stdout.write(v.encrypt(to_bytes(sys.argv[3]), salt=salt, vault_id=sys.argv[4] or None).decode())
`;
  for (const label of ['', 'prod']) {
    const theirs = execFileSync(PYTHON, ['-c', py, salt.toString('hex'), PW, SAMPLES.yaml, label], { encoding: 'utf8', env: env() });
    assert.equal(encryptVault(SAMPLES.yaml, PW, { salt, label: label || undefined }), theirs);
  }
});

test('a tampered HMAC or ciphertext is refused (no plaintext), malformed data is a format error', () => {
  const v = parseEnvelope(encryptVault('payload', PW));
  const inner = Buffer.from(v.body, 'hex').toString('latin1').split('\n');
  const flip = (s: string) => (s[0] === '0' ? '1' : '0') + s.slice(1);
  const body = (parts: string[]) => Buffer.from(parts.join('\n'), 'latin1').toString('hex');
  assert.equal(decryptEnvelope({ ...v, body: body([inner[0], flip(inner[1]), inner[2]]) }, PW), undefined);
  assert.equal(decryptEnvelope({ ...v, body: body([inner[0], inner[1], flip(inner[2])]) }, PW), undefined);
  assert.throws(() => decryptEnvelope({ ...v, body: 'zz' }, PW), VaultFormatError);
  assert.throws(() => decryptEnvelope({ ...v, body: body([inner[0]]) }, PW), VaultFormatError);
  assert.throws(() => parseEnvelope('$ANSIBLE_VAULT;1.1;AES\nabcd'), /AES cipher is not supported/);
  assert.throws(() => parseEnvelope('$ANSIBLE_VAULT;2.0;AES256\nabcd'), /version 2.0/);
  assert.throws(() => parseEnvelope('$ANSIBLE_VAULT\nabcd'), VaultFormatError);
  assert.equal(isVaultText('  $ANSIBLE_VAULT;1.1;AES256'), false, 'the header must start the text');
});
