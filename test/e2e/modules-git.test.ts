/**
 * ansible.builtin.git on fleet machines with local repositories (fleet id "hostmods14git", 2
 * machines, git from the fleet repository): ansible-playbook on one and kbs run on the other, the
 * same playbook (test/fixtures/modules-host/git.yml, commits with fixed names and dates so both
 * machines hold the same revisions): same recap on --check (fresh machines and after the first run), first and second run,
 * the same registered before/after/remote_url_changed/msg and the same checkouts. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, ssh, up, writeInventory } from '../fleet/index.js';
import { kbs, results } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const ID = 'hostmods14git';
const opts = { id: ID };
const T = { timeout: 900_000 };
const PB = resolve('test/fixtures/modules-host/git.yml');
const [MA, MK] = [1, 2].map((i) => `${ID}-${i}`);

async function sh(name: string, cmd: string): Promise<string> {
  const r = await ssh(name, cmd, { ...opts, timeoutSec: 300 });
  assert.equal(r.rc, 0, `${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

const STATE = 'ls -A /srv; cat /root/git-results.txt /root/git-checkouts.txt 2>/dev/null || true';

describe('git on the fleet', { skip: process.getuid?.() === 0 ? false : 'needs root' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kbs-git-e2e-'));
  const inv = join(work, 'inv.yml');
  before(async () => {
    await up(2, { ...opts, replace: true });
    await writeInventory(inv, {}, opts);
    await Promise.all([MA, MK].map((m) => sh(m, 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq git >/dev/null')));
  }, T);
  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('ansible-playbook and kbs run: same recap and results on --check, first and second run', T, async () => {
    const ansible = (extra: string[] = []) => ansiblePlaybook(['-i', inv, '-l', MA, PB, ...extra], work, { ANSIBLE_HOST_KEY_CHECKING: '1' });
    const run = (extra: string[] = []) => kbs(['run', PB, '-i', inv, '-l', MK, ...extra]);

    const ac = await ansible(['--check']);
    const kc = await run(['--check']);
    assert.deepEqual(kc.recap[MK], parseRecap(ac.out)[MA], `check recap\n${ac.out.slice(-3000)}\n${kc.stdout.slice(-3000)}`);
    // no upstream yet (its shell task is skipped in check mode): both fail at the first clone
    assert.equal(results(kc, 'Clone HEAD')[0].status, 'failed');
    assert.equal(await sh(MK, 'ls -A /srv'), '', 'check mode cloned nothing');

    const a1 = await ansible();
    const k1 = await run();
    assert.equal(k1.code, 0, k1.stdout.slice(-3000));
    assert.deepEqual(k1.recap[MK], parseRecap(a1.out)[MA], `first run\n${a1.out.slice(-3000)}`);
    const state = await sh(MK, STATE);
    assert.equal(state, await sh(MA, STATE), 'same repositories and results');
    assert.match(state, /^False True \S+ - - Local modifications exist in the destination: \/srv\/w1 \(force=no\)\.$/m);
    const st = Object.fromEntries(results(k1).map((r) => [r.task, r.status]));
    assert.equal(st['Clone HEAD'], 'changed');
    assert.equal(st['Clone HEAD again'], 'ok');
    assert.equal(st['Update'], 'changed');
    assert.equal(st['Other remote URL'], 'changed');
    assert.equal(results(k1, 'Other remote URL')[0].result.remote_url_changed, true);

    const ac2 = await ansible(['--check']);
    const kc2 = await run(['--check']);
    assert.deepEqual(kc2.recap[MK], parseRecap(ac2.out)[MA], `check recap after the first run\n${ac2.out.slice(-3000)}`);
    assert.equal(results(kc2, 'No update wanted')[0].status, 'ok');
    assert.equal(await sh(MK, STATE), state, 'check mode changed nothing');

    const a2 = await ansible();
    const k2 = await run();
    assert.deepEqual(k2.recap[MK], parseRecap(a2.out)[MA], 'second run');
    assert.equal(await sh(MK, STATE), await sh(MA, STATE), 'same after the second run');
    assert.ok(k2.recap[MK].changed < k1.recap[MK].changed, 'fewer changes on the second run');
  });
});
