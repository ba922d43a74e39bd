/**
 * 200 hosts behind one real sshd, with fact gathering: on a loaded machine kbs slows down, it does
 * not fail hosts. Every host gathers facts and runs a command; none is unreachable or failed, and
 * the run ends within a bounded time. The sshd keeps OpenSSH's default MaxStartups (10:30:100):
 * kbs must not open more handshakes at once than a stock sshd accepts (before, hosts were lost
 * with "Connection lost before handshake"). The hosts log in as kbstest (login shell /bin/sh):
 * root's login shell on this machine runs pyenv from ~/.bashrc, which made the same run take
 * minutes (and, before the remote shell was handed out only once it runs, failed hosts with "fact
 * gathering timed out"; that part is covered by test/unit/transport-remote-shell.test.ts).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, results, sshdInventory } from '../helpers/kbs.js';

const N = 200;
/** generous for a loaded 2-core machine; a healthy run takes a fraction of it */
const BOUND_MS = 240_000;
let sshd: Sshd;
let work: string;

before(async () => {
  sshd = await startSshd({ extraConfig: ['MaxStartups 10:30:100'] });
  work = mkdtempSync(join(tmpdir(), 'kbs-many-'));
});
after(async () => {
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

test(`${N} hosts behind one sshd, facts gathered: every host ok, bounded time`, { timeout: BOUND_MS + 60_000 }, async () => {
  const hosts = Array.from({ length: N }, (_, i) => `h${String(i).padStart(3, '0')}`);
  const inv = sshdInventory(join(work, 'inv.yml'), sshd, hosts, { user: 'kbstest' });
  const pb = join(work, 'pb.yml');
  writeFileSync(pb, '- hosts: all\n  gather_facts: true\n  tasks:\n    - name: hostname\n      command: "echo {{ ansible_hostname }}"\n');
  const started = Date.now();
  const r = await kbs(['run', pb, '-i', inv]);
  const took = Date.now() - started;
  const bad = results(r).filter((e) => e.status !== 'ok' && e.status !== 'changed');
  assert.deepEqual(
    bad.slice(0, 5).map((e) => `${e.host} ${e.task}: ${String(e.result.msg)}`),
    [],
    `${bad.length} host results were not ok`,
  );
  assert.equal(r.code, 0, r.stderr.slice(-2000));
  assert.equal(results(r, 'hostname').length, N);
  assert.equal(Object.keys(r.recap).length, N);
  assert.ok(took < BOUND_MS, `took ${took} ms`);
});
