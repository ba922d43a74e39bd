/**
 * ansible.builtin.reboot on fleet machines (fleet id "hostmods14rb", 2 machines; the fleet's
 * supervisor starts nspawn again when a machine reboots, and nspawn gives each boot a new boot
 * id): ansible-playbook on one and kbs run on the other, the same playbook
 * (test/fixtures/modules-host/reboot.yml): the same recap and results on --check and on a real run
 * (boot id changed, a file in /run gone, kbs dialed the machine again over the same connection
 * settings), a missing shutdown command fails as in Ansible; service's daemon_reload reaches
 * systemd. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, ssh, up, writeInventory } from '../fleet/index.js';
import { kbs, results } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const ID = 'hostmods14rb';
const opts = { id: ID };
const T = { timeout: 900_000 };
const PB = resolve('test/fixtures/modules-host/reboot.yml');
const [MA, MK] = [1, 2].map((i) => `${ID}-${i}`);

async function sh(name: string, cmd: string): Promise<string> {
  const r = await ssh(name, cmd, { ...opts, timeoutSec: 120 });
  assert.equal(r.rc, 0, `${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

const STATE = 'cat /root/reboot-results.txt /root/reboot-results2.txt 2>/dev/null || true';

describe('reboot on the fleet', { skip: process.getuid?.() === 0 ? false : 'needs root' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kbs-reboot-e2e-'));
  const inv = join(work, 'inv.yml');
  before(async () => {
    await up(2, { ...opts, replace: true });
    await writeInventory(inv, {}, opts);
  }, T);
  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('ansible-playbook and kbs run: same recap and results on --check and on a real reboot', T, async () => {
    const ansible = (extra: string[] = []) => ansiblePlaybook(['-i', inv, '-l', MA, PB, '-e', 'marker=m', ...extra], work, { ANSIBLE_HOST_KEY_CHECKING: '1' });
    const run = (extra: string[] = []) => kbs(['run', PB, '-i', inv, '-l', MK, '-e', 'marker=m', ...extra]);
    const boot0 = await sh(MK, 'cat /proc/sys/kernel/random/boot_id');

    const ac = await ansible(['--check']);
    const kc = await run(['--check']);
    assert.deepEqual(kc.recap[MK], parseRecap(ac.out)[MA], `check recap\n${ac.out.slice(-3000)}\n${kc.stdout.slice(-3000)}`);
    assert.deepEqual(results(kc, 'Reboot')[0].result, { changed: true, elapsed: 0, rebooted: true, failed: false });
    assert.equal(await sh(MK, 'cat /proc/sys/kernel/random/boot_id'), boot0, 'check mode did not reboot');

    const a1 = await ansible();
    const k1 = await run();
    assert.equal(k1.code, 0, k1.stdout.slice(-3000));
    assert.deepEqual(k1.recap[MK], parseRecap(a1.out)[MA], `run\n${a1.out.slice(-3000)}\n${k1.stdout.slice(-3000)}`);
    const state = await sh(MK, STATE);
    assert.equal(state, await sh(MA, STATE), 'same results');
    assert.match(state, /^True True True True False\n/, 'rebooted, new boot id, /run emptied');
    assert.match(state, /^True True Unable to find command "shutdown" in search paths: \['\/nonexistent'\]$/m);
    assert.notEqual(await sh(MK, 'cat /proc/sys/kernel/random/boot_id'), boot0, 'rebooted twice');
    assert.equal(results(k1, 'Reboot')[0].status, 'changed');
  });
});
