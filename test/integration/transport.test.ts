/** SshConnection against a real sshd: exec, stdin/stdout, env, cwd, timeout, become, auth. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { isRoot, kbsError, optsFor, specFor } from '../helpers/transport.js';
import { ConnectionPool } from '../../src/transport/pool.js';
import type { Connection } from '../../src/transport/types.js';
import { KbsError } from '../../src/errors.js';

/** pids of local processes whose argv is exactly ARGV (the test sshd runs on this machine) */
function processesRunning(...argv: string[]): number[] {
  const want = argv.join('\0') + '\0';
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((d) => {
      try {
        return readFileSync(`/proc/${d}/cmdline`, 'utf8') === want;
      } catch {
        return false;
      }
    })
    .map(Number);
}

const skip = isRoot ? false : 'needs root to run sshd';
let s: Sshd;
let pool: ConnectionPool;
let root: Connection;
let user: Connection;

before(async () => {
  if (skip) return;
  s = await startSshd();
  pool = new ConnectionPool(optsFor(s));
  root = await pool.get(specFor(s, 'root'));
  user = await pool.get(specFor(s, 'kbstest'));
});
after(async () => {
  await pool?.closeAll();
  await s?.stop();
});

test('exec as root and as kbstest: rc, stdout, stderr', { skip }, async () => {
  const r = await root.exec('id -un; echo oops >&2; exit 7');
  assert.deepEqual([r.rc, r.stdout, r.stderr], [7, 'root\n', 'oops\n']);
  const u = await user.exec('id -un');
  assert.deepEqual([u.rc, u.stdout.trim()], [0, 'kbstest']);
});

test('commands run under /bin/sh -c with quoting intact', { skip }, async () => {
  const r = await user.exec(`printf '%s|' "a b" 'c'"'"'d' $((1+2)); echo "$0"`);
  assert.equal(r.stdout, `a b|c'd|3|/bin/sh\n`);
});

test('stdin text and binary round trip, stdoutBuf', { skip }, async () => {
  const t = await user.exec('tr a-z A-Z', { stdin: 'hello\nworld' });
  assert.equal(t.stdout, 'HELLO\nWORLD');
  const bin = randomBytes(3 * 1024 * 1024);
  const r = await user.exec('cat', { stdin: bin });
  assert.equal(r.rc, 0);
  assert.ok(r.stdoutBuf && r.stdoutBuf.equals(bin), 'binary bytes survive the round trip');
  const sum = await user.exec('sha256sum | cut -d" " -f1', { stdin: bin });
  const { createHash } = await import('node:crypto');
  assert.equal(sum.stdout.trim(), createHash('sha256').update(bin).digest('hex'));
  const none = await user.exec('cat; echo end');
  assert.equal(none.stdout, 'end\n', 'no stdin means EOF right away');
});

test('env and cwd', { skip }, async () => {
  const r = await user.exec('echo "$FOO|$BAR"; pwd', { env: { FOO: 'x y', BAR: "it's $HOME" }, cwd: '/tmp' });
  assert.equal(r.stdout, "x y|it's $HOME\n/tmp\n");
  const bad = await user.exec('pwd', { cwd: '/nonexistent-dir' });
  assert.notEqual(bad.rc, 0);
});

test('timeout kills the command: rc -1 and stderr says so', { skip }, async () => {
  const t0 = Date.now();
  const r = await user.exec('echo started; sleep 37; echo never', { timeoutMs: 400 });
  const took = Date.now() - t0;
  assert.equal(r.rc, -1);
  assert.match(r.stderr, /timed out after 400 ms/);
  assert.equal(r.stdout, 'started\n');
  assert.ok(took < 2000, `took ${took} ms`);
  // the whole remote process group is gone, not only the shell
  await new Promise((res) => setTimeout(res, 200));
  assert.deepEqual(processesRunning('sleep', '37'), []);
  // the connection is still usable
  assert.equal((await user.exec('echo ok')).stdout, 'ok\n');
});

test('a command killed by a signal (own exec channel): rc -1 and stderr names the signal', { skip }, async () => {
  // stdin gives the command its own channel, where sshd reports the signal; through the
  // long-lived shell the same command reports 128+15 as any shell does (transport_shell.test.ts)
  const r = await user.exec('kill -TERM $$', { stdin: '' });
  assert.equal(r.rc, -1);
  assert.match(r.stderr, /signal (SIG)?TERM/);
});

test('many execs, also concurrent, reuse one connection', { skip }, async () => {
  const p = new ConnectionPool(optsFor(s));
  const [a, b] = await Promise.all([p.get(specFor(s, 'kbstest')), p.get(specFor(s, 'kbstest'))]);
  assert.equal(a, b, 'concurrent gets share one attempt');
  const outs = await Promise.all(Array.from({ length: 30 }, (_, i) => a.exec(`echo ${i}`)));
  outs.forEach((o, i) => assert.equal(o.stdout, `${i}\n`));
  for (let i = 0; i < 10; i++) await a.exec('true');
  assert.equal(a.stats.connects, 1);
  assert.equal(a.stats.execs, 40);
  // 10 sequential + the first of the concurrent ones ran in the long-lived shell; the concurrent
  // rest each took a channel of its own
  assert.deepEqual(p.totals(), { connects: 1, execs: 40, channels: a.stats.channels });
  assert.ok(a.stats.channels >= 2 && a.stats.channels <= 30, `channels ${a.stats.channels}`);
  assert.equal(p.attempts, 1);
  await p.closeAll();
  await assert.rejects(a.exec('true'), kbsError('UNREACHABLE'));
});

test('become root from kbstest with sudo -n; become_user another user', { skip }, async () => {
  const r = await user.exec('whoami; echo "$HOME"', { become: true });
  assert.deepEqual([r.rc, r.stdout], [0, 'root\n/root\n']);
  const u = await user.exec('whoami', { become: true, becomeUser: 'kbspw' });
  assert.equal(u.stdout, 'kbspw\n');
  const stdin = await user.exec('cat', { become: true, stdin: 'through sudo\n' });
  assert.equal(stdin.stdout, 'through sudo\n');
  const env = await user.exec('echo "$X"; pwd', { become: true, env: { X: 'kept' }, cwd: '/tmp' });
  assert.equal(env.stdout, 'kept\n/tmp\n');
  const rc = await user.exec('echo e >&2; exit 4', { become: true });
  assert.deepEqual([rc.rc, rc.stderr], [4, 'e\n'], 'the command rc and stderr pass through unchanged');
});

test('kbspw: become with its password works and never leaks it into stdin', { skip }, async () => {
  const pw = s.users.kbspw.password;
  const p = new ConnectionPool(optsFor(s));
  const c = await p.get(specFor(s, 'kbspw', { becomePassword: pw }));
  const r = await c.exec('whoami; cat', { become: true, stdin: 'payload\n' });
  assert.equal(r.rc, 0, r.stderr);
  assert.equal(r.stdout, 'root\npayload\n');
  assert.ok(!r.stderr.includes(pw) && !r.stdout.includes(pw));
  const noStdin = await c.exec('cat | wc -c', { become: true });
  assert.equal(noStdin.stdout.trim(), '0', 'the password did not reach the command');
  await p.closeAll();
});

test('kbspw without a become password: a clear become failure', { skip }, async () => {
  const p = new ConnectionPool(optsFor(s));
  const c = await p.get(specFor(s, 'kbspw'));
  const r = await c.exec('whoami', { become: true });
  assert.notEqual(r.rc, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /become failed.*a password is required/);
  assert.match(r.stderr, /ansible_become_password/);
  await p.closeAll();
});

test('kbspw with a wrong become password: "incorrect password", quickly, no secret shown', { skip }, async () => {
  const p = new ConnectionPool(optsFor(s));
  const c = await p.get(specFor(s, 'kbspw', { becomePassword: 'wrong-secret-123' }));
  const t0 = Date.now();
  const r = await c.exec('whoami', { become: true, stdin: 'x\ny\nz\n' });
  assert.notEqual(r.rc, 0);
  assert.match(r.stderr, /become failed.*incorrect password/);
  assert.ok(!r.stderr.includes('wrong-secret-123'));
  assert.ok(Date.now() - t0 < 8000);
  await p.closeAll();
});

test('password authentication (kbspw, no key)', { skip }, async () => {
  const p = new ConnectionPool(optsFor(s));
  const c = await p.get({ name: 'pw', type: 'ssh', address: s.host, port: s.port, user: 'kbspw', password: s.users.kbspw.password, privateKeyFiles: [join(s.tmpDir, 'no-such-key')] });
  assert.equal((await c.exec('whoami')).stdout, 'kbspw\n');
  await p.closeAll();
});

test('failed authentication: UNREACHABLE listing the methods tried, never the secret, not retried', { skip }, async () => {
  const p = new ConnectionPool(optsFor(s));
  const other = join(s.tmpDir, 'other_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const spec = { name: 'bad', type: 'ssh' as const, address: s.host, port: s.port, user: 'kbspw', password: 'not-the-password-42', privateKeyFiles: [other] };
  await assert.rejects(p.get(spec), (e: unknown) => {
    kbsError('UNREACHABLE', /authentication failed for kbspw@127\.0\.0\.1:\d+/)(e);
    const k = e as KbsError;
    assert.ok(k.message.includes(`publickey ${other}`), k.message);
    assert.match(k.message, /password/);
    assert.ok(!k.render().includes('not-the-password-42'));
    assert.equal(k.host, 'bad');
    return true;
  });
  assert.equal(p.attempts, 1, 'auth failures are not retried');
});

test('an encrypted key without passphrase: clear error', { skip }, async () => {
  const enc = join(s.tmpDir, 'enc_key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'sekrit-pass', '-f', enc]);
  const p = new ConnectionPool(optsFor(s));
  await assert.rejects(p.get(specFor(s, 'kbstest', { privateKeyFiles: [enc] })), (e: unknown) => {
    kbsError('UNREACHABLE', /encrypted.*ssh-add/)(e);
    assert.ok(!(e as Error).message.includes('sekrit-pass'));
    return true;
  });
});

test('ssh-agent authentication (SSH_AUTH_SOCK)', { skip }, async () => {
  const sock = join(s.tmpDir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  try {
    for (let i = 0; i < 50; i++) {
      try {
        readFileSync(sock);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const key = join(s.tmpDir, 'agent_key');
    copyFileSync(s.clientKey, key);
    execFileSync('ssh-add', [key], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    const p = new ConnectionPool(optsFor(s, { agentSocket: sock }));
    const c = await p.get(specFor(s, 'kbstest', { privateKeyFiles: [join(s.tmpDir, 'missing')] }));
    assert.equal((await c.exec('whoami')).stdout, 'kbstest\n');
    await p.closeAll();
  } finally {
    agent.kill();
  }
});

test('local connections come from the same pool', { skip }, async () => {
  const p = new ConnectionPool(optsFor(s));
  const c = await p.get({ name: 'localhost', type: 'local', address: 'localhost' });
  assert.equal((await c.exec('echo $((6*7))')).stdout, '42\n');
  const b = await c.exec('whoami; cat', { become: true, becomeUser: 'kbstest', stdin: 'in' });
  assert.deepEqual([b.rc, b.stdout, b.stderr], [0, 'kbstest\nin', '']);
  assert.deepEqual(p.totals(), { connects: 0, execs: 2, channels: 0 });
});
