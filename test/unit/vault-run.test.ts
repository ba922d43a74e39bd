/**
 * kbs run with vault data, on the local connection: encrypted group_vars, vars files, inventories
 * and !vault values decrypt with the password options; a missing or wrong password is exit 4
 * before any task, at the value's file:line:col; decrypted values never reach the output (debug,
 * a failing command's output, --diff of a template), in any output format.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { encryptVault } from '../../src/vault/format.js';
import { writeTree } from '../helpers/compare-local.js';

const PW = 'run-test-password';
const SECRET = 'S3cr3t-from-group-vars';
const INLINE = 'inline-vaulted-token';
const FILE_SECRET = 'file-content-secret';

let dir: string;
const inline = (text: string, pw = PW, label?: string) =>
  '!vault |\n' +
  encryptVault(text, pw, { label })
    .trimEnd()
    .split('\n')
    .map((l) => `    ${l}`)
    .join('\n');

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-vault-run-'));
  writeTree(dir, {
    pw: `${PW}\n`,
    wrongpw: 'nope\n',
    'inv.ini': encryptVault('[web]\nlocalhost ansible_connection=local\n', PW),
    'group_vars/all.yml': encryptVault(`db_password: ${SECRET}\ndb_user: admin\n`, PW),
    'vars.yml': `api_token: ${inline(INLINE, PW, 'dev')}\nplain: visible-value\n`,
    'files/secret.txt': encryptVault(`${FILE_SECRET}\n`, PW),
    'templates/conf.j2': 'user={{ db_user }}\npassword={{ db_password }}\n',
    'site.yml': `
- hosts: web
  gather_facts: false
  vars_files: [vars.yml]
  tasks:
    - name: show
      debug: var=db_password
    - name: msg
      debug: msg="token {{ api_token }} plain {{ plain }}"
    - name: values
      copy:
        dest: "{{ out }}/values"
        content: "{{ db_password }} {{ api_token }} {{ db_user }}\\n"
    - name: vaulted src
      copy: src=secret.txt dest="{{ out }}/secret.txt"
    - name: template
      template: src=conf.j2 dest="{{ out }}/conf"
    - name: echo fails
      command: echo "{{ db_password }}"
      failed_when: true
`,
  });
});
after(() => rmSync(dir, { recursive: true, force: true }));

async function run(args: string[], askSecret?: (p: string) => Promise<string>) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env: process.env, askSecret });
  return { code, stdout, stderr, all: stdout + stderr };
}

const pb = () => join(dir, 'site.yml');
const inv = () => join(dir, 'inv.ini');

test('vaulted inventory, group_vars, !vault values and copy/template src decrypt; no secret is printed in any format', async () => {
  for (const format of ['json', 'plain']) {
    const out = join(dir, `out-${format}`);
    mkdirSync(out);
    const r = await run(['run', pb(), '-i', inv(), '-e', `out=${out}`, '--vault-password-file', join(dir, 'pw'), '--diff', '-o', format]);
    assert.equal(r.code, 2, r.all); // the last task fails on purpose
    assert.equal(readFileSync(join(out, 'values'), 'utf8'), `${SECRET} ${INLINE} admin\n`);
    assert.equal(readFileSync(join(out, 'secret.txt'), 'utf8'), `${FILE_SECRET}\n`);
    assert.equal(readFileSync(join(out, 'conf'), 'utf8'), `user=admin\npassword=${SECRET}\n`);
    for (const s of [SECRET, INLINE, FILE_SECRET]) assert.ok(!r.all.includes(s), `${format}: ${s} printed:\n${r.all}`);
    assert.match(r.all, /token \*{8} plain visible-value/, 'plain values still show');
    assert.match(r.all, /password=\*{8}/, 'the template diff is shown, masked');
    assert.match(r.all, /the source is vault-encrypted/, 'the vaulted copy src diff is replaced');
    if (format === 'json') {
      const events = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string; task?: string; result?: { stdout?: string; db_password?: string } });
      const echo = events.find((e) => e.type === 'host_result' && e.task === 'echo fails');
      assert.equal(echo?.result?.stdout, '********', 'the failing command shows its output masked');
      const show = events.find((e) => e.type === 'host_result' && e.task === 'show');
      assert.equal(show?.result?.db_password, '********');
    }
  }
});

test('--vault-id label@prompt and --ask-vault-pass ask for the password', async () => {
  const asked: string[] = [];
  mkdirSync(join(dir, 'out-prompt'));
  const r = await run(['run', pb(), '-i', inv(), '-e', `out=${join(dir, 'out-prompt')}`, '--vault-id', 'dev@prompt', '-J'], async (p) => {
    asked.push(p);
    return PW;
  });
  assert.equal(r.code, 2, r.all);
  assert.deepEqual(asked, ['Vault password (dev): ', 'Vault password: ']);
  assert.equal(readFileSync(join(dir, 'out-prompt', 'values'), 'utf8'), `${SECRET} ${INLINE} admin\n`);
});

test('no password or a wrong one: exit 4 before any task, naming the file (and line:col of a !vault value) and the vault id', async () => {
  const none = await run(['run', pb(), '-i', inv(), '-e', 'out=/nonexistent']);
  assert.equal(none.code, 4);
  assert.match(none.stderr, /inv\.ini:1:1: error: this file is vault-encrypted but no vault password was given/);
  assert.match(none.stderr, /hint: give the password with --ask-vault-pass/);
  assert.doesNotMatch(none.all, /TASK|PLAY/);

  // the inventory and group_vars decrypt with the first password; the !vault value (id dev) needs another
  writeTree(dir, { 'inv2.ini': '[web]\nlocalhost ansible_connection=local\n', 'vars.yml': `plain: 1\napi_token: ${inline(INLINE, 'dev-only', 'dev')}\n` });
  const wrong = await run(['run', pb(), '-i', join(dir, 'inv2.ini'), '-e', 'out=/nonexistent', '--vault-password-file', join(dir, 'pw'), '--vault-id', `stage@${join(dir, 'wrongpw')}`]);
  assert.equal(wrong.code, 4, wrong.all);
  assert.match(wrong.stderr, /vars\.yml:2:19: error: this !vault value is encrypted \(vault id "dev"\) and no vault password given decrypts it \(vault ids tried: stage, default\)/);
  assert.match(wrong.stderr, /--vault-id dev@/);
  assert.doesNotMatch(wrong.all, /TASK|PLAY/);
  writeTree(dir, { 'vars.yml': `api_token: ${inline(INLINE, PW, 'dev')}\nplain: visible-value\n` });
});

test('a vaulted copy src with a wrong password is exit 4 at load; decrypt: false copies the vault text', async () => {
  writeTree(dir, {
    'copy.yml': `
- hosts: web
  gather_facts: false
  tasks:
    - name: raw
      copy: src=secret.txt dest="{{ out }}/raw.txt" decrypt=false
`,
    'files/other.txt': encryptVault('other\n', 'another-password'),
    'copy2.yml': '- hosts: web\n  gather_facts: false\n  tasks:\n    - copy: src=other.txt dest=/nonexistent/x\n',
  });
  const out = join(dir, 'out-raw');
  mkdirSync(out);
  const r = await run(['run', join(dir, 'copy.yml'), '-i', join(dir, 'inv2.ini'), '-e', `out=${out}`, '--vault-password-file', join(dir, 'pw')]);
  assert.equal(r.code, 0, r.all);
  assert.match(readFileSync(join(out, 'raw.txt'), 'utf8'), /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
  const bad = await run(['run', join(dir, 'copy2.yml'), '-i', join(dir, 'inv2.ini'), '--vault-password-file', join(dir, 'pw')]);
  assert.equal(bad.code, 4, bad.all);
  assert.match(bad.stderr, /files\/other\.txt:1:1: error: this file is vault-encrypted and no vault password given decrypts it/);
});

test('kbs vault: encrypt_string output loads as a !vault value; encrypt/view/decrypt round-trip a file', async () => {
  const es = await run(['vault', 'encrypt_string', 'from-kbs-vault', '--name', 'k', '--vault-id', `lab@${join(dir, 'pw')}`]);
  assert.equal(es.code, 0, es.all);
  assert.match(es.stdout, /^k: !vault \|\n {10}\$ANSIBLE_VAULT;1\.2;AES256;lab\n/);
  writeTree(dir, { 'kv.yml': es.stdout, 'plain.yml': 'a: 1\n' });
  const enc = await run(['vault', 'encrypt', join(dir, 'plain.yml'), '--vault-password-file', join(dir, 'pw')]);
  assert.equal(enc.code, 0, enc.all);
  assert.match(readFileSync(join(dir, 'plain.yml'), 'utf8'), /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
  const view = await run(['vault', 'view', join(dir, 'plain.yml'), '--vault-password-file', join(dir, 'pw')]);
  assert.equal(view.stdout, 'a: 1\n');
  const again = await run(['vault', 'encrypt', join(dir, 'plain.yml'), '--vault-password-file', join(dir, 'pw')]);
  assert.equal(again.code, 4);
  assert.match(again.stderr, /already vault-encrypted/);
  const dec = await run(['vault', 'decrypt', join(dir, 'plain.yml'), join(dir, 'kv.yml'), '--vault-password-file', join(dir, 'pw')]);
  assert.equal(dec.code, 4, 'kv.yml is YAML holding a !vault value, not an encrypted file');
  assert.equal(readFileSync(join(dir, 'plain.yml'), 'utf8'), 'a: 1\n');
});
