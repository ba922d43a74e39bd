/**
 * community.general.timezone on fleet machines (systemd, timedatectl; own fleet id "mods14tz", 2
 * machines): ansible-playbook on one and kbs run on the other, the same playbook
 * (test/fixtures/modules-host/timezone.yml): same recap on --check, first and second run, the
 * same time zone and /etc/localtime afterwards, and check mode changes nothing. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, ssh, up, writeInventory } from '../fleet/index.js';
import { kbs, results } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const ID = 'mods14tz';
const opts = { id: ID };
const T = { timeout: 900_000 };
const PB = resolve('test/fixtures/modules-host/timezone.yml');
const [MA, MK] = [1, 2].map((i) => `${ID}-${i}`);

async function sh(name: string, cmd: string): Promise<string> {
  const r = await ssh(name, cmd, { ...opts, timeoutSec: 60 });
  assert.equal(r.rc, 0, `${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

const STATE = "timedatectl show -p Timezone -p LocalRTC; readlink /etc/localtime; cat /root/tz-results.txt 2>/dev/null || true";

describe('timezone on the fleet', { skip: process.getuid?.() === 0 ? false : 'needs root' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kbs-tz-e2e-'));
  const invA = join(work, 'inv-a.yml');
  const invK = join(work, 'inv-k.yml');
  before(async () => {
    await up(2, { ...opts, replace: true });
    await writeInventory(invA, { target: [MA] }, opts);
    await writeInventory(invK, { target: [MK] }, opts);
  }, T);
  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('ansible-playbook and kbs run: same recap on --check, first and second run, same machine state', T, async () => {
    const ansible = (extra: string[] = []) => ansiblePlaybook(['-i', invA, '-l', MA, PB, ...extra], work, { ANSIBLE_HOST_KEY_CHECKING: '1' });
    const run = (extra: string[] = []) => kbs(['run', PB, '-i', invK, '-l', MK, ...extra]);
    const start = await sh(MK, STATE);
    const ac = await ansible(['--check']);
    const kc = await run(['--check', '--diff']);
    assert.deepEqual(kc.recap[MK], parseRecap(ac.out)[MA], `check recap\n${ac.out.slice(-2000)}\n${kc.stdout.slice(-2000)}`);
    assert.equal(await sh(MK, STATE), start, 'check mode changed nothing');
    assert.match(JSON.stringify(results(kc, 'Zone')[0].result.diff), /Europe\/Berlin/);

    const a1 = await ansible();
    const k1 = await run();
    assert.equal(k1.code, 0, k1.stdout.slice(-3000));
    assert.deepEqual(k1.recap[MK], parseRecap(a1.out)[MA], `first run\n${a1.out.slice(-2000)}`);
    assert.equal(await sh(MK, STATE), await sh(MA, STATE), 'same state');
    assert.match(await sh(MK, STATE), /^Timezone=Europe\/Berlin\nLocalRTC=no\n.*Europe\/Berlin\nTrue .* -> Europe\/Berlin\n$/);
    assert.equal(results(k1, 'Unknown zone')[0].status, 'ignored');
    assert.match(String(results(k1, 'Unknown zone')[0].result.msg), /given timezone "Mars\/Olympus_Mons" is not available/);

    const a2 = await ansible(['-e', 'zone=Europe/Berlin']);
    const k2 = await run(['-e', 'zone=Europe/Berlin']);
    assert.deepEqual(k2.recap[MK], parseRecap(a2.out)[MA], 'second run');
    assert.equal(k2.recap[MK].changed, 1, 'only the results file changes');
  });
});
