/**
 * The long-lived remote shell (src/transport/remote_shell.ts) against a real sshd: commands share
 * one channel, framing survives any output, become runs in a sudo'd shell, a dead shell is
 * replaced, and --no-remote-shell (remoteShell: false) goes back to one channel per command.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { isRoot, optsFor, specFor } from '../helpers/transport.js';
import { ConnectionPool } from '../../src/transport/pool.js';

const skip = isRoot ? false : 'needs root to run sshd';
let s: Sshd;

before(async () => {
  if (!skip) s = await startSshd();
});
after(async () => {
  await s?.stop();
});

async function open(user: string, extra: Parameters<typeof specFor>[2] = {}, opts: Parameters<typeof optsFor>[1] = {}) {
  const pool = new ConnectionPool(optsFor(s, opts));
  return { pool, c: await pool.get(specFor(s, user, extra)) };
}

test('sequential commands share one channel; results are exact', { skip }, async () => {
  const { pool, c } = await open('kbstest');
  for (let i = 0; i < 20; i++) {
    const r = await c.exec(`printf 'out %s' ${i}; printf 'err %s' ${i} >&2; exit ${i % 5}`);
    assert.deepEqual([r.rc, r.stdout, r.stderr], [i % 5, `out ${i}`, `err ${i}`]);
  }
  assert.deepEqual(c.stats, { connects: 1, execs: 20, channels: 1 });
  await pool.closeAll();
});

test('each command gets a fresh /bin/sh: $0, $$, cd, variables and exit do not leak', { skip }, async () => {
  const { pool, c } = await open('kbstest');
  const a = await c.exec('echo "$0"; echo $$; cd /tmp; X=1; export Y=2; umask 077; exit 3');
  const [zero, pidA] = a.stdout.trim().split('\n');
  assert.deepEqual([a.rc, zero], [3, '/bin/sh']);
  const b = await c.exec('echo $$; pwd; echo "x=${X-unset} y=${Y-unset}"; umask');
  const [pidB, pwd, vars, umask] = b.stdout.trim().split('\n');
  assert.notEqual(pidA, pidB, 'a new process per command');
  assert.notEqual(pwd, '/tmp');
  assert.equal(vars, 'x=unset y=unset');
  assert.notEqual(umask, '0077');
  // kbs's own snippets may run inline (a subshell): same isolation
  const i = await c.exec('cd /; Z=1; exit 9', { inline: true });
  assert.equal(i.rc, 9);
  const j = await c.exec('pwd; echo "${Z-unset}"', { inline: true });
  assert.equal(j.stdout, `${pwd}\nunset\n`);
  assert.equal(c.stats.channels, 1);
  await pool.closeAll();
});

test('framing: binary, large, no trailing newline, output that looks like a marker', { skip }, async () => {
  const { pool, c } = await open('root');
  const big = await c.exec('head -c 3000000 /dev/zero | tr "\\0" "a"; echo; seq 1 20000 >&2');
  assert.equal(big.rc, 0);
  assert.equal(big.stdout.length, 3000001);
  assert.equal(big.stderr.split('\n').length, 20001);
  const bin = await c.exec('printf "\\000\\001\\377\\n\\000"');
  assert.deepEqual([...bin.stdoutBuf!], [0, 1, 255, 10, 0]);
  const fake = randomBytes(16).toString('hex');
  const look = await c.exec(`printf '${fake}0\\n'; printf '${fake}\\n' >&2; exit 1`);
  assert.deepEqual([look.rc, look.stdout, look.stderr], [1, `${fake}0\n`, `${fake}\n`]);
  const reads = await c.exec('cat; echo done');
  assert.equal(reads.stdout, 'done\n', 'stdin is /dev/null, not the shell channel');
  assert.equal(c.stats.channels, 1);
  await pool.closeAll();
});

test('a command that kills the shell gets rc -1 and a message; the next command gets a new shell', { skip }, async () => {
  const { pool, c } = await open('kbstest');
  const r = await c.exec('echo before; kill -KILL $PPID; sleep 5');
  assert.equal(r.rc, -1);
  assert.match(r.stderr, /remote shell on the host ended/);
  const n = await c.exec('echo after');
  assert.deepEqual([n.rc, n.stdout], [0, 'after\n']);
  assert.equal(c.stats.channels, 2);
  await pool.closeAll();
});

test('a signal through the shell shows as 128+N, as in any shell', { skip }, async () => {
  const { pool, c } = await open('kbstest');
  const r = await c.exec('kill -TERM $$');
  assert.equal(r.rc, 143);
  assert.equal((await c.exec('echo ok')).stdout, 'ok\n');
  await pool.closeAll();
});

test('output of a background job after its command ended is not given to the next command', { skip }, async () => {
  const { pool, c } = await open('kbstest');
  const r = await c.exec('(sleep 0.3; echo late; echo late >&2) & echo now');
  assert.equal(r.stdout, 'now\n');
  await new Promise((res) => setTimeout(res, 600));
  const n = await c.exec('echo next');
  assert.deepEqual([n.stdout, n.stderr], ['next\n', '']);
  await pool.closeAll();
});

test('become: sudo -n and become_user each get one shell; env and cwd apply', { skip }, async () => {
  const { pool, c } = await open('kbstest');
  for (let i = 0; i < 3; i++) {
    const r = await c.exec('whoami; echo "$HOME $X"; pwd', { become: true, env: { X: String(i) }, cwd: '/tmp' });
    assert.deepEqual([r.rc, r.stdout], [0, `root\n/root ${i}\n/tmp\n`]);
    const u = await c.exec('whoami', { become: true, becomeUser: 'kbspw' });
    assert.equal(u.stdout, 'kbspw\n');
  }
  // a third identity is over the shell limit: it still works, over exec channels
  const me = await c.exec('whoami');
  assert.equal(me.stdout, 'kbstest\n');
  assert.equal(c.stats.execs, 7);
  assert.ok(c.stats.channels <= 3, `channels ${c.stats.channels}`);
  await pool.closeAll();
});

test('become with a password: answered once, never seen by commands or output', { skip }, async () => {
  const pw = s.users.kbspw.password;
  const { pool, c } = await open('kbspw', { becomePassword: pw });
  for (let i = 0; i < 3; i++) {
    const r = await c.exec('whoami; cat | wc -c', { become: true });
    assert.deepEqual([r.rc, r.stdout.replace(/ +/g, '')], [0, 'root\n0\n']);
    assert.ok(!r.stderr.includes(pw) && !r.stdout.includes(pw));
  }
  assert.equal(c.stats.channels, 1);
  await pool.closeAll();
});

test('become with a wrong or missing password: the exec channel reports it, every time', { skip }, async () => {
  for (const becomePassword of ['wrong-secret-456', undefined]) {
    const { pool, c } = await open('kbspw', { becomePassword });
    for (let i = 0; i < 2; i++) {
      const r = await c.exec('whoami', { become: true });
      assert.notEqual(r.rc, 0);
      assert.match(r.stderr, becomePassword ? /become failed.*incorrect password/ : /become failed.*a password is required/);
      assert.ok(!r.stderr.includes('wrong-secret-456'));
    }
    const plain = await c.exec('whoami');
    assert.equal(plain.stdout, 'kbspw\n', 'the login shell is unaffected');
    await pool.closeAll();
  }
});

test('remoteShell: false (--no-remote-shell) opens one channel per command', { skip }, async () => {
  const { pool, c } = await open('kbstest', {}, { remoteShell: false });
  for (let i = 0; i < 5; i++) assert.equal((await c.exec(`echo ${i}`)).stdout, `${i}\n`);
  assert.deepEqual(c.stats, { connects: 1, execs: 5, channels: 5 });
  await pool.closeAll();
});
