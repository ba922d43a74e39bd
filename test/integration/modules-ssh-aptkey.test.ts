/**
 * apt_key through `kbs run` over a real sshd, against ansible-playbook 2.14 on the same playbook
 * (test/fixtures/modules-host/apt_key.yml) with two keys made here by gpg: the keys in each
 * keyring, the registered results and the recap must be the same, first run, second run and
 * under --check.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, sshdInventory } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const PB = resolve('test/fixtures/modules-host/apt_key.yml');
const HOSTS = ['h1', 'h2'];
let sshd: Sshd;
let work: string;
let inv: string;
let keys: string;

before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'kbs-modaptkey-'));
  inv = sshdInventory(join(work, 'inv.yml'), sshd, HOSTS);
  keys = join(work, 'keys');
  const home = join(work, 'gnupg');
  mkdirSync(keys);
  mkdirSync(home, { mode: 0o700 });
  mkdirSync(join(work, 'listhome'), { mode: 0o700 });
  for (const n of ['1', '2']) {
    const gpg = (args: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    gpg(['--passphrase', '', '--quick-generate-key', `kbs test ${n} <kbs${n}@example.invalid>`, 'ed25519', 'sign', 'never']);
    writeFileSync(join(keys, `key${n}.asc`), gpg(['--armor', '--export', `kbs${n}@example.invalid`]));
  }
});
after(async () => {
  // gpg started an agent for the key folder: stop it
  if (work) for (const h of ['gnupg', 'listhome']) execFileSync('gpgconf', ['--homedir', join(work, h), '--kill', 'gpg-agent'], { stdio: 'ignore' });
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

const ansible = (base: string, extra: string[] = []) => ansiblePlaybook(['-i', inv, PB, '-e', `base=${base}`, '-e', `keys=${keys}`, ...extra], work);
const run = (base: string, extra: string[] = []) => kbs(['run', PB, '-i', inv, '-e', `base=${base}`, '-e', `keys=${keys}`, ...extra]);

/** the key ids in a keyring and the results file of a host */
function state(base: string, h: string): string {
  const ring = join(base, h, 'one.gpg');
  const ids = existsSync(ring)
    ? execFileSync('gpg', ['--homedir', join(work, 'listhome'), '--batch', '--trust-model', 'always', '--no-default-keyring', '--keyring', ring, '--with-colons', '--list-keys'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')
        .filter((l) => l.startsWith('pub'))
        .map((l) => l.split(':')[4])
        .join(',')
    : 'no keyring';
  const res = join(base, h, 'results.txt');
  return `${ids}\n${existsSync(res) ? readFileSync(res, 'utf8') : ''}`;
}

test('ansible-playbook and kbs run: the same keyrings, results and recap, first and second run', async () => {
  const aBase = join(work, 'by-ansible');
  const kBase = join(work, 'by-kbs');
  const a1 = await ansible(aBase);
  assert.equal(a1.code, 0, a1.out.slice(-4000));
  const aState = HOSTS.map((h) => state(aBase, h));
  const k1 = await run(kBase);
  assert.equal(k1.code, 0, k1.stdout.slice(-4000));
  assert.deepEqual(k1.recap, parseRecap(a1.out), 'first run recap');
  assert.deepEqual(HOSTS.map((h) => state(kBase, h)), aState);
  assert.match(aState[0], /^[0-9A-F]{16}\nTrue True 16 8 \[\] 1\nTrue 2\nTrue 2 1\nInvalid key_id\n$/);
  const a2 = await ansible(aBase);
  const k2 = await run(kBase);
  assert.deepEqual(k2.recap, parseRecap(a2.out), 'second run recap');
  assert.deepEqual(HOSTS.map((h) => state(kBase, h)), HOSTS.map((h) => state(aBase, h)));
});

test('--check: the same recap as ansible-playbook --check, no key added', async () => {
  const aBase = join(work, 'check-ansible');
  const kBase = join(work, 'check-kbs');
  for (const base of [aBase, kBase]) for (const h of HOSTS) mkdirSync(join(base, h), { recursive: true });
  const a = await ansible(aBase, ['--check']);
  const k = await run(kBase, ['--check']);
  assert.equal(k.code, a.code, `${a.out.slice(-3000)}\n${k.stdout.slice(-3000)}`);
  assert.deepEqual(k.recap, parseRecap(a.out), 'check-mode recap');
  // listing the keys (apt-key adv) leaves an empty keyring file, under Ansible too: no key is added
  for (const h of HOSTS) {
    assert.equal(state(kBase, h), state(aBase, h));
    assert.ok(state(kBase, h).startsWith('\n') || state(kBase, h).startsWith('no keyring'), `no key in ${h}'s keyring`);
  }
});
