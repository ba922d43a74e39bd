/**
 * Vault under ansible-playbook and kbs run on the same hosts (a real sshd): group_vars encrypted
 * by ansible-vault, an inline !vault value (vault id "dev", from ansible-vault encrypt_string), a
 * vaulted copy src and a template using a vaulted variable. The files left behind and the recaps
 * must be the same, on the first run and on the second (no-op) one; Ansible prints the secrets,
 * kbs must not.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, sshdInventory } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';
import { writeTree } from '../helpers/compare-local.js';

const GROUP_SECRET = 'gv-Secret-7781';
const INLINE_SECRET = 'inline-Secret-3302';
const FILE_SECRET = 'file-Secret-9154';

let sshd: Sshd;
let work: string;
const hosts = ['vlt1', 'vlt2'];

function vault(args: string[]): string {
  return execFileSync('ansible-vault', args, {
    cwd: work,
    encoding: 'utf8',
    env: { ...process.env, ANSIBLE_HOME: join(work, 'ansible-home'), ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local') },
  });
}

before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'kbs-cmp-vault-'));
  writeTree(work, {
    'pw-default': 'default-vault-pw\n',
    'pw-dev': 'dev-vault-pw\n',
    'group_vars/all/vault.yml': `db_password: ${GROUP_SECRET}\ndb_user: appuser\n`,
    'files/secret.conf': `token=${FILE_SECRET}\n`,
    'templates/app.conf.j2': 'user={{ db_user }}\npassword={{ db_password }}\napi={{ api_key }}\n',
  });
  vault(['encrypt', '--vault-password-file', 'pw-default', 'group_vars/all/vault.yml', 'files/secret.conf']);
  const inline = vault(['encrypt_string', '--vault-id', 'dev@pw-dev', '--name', 'api_key', INLINE_SECRET]);
  writeFileSync(
    join(work, 'site.yml'),
    `- hosts: all
  gather_facts: false
  vars:
    ${inline.trimEnd().split('\n').join('\n    ')}
  tasks:
    - name: folder
      file: path="{{ base }}/{{ inventory_hostname }}" state=directory mode=0755
    - name: vaulted copy src
      copy: src=secret.conf dest="{{ base }}/{{ inventory_hostname }}/secret.conf" mode=0600
    - name: template with vaulted variables
      template: src=app.conf.j2 dest="{{ base }}/{{ inventory_hostname }}/app.conf" mode=0640
    - name: inline value
      copy: content="{{ api_key }}|{{ db_password }}" dest="{{ base }}/{{ inventory_hostname }}/values"
    - name: show
      debug: msg="{{ db_password }} {{ api_key }}"
`,
  );
});
after(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

/** name -> "mode content" for the files under dir */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) out[name] = `${(statSync(join(dir, name)).mode & 0o777).toString(8)} ${readFileSync(join(dir, name), 'utf8')}`;
  return out;
}

test('ansible-playbook and kbs run decrypt the same vault data and leave the same files; kbs prints no secret', async () => {
  const inv = sshdInventory(join(work, 'inv.yml'), sshd, hosts);
  const pw = ['--vault-password-file', join(work, 'pw-default'), '--vault-id', `dev@${join(work, 'pw-dev')}`];
  const pb = join(work, 'site.yml');
  const aBase = join(work, 'by-ansible');
  const kBase = join(work, 'by-kbs');

  const a1 = await ansiblePlaybook(['-i', inv, pb, '-e', `base=${aBase}`, ...pw, '--diff'], work);
  assert.equal(a1.code, 0, a1.out.slice(-3000));
  const k1 = await kbs(['run', pb, '-i', inv, '-e', `base=${kBase}`, ...pw, '--diff']);
  assert.equal(k1.code, 0, k1.stdout.slice(-3000) + k1.stderr);
  assert.deepEqual(k1.recap, parseRecap(a1.out), 'first run recap');
  for (const h of hosts) {
    const kt = tree(join(kBase, h));
    assert.deepEqual(kt, tree(join(aBase, h)), `files on ${h}`);
    assert.equal(kt.values, `644 ${INLINE_SECRET}|${GROUP_SECRET}`);
    assert.equal(kt['secret.conf'], `600 token=${FILE_SECRET}\n`);
  }
  for (const s of [GROUP_SECRET, INLINE_SECRET]) assert.ok(a1.out.includes(s), `ansible-playbook shows ${s} (the check can fail)`);
  for (const s of [GROUP_SECRET, INLINE_SECRET, FILE_SECRET]) assert.ok(!(k1.stdout + k1.stderr).includes(s), `kbs printed ${s}`);

  const a2 = await ansiblePlaybook(['-i', inv, pb, '-e', `base=${aBase}`, ...pw], work);
  const k2 = await kbs(['run', pb, '-i', inv, '-e', `base=${kBase}`, ...pw]);
  assert.equal(k2.code, 0);
  assert.deepEqual(k2.recap, parseRecap(a2.out), 'second run recap');
  for (const h of hosts) assert.equal(k2.recap[h].changed, 0);
});

test('a wrong password: both refuse; kbs with exit 4 before contacting a host', async () => {
  const inv = sshdInventory(join(work, 'inv.yml'), sshd, hosts);
  writeFileSync(join(work, 'pw-wrong'), 'wrong\n');
  const pw = ['--vault-password-file', join(work, 'pw-default'), '--vault-id', `dev@${join(work, 'pw-wrong')}`];
  const pb = join(work, 'site.yml');
  const a = await ansiblePlaybook(['-i', inv, pb, '-e', `base=${join(work, 'wrong-a')}`, ...pw], work);
  assert.notEqual(a.code, 0);
  assert.match(a.out, /Decryption failed/);
  const k = await kbs(['run', pb, '-i', inv, '-e', `base=${join(work, 'wrong-k')}`, ...pw]);
  assert.equal(k.code, 4);
  assert.match(k.stderr, /site\.yml:4:\d+: error: this !vault value is encrypted \(vault id "dev"\)/);
  assert.equal(k.events.length, 0, 'no play started');
});
