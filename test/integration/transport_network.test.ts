/** ssh_config, jump hosts, dropped and hung connections, timeouts, refused connections. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { descendants, startSshd, type Sshd } from '../helpers/sshd.js';
import { isRoot, kbsError, optsFor, specFor } from '../helpers/transport.js';
import { ConnectionPool } from '../../src/transport/pool.js';
import { clearSshConfigCache } from '../../src/transport/ssh_config.js';
import { KbsError } from '../../src/errors.js';

const skip = isRoot ? false : 'needs root to run sshd';
let a: Sshd; // target / jump host
let b: Sshd; // a second host
let bothKnown: string;

before(async () => {
  if (skip) return;
  [a, b] = await Promise.all([startSshd(), startSshd()]);
  bothKnown = join(a.tmpDir, 'known_both');
  writeFileSync(bothKnown, readFileSync(a.knownHostsFile, 'utf8') + readFileSync(b.knownHostsFile, 'utf8'));
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
});

function sessionCmdlines(s: Sshd): string[] {
  return descendants(s.pid).map((p) => {
    try {
      return readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
    } catch {
      return '';
    }
  });
}

test('ssh_config: an alias with HostName, User, Port and IdentityFile', { skip }, async () => {
  const cfg = join(a.tmpDir, 'ssh_config');
  writeFileSync(cfg, `Host web-alias\n  HostName 127.0.0.1\n  User kbstest\n  Port ${a.port}\n  IdentityFile ${a.clientKey}\n\nHost *\n  User nobody-here\n`);
  clearSshConfigCache();
  const pool = new ConnectionPool(optsFor(a, { sshConfigFile: cfg }));
  const c = await pool.get({ name: 'web', type: 'ssh', address: 'web-alias' });
  assert.equal((await c.exec('whoami')).stdout, 'kbstest\n');
  // inventory values win over ssh_config
  const r = await pool.get({ name: 'web-root', type: 'ssh', address: 'web-alias', user: 'root' });
  assert.equal((await r.exec('whoami')).stdout, 'root\n');
  await pool.closeAll();
});

test('ProxyJump through the same sshd (-o ProxyJump=..., -J, and a chain of 2)', { skip }, async () => {
  for (const args of [
    `-o ProxyJump=root@127.0.0.1:${a.port}`,
    `-J root@127.0.0.1:${a.port}`,
    `-o ProxyJump=root@127.0.0.1:${a.port},kbstest@127.0.0.1:${a.port}`,
  ]) {
    const pool = new ConnectionPool(optsFor(a));
    const c = await pool.get(specFor(a, 'kbstest', { commonArgs: args }));
    const r = await c.exec('whoami');
    assert.equal(r.stdout, 'kbstest\n', args);
    assert.equal(c.stats.connects, 1);
    await pool.closeAll();
  }
});

test('ProxyJump really goes through the jump host (and closes with the connection)', { skip }, async () => {
  const pool = new ConnectionPool(optsFor(a, { knownHostsFile: bothKnown }));
  const rootSessions = () => sessionCmdlines(a).filter((l) => /sshd: root/.test(l));
  // sessions of earlier tests may still be winding down
  for (let i = 0; i < 60 && rootSessions().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(rootSessions(), []);
  const c = await pool.get(
    specFor(b, 'kbstest', { privateKeyFiles: [b.clientKey, a.clientKey], commonArgs: `-o ProxyJump=root@127.0.0.1:${a.port}` }),
  );
  assert.equal((await c.exec('whoami')).stdout, 'kbstest\n');
  assert.ok(rootSessions().length > 0, `jump host sessions: ${sessionCmdlines(a)}`);
  await pool.closeAll();
  for (let i = 0; i < 40 && rootSessions().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(rootSessions(), [], 'the jump connection was closed too');
});

test('ProxyJump from ssh_config, with the jump host\'s own config block', { skip }, async () => {
  const cfg = join(a.tmpDir, 'ssh_config_jump');
  writeFileSync(
    cfg,
    `Host target\n  HostName 127.0.0.1\n  Port ${b.port}\n  User kbstest\n  IdentityFile ${b.clientKey}\n  ProxyJump bastion\n` +
      `Host bastion\n  HostName 127.0.0.1\n  Port ${a.port}\n  User root\n  IdentityFile ${a.clientKey}\n`,
  );
  clearSshConfigCache();
  const pool = new ConnectionPool(optsFor(a, { knownHostsFile: bothKnown, sshConfigFile: cfg }));
  const c = await pool.get({ name: 't', type: 'ssh', address: 'target' });
  assert.equal((await c.exec('whoami')).stdout, 'kbstest\n');
  await pool.closeAll();
});

test('the jump host key is verified too', { skip }, async () => {
  // known_hosts knows b (the target) but not a (the jump host)
  const pool = new ConnectionPool(optsFor(b));
  await assert.rejects(
    pool.get(specFor(b, 'kbstest', { commonArgs: `-J root@127.0.0.1:${a.port}` })),
    kbsError('HOST_KEY', new RegExp(`unknown host key for \\[127\\.0\\.0\\.1\\]:${a.port} \\(ED25519 ${a.hostKeyFingerprint.replace(/[+/]/g, '\\$&')}\\)`)),
  );
});

test('a jump host that cannot reach the target: UNREACHABLE naming the jump', { skip }, async () => {
  const dead = await closedPort();
  const pool = new ConnectionPool(optsFor(a, { retries: 1 }));
  await assert.rejects(
    pool.get(specFor(a, 'kbstest', { port: dead, commonArgs: `-J root@127.0.0.1:${a.port}` })),
    kbsError('UNREACHABLE', new RegExp(`cannot connect to 127\\.0\\.0\\.1:${dead} via jump host root@127\\.0\\.0\\.1:${a.port}`)),
  );
});

test('a connection killed mid-run: its execs reject UNREACHABLE, another host keeps working', { skip }, async () => {
  const pool = new ConnectionPool(optsFor(a, { knownHostsFile: bothKnown }));
  const ca = await pool.get(specFor(a, 'kbstest'));
  const cb = await pool.get(specFor(b, 'kbstest'));
  assert.equal((await ca.exec('echo up')).stdout, 'up\n');
  const pending = ca.exec('sleep 30');
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  assert.ok(a.killConnections() > 0);
  await assert.rejects(pending, (e: unknown) => {
    kbsError('UNREACHABLE', /connection to kbstest@127\.0\.0\.1:\d+ lost/)(e);
    assert.equal((e as KbsError).host, `kbstest-${a.port}`);
    return true;
  });
  assert.ok(Date.now() - t0 < 3000);
  await assert.rejects(ca.exec('true'), kbsError('UNREACHABLE'));
  assert.equal(await pool.get(specFor(a, 'kbstest')), ca, 'one connection per host per run');
  assert.equal((await cb.exec('echo still here')).stdout, 'still here\n');
  await pool.closeAll();
});

test('a hung host is detected by keepalives: pending exec rejects UNREACHABLE', { skip }, async () => {
  const pool = new ConnectionPool(optsFor(b), { keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
  const c = await pool.get(specFor(b, 'kbstest'));
  assert.equal((await c.exec('echo up')).stdout, 'up\n');
  const pending = c.exec('sleep 20');
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  assert.ok(b.freezeConnections() > 0);
  try {
    await assert.rejects(pending, kbsError('UNREACHABLE', /lost/));
    assert.ok(Date.now() - t0 < 5000, `took ${Date.now() - t0} ms`);
  } finally {
    b.thawConnections();
    b.killConnections();
    await pool.closeAll();
  }
});

/** A TCP listener that accepts and never says anything. */
async function silentServer(): Promise<{ port: number; server: Server; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = createServer((sock) => sockets.push(sock));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : 0, server, sockets };
}

async function closedPort(): Promise<number> {
  const { port, server } = await silentServer();
  await new Promise((r) => server.close(r));
  return port;
}

test('connect timeout against a listener that never speaks: UNREACHABLE within the timeout', { skip }, async () => {
  const silent = await silentServer();
  try {
    const pool = new ConnectionPool({ ...optsFor(a), connectTimeout: 1 });
    const t0 = Date.now();
    await assert.rejects(
      pool.get({ name: 'mute', type: 'ssh', address: '127.0.0.1', port: silent.port, user: 'root', privateKeyFiles: [a.clientKey] }),
      (e: unknown) => {
        kbsError('UNREACHABLE', new RegExp(`cannot connect to 127\\.0\\.0\\.1:${silent.port}: timed out after 1 s`))(e);
        assert.ok((e as KbsError).hint);
        return true;
      },
    );
    const took = Date.now() - t0;
    assert.ok(took >= 900 && took < 2500, `took ${took} ms`);
    assert.equal(pool.attempts, 1, 'a timeout is not retried');

    // -o ConnectTimeout=N in ansible_ssh_common_args overrides the run's timeout
    const pool2 = new ConnectionPool({ ...optsFor(a), connectTimeout: 30 });
    const t1 = Date.now();
    await assert.rejects(
      pool2.get({ name: 'mute2', type: 'ssh', address: '127.0.0.1', port: silent.port, user: 'root', privateKeyFiles: [a.clientKey], commonArgs: '-o ConnectTimeout=1' }),
      kbsError('UNREACHABLE', /timed out after 1 s/),
    );
    assert.ok(Date.now() - t1 < 2500);
  } finally {
    for (const so of silent.sockets) so.destroy();
    silent.server.close();
  }
});

test('connection refused: UNREACHABLE with a hint, retried with backoff, same error for later gets', { skip }, async () => {
  const port = await closedPort();
  const pool = new ConnectionPool({ ...optsFor(a), retries: 3 }, { backoffMs: 20 });
  const spec = { name: 'gone', type: 'ssh' as const, address: '127.0.0.1', port, user: 'root', privateKeyFiles: [a.clientKey] };
  let first: unknown;
  await assert.rejects(pool.get(spec), (e: unknown) => {
    kbsError('UNREACHABLE', new RegExp(`^cannot connect to 127\\.0\\.0\\.1:${port}: connection refused$`))(e);
    assert.match((e as KbsError).hint ?? '', /sshd running/);
    assert.equal((e as KbsError).host, 'gone');
    first = e;
    return true;
  });
  assert.equal(pool.attempts, 3);
  await assert.rejects(pool.get(spec), (e: unknown) => e === first);
  assert.equal(pool.attempts, 3, 'an unreachable host is not dialed again in the same run');
});
