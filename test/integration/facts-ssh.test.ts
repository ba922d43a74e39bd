/** Fact gathering over a real sshd on loopback: one exec channel, become with and without a password. */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { connectSsh } from '../../src/transport/connect.js';
import type { Connection, ConnectionSpec } from '../../src/transport/types.js';
import { gatherFacts } from '../../src/facts/index.js';
import { KbsError } from '../../src/errors.js';

let sshd: Sshd;
const open: Connection[] = [];

before(async () => {
  sshd = await startSshd();
});

after(async () => {
  for (const c of open) await c.close().catch(() => undefined);
  await sshd?.stop();
});

async function connect(user: string, becomePassword?: string): Promise<Connection> {
  const spec: ConnectionSpec = {
    name: `facts-${user}`,
    type: 'ssh',
    address: sshd.host,
    port: sshd.port,
    user,
    privateKeyFiles: [sshd.clientKey],
    becomePassword,
  };
  const c = await connectSsh(spec, { knownHostsFile: sshd.knownHostsFile, sshConfigFile: null });
  open.push(c);
  return c;
}

test('facts over ssh as an unprivileged user, then with become (sudo -n)', async () => {
  const conn = await connect('kbstest');
  const plain = await gatherFacts(conn);
  assert.equal(conn.stats.execs, 1);
  assert.equal(plain.user_id, 'kbstest');
  assert.notEqual(plain.user_uid, 0);
  assert.equal(plain.nodename, readFileSync('/proc/sys/kernel/hostname', 'utf8').trim());
  assert.ok(plain.memtotal_mb > 0);
  const root = await gatherFacts(conn, { become: true });
  assert.equal(root.user_id, 'root');
  assert.equal(root.user_uid, 0);
  assert.equal(root.hostname, plain.hostname);
  assert.deepEqual(root.default_ipv4, plain.default_ipv4);
});

test('become with a sudo password (sudo -S); the password never shows in the facts', async () => {
  const conn = await connect('kbspw', sshd.users.kbspw.password);
  const f = await gatherFacts(conn, { become: true });
  assert.equal(f.user_id, 'root');
  assert.ok(!JSON.stringify(f).includes(sshd.users.kbspw.password));
});

test('become without the needed password fails with a clear error', async () => {
  const conn = await connect('kbspw');
  await assert.rejects(gatherFacts(conn, { become: true }), (e: unknown) => {
    assert.ok(e instanceof KbsError, String(e));
    assert.ok(e.code === 'BECOME' || e.code === 'TASK', e.code);
    assert.equal(e.host, 'facts-kbspw');
    return true;
  });
});
