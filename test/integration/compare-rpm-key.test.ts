/**
 * rpm_key, kbs against ansible-playbook 2.14 over a real sshd, with this machine's rpm database
 * and gpg: a key generated for the test, imported from a file on the host and from a URL (a local
 * HTTP server), a second run, check mode, removal by key id and by file, a fingerprint that does
 * not match and one that does, a key id without a file, a path that is not a key, a URL that
 * holds no key. Every registered result is compared (but `invocation`). The key is removed from
 * the rpm database before each tool's run and after the test.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { USERS, registeredResult, registeredStep, runTool, startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;
let inv: string;
let http: ChildProcess | undefined;
let port = 0;
let keyid = '';
let fpr = '';

function dropKey(): void {
  if (keyid) execFileSync('sh', ['-c', `rpm --erase --allmatches gpg-pubkey-${keyid.slice(-8).toLowerCase()} >/dev/null 2>&1; true`]);
}

async function freePort(): Promise<number> {
  return new Promise((done) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => done(p));
    });
  });
}

before(async () => {
  ({ sshd, work, inv } = await startHosts('rpmkey', { asroot: USERS.asroot }));
  const home = mkdtempSync(join(tmpdir(), 'kbs-gpg-'));
  try {
    const gpg = (...a: string[]) => execFileSync('gpg', ['--homedir', home, '--batch', ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    gpg('--passphrase', '', '--quick-gen-key', 'kbs rpm_key test <kbs@example.invalid>', 'rsa2048', 'sign', 'never');
    writeFileSync(join(work, 'key.asc'), gpg('--armor', '--export'));
    const colons = gpg('--with-colons', '--fingerprint');
    keyid = colons.split('\n').find((l) => l.startsWith('pub:'))!.split(':')[4];
    fpr = colons.split('\n').find((l) => l.startsWith('fpr:'))!.split(':')[9];
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
  writeFileSync(join(work, 'not-a-key.txt'), 'hello\n');
  port = await freePort();
  http = spawn('python3', ['-m', 'http.server', String(port), '--bind', '127.0.0.1', '--directory', work], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    try {
      execFileSync('curl', ['-fs', '-o', '/dev/null', `http://127.0.0.1:${port}/key.asc`]);
      break;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  dropKey();
});
after(async () => {
  dropKey();
  http?.kill();
  await stopHosts(sshd, work);
});

const step = (args: string, extra = '') => registeredStep('rpm_key', args, extra);

function playbook(): string {
  const file = join(work, 'key.asc');
  const url = `http://127.0.0.1:${port}/key.asc`;
  const spaced = fpr.toLowerCase().replace(/(.{4})/g, '$1 ').trim();
  return `- hosts: asroot
  gather_facts: false
  tasks:
${step(`{key: "${file}"}`)}${step(`{key: "${file}"}`)}${step(`{key: "${keyid}", state: absent}`, '      check_mode: true\n')}${step(`{key: "0x${keyid.toLowerCase()}"}`)}${step(`{key: "${keyid}", state: absent}`)}${step(`{key: "${keyid}", state: absent}`)}${step(`{key: "${keyid}"}`)}${step(`{key: "${file}", fingerprint: "0000 1111"}`)}${step(`{key: "${url}", fingerprint: "${spaced}"}`)}${step(`{key: "${url}"}`)}${step(`{key: "${file}", state: absent}`)}${step('{key: /nonexistent/kbs.asc}')}${step(`{key: "http://127.0.0.1:${port}/not-a-key.txt"}`)}`;
}

test('rpm_key: as ansible-playbook', async () => {
  const run = async (tool: 'a' | 'k') => {
    dropKey();
    const pb = join(work, `rpmkey-${tool}.yml`);
    writeFileSync(pb, playbook());
    const args = ['-i', inv, pb];
    return runTool(tool, work, args);
  };
  const a = await run('a');
  const k = await run('k');
  assert.equal(a.code, 0, a.out);
  assert.equal(k.code, 0, k.out);
  assert.deepEqual(k.msgs, a.msgs);
  // what the results are, so that the comparison cannot pass on two wrong answers
  const m = k.msgs.asroot.map(registeredResult);
  assert.deepEqual(m.map((r) => r.changed), [true, false, true, false, true, false, false, false, true, false, true, false, false]);
  assert.equal(m[6].msg, 'When importing a key, a valid file must be given');
  assert.match(String(m[7].msg), /^The specified fingerprint, '00001111', does not match the key fingerprint '[0-9A-F]{40}'$/);
  assert.equal(m[11].msg, 'Not a valid key /nonexistent/kbs.asc');
  assert.equal(m[12].msg, `Not a public key: http://127.0.0.1:${port}/not-a-key.txt`);
});
