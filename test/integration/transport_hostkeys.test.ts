/** Host key verification against a real sshd: unknown, accept-new, hashed, changed, ssh args. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { isRoot, kbsError, optsFor, specFor } from '../helpers/transport.js';
import { ConnectionPool } from '../../src/transport/pool.js';
import { KbsError, exitCodeFor, EXIT } from '../../src/errors.js';

const skip = isRoot ? false : 'needs root to run sshd';
let s: Sshd;
let dir: string;
let otherKeyLine: string;

before(async () => {
  if (skip) return;
  s = await startSshd({ extraConfig: ['ListenAddress 127.0.0.2', 'ListenAddress 127.0.0.3', 'ListenAddress 127.0.0.4', 'ListenAddress 127.0.0.5'] });
  dir = mkdtempSync(join(s.tmpDir, 'kh-'));
  const k = join(dir, 'other_host_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', k]);
  otherKeyLine = readFileSync(k + '.pub', 'utf8').split(/\s+/).slice(0, 2).join(' ');
});
after(async () => {
  await s?.stop();
});

let n = 0;
function khFile(content?: string): string {
  const f = join(dir, `known_hosts_${n++}`);
  if (content !== undefined) writeFileSync(f, content);
  return f;
}
const entry = () => `[127.0.0.1]:${s.port}`;

async function connectWith(kh: string, extra: Parameters<typeof optsFor>[1] = {}, specExtra = {}) {
  const pool = new ConnectionPool(optsFor(s, { knownHostsFile: kh, ...extra }));
  try {
    const c = await pool.get(specFor(s, 'kbstest', specExtra));
    return (await c.exec('whoami')).stdout;
  } finally {
    await pool.closeAll();
  }
}

test('the known host key from the harness is accepted', { skip }, async () => {
  assert.equal(await connectWith(s.knownHostsFile), 'kbstest\n');
});

test('unknown host key: HOST_KEY with the OpenSSH fingerprint and a hint; nothing written', { skip }, async () => {
  const kh = khFile('');
  const pool = new ConnectionPool(optsFor(s, { knownHostsFile: kh }));
  await assert.rejects(pool.get(specFor(s, 'kbstest')), (e: unknown) => {
    kbsError('HOST_KEY')(e);
    const k = e as KbsError;
    assert.equal(k.message, `unknown host key for ${entry()} (ED25519 ${s.hostKeyFingerprint})`);
    assert.match(k.hint ?? '', /--accept-new-host-keys/);
    assert.match(k.hint ?? '', /ssh-keyscan/);
    assert.equal(exitCodeFor(k), EXIT.REFUSED);
    return true;
  });
  assert.equal(pool.attempts, 1, 'host key failures are not retried');
  assert.equal(readFileSync(kh, 'utf8'), '');
});

test('accept-new records the key (creating the dir 0700 and file 0600); the next run needs no flag', { skip }, async () => {
  const kh = join(dir, 'fresh', '.ssh', 'known_hosts');
  assert.equal(await connectWith(kh, { acceptNewHostKeys: true }), 'kbstest\n');
  assert.equal(readFileSync(kh, 'utf8'), `${entry()} ${s.hostKeyLine}\n`);
  assert.equal(statSync(kh).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'fresh', '.ssh')).mode & 0o777, 0o700);
  assert.equal(await connectWith(kh), 'kbstest\n');
  assert.equal(readFileSync(kh, 'utf8').split('\n').length, 2, 'not recorded twice');
});

test('a hashed entry (ssh-keygen -H) is accepted', { skip }, async () => {
  const kh = khFile(`${entry()} ${s.hostKeyLine}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', kh], { stdio: 'ignore' });
  assert.ok(readFileSync(kh, 'utf8').startsWith('|1|'));
  assert.equal(await connectWith(kh), 'kbstest\n');
});

test('a changed key fails, even with accept-new, naming file:line; the file is untouched', { skip }, async () => {
  const content = `# header\n${entry()} ${otherKeyLine}\n`;
  const kh = khFile(content);
  await assert.rejects(connectWith(kh, { acceptNewHostKeys: true }), (e: unknown) => {
    kbsError('HOST_KEY', /REMOTE HOST IDENTIFICATION HAS CHANGED/)(e);
    const k = e as KbsError;
    assert.ok(k.message.includes(`${kh}:2`), k.message);
    assert.ok(k.message.includes(s.hostKeyFingerprint));
    assert.match(k.hint ?? '', /ssh-keygen -f .* -R/);
    return true;
  });
  assert.equal(readFileSync(kh, 'utf8'), content);
});

test('a revoked key is refused', { skip }, async () => {
  const kh = khFile(`@revoked * ${s.hostKeyLine}\n${entry()} ${s.hostKeyLine}\n`);
  await assert.rejects(connectWith(kh, { acceptNewHostKeys: true }), kbsError('HOST_KEY', /revoked/));
});

test('-o UserKnownHostsFile=PATH replaces the default file for that host', { skip }, async () => {
  const empty = khFile('');
  const good = khFile(`${entry()} ${s.hostKeyLine}\n`);
  assert.equal(await connectWith(empty, {}, { commonArgs: `-o UserKnownHostsFile=${good}` }), 'kbstest\n');
  await assert.rejects(connectWith(good, {}, { commonArgs: `-o UserKnownHostsFile=${empty}` }), kbsError('HOST_KEY', /unknown host key/));
});

test('-o StrictHostKeyChecking=accept-new records into UserKnownHostsFile', { skip }, async () => {
  const runFile = khFile('');
  const hostFile = khFile('');
  const args = `-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${hostFile}`;
  assert.equal(await connectWith(runFile, {}, { commonArgs: args }), 'kbstest\n');
  assert.equal(readFileSync(hostFile, 'utf8'), `${entry()} ${s.hostKeyLine}\n`);
  assert.equal(readFileSync(runFile, 'utf8'), '');
});

test('-o StrictHostKeyChecking=no acts as accept-new: unknown recorded, changed still refused', { skip }, async () => {
  const kh = khFile('');
  assert.equal(await connectWith(kh, {}, { commonArgs: '-o StrictHostKeyChecking=no' }), 'kbstest\n');
  assert.equal(readFileSync(kh, 'utf8'), `${entry()} ${s.hostKeyLine}\n`);
  const changed = khFile(`${entry()} ${otherKeyLine}\n`);
  await assert.rejects(
    connectWith(changed, {}, { commonArgs: '-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null' }),
    kbsError('HOST_KEY'),
  );
  await assert.rejects(
    connectWith(changed, {}, { commonArgs: '-o StrictHostKeyChecking=no' }),
    kbsError('HOST_KEY', /REMOTE HOST IDENTIFICATION HAS CHANGED/),
  );
  assert.ok(existsSync('/dev/null') && statSync('/dev/null').isCharacterDevice());
});

test('-o StrictHostKeyChecking=yes overrides the run-wide accept-new', { skip }, async () => {
  const kh = khFile('');
  await assert.rejects(
    connectWith(kh, { acceptNewHostKeys: true }, { commonArgs: '-o StrictHostKeyChecking=yes' }),
    kbsError('HOST_KEY', /unknown host key/),
  );
});

test('concurrent accept-new for several hosts in one run loses no line', { skip }, async () => {
  const kh = khFile('');
  const pool = new ConnectionPool(optsFor(s, { knownHostsFile: kh, acceptNewHostKeys: true }));
  const addrs = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4', '127.0.0.5'];
  const conns = await Promise.all(addrs.map((a) => pool.get(specFor(s, 'kbstest', { name: `h-${a}`, address: a }))));
  const outs = await Promise.all(conns.map((c) => c.exec('whoami')));
  assert.ok(outs.every((o) => o.stdout === 'kbstest\n'));
  const lines = readFileSync(kh, 'utf8').trim().split('\n').sort();
  assert.deepEqual(lines, addrs.map((a) => `[${a}]:${s.port} ${s.hostKeyLine}`).sort());
  await pool.closeAll();
});
