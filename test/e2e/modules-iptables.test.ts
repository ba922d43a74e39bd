/**
 * ansible.builtin.iptables on fleet machines (own netns with CAP_NET_ADMIN, so netfilter is the
 * machine's own; fleet id "hostmods14ipt", 2 machines, iptables 1.8 nf_tables from the fleet
 * repository): ansible-playbook on one and kbs run on the other, the same playbook
 * (test/fixtures/modules-host/iptables.yml): same recap on --check, first and second run, the same
 * iptables-save/ip6tables-save output and registered results. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, ssh, up, writeInventory } from '../fleet/index.js';
import { kbs, results } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const ID = 'hostmods14ipt';
const opts = { id: ID };
const T = { timeout: 900_000 };
const PB = resolve('test/fixtures/modules-host/iptables.yml');
const [MA, MK] = [1, 2].map((i) => `${ID}-${i}`);

async function sh(name: string, cmd: string): Promise<string> {
  const r = await ssh(name, cmd, { ...opts, timeoutSec: 300 });
  assert.equal(r.rc, 0, `${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

/** the rules without counters and comments, then the saved results */
const STATE = `for t in iptables ip6tables; do $t-save | grep -v '^#' | sed 's/ \\[[0-9:]*\\]$//'; done; cat /root/ipt-results.txt 2>/dev/null || true`;

describe('iptables on the fleet', { skip: process.getuid?.() === 0 ? false : 'needs root' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kbs-ipt-e2e-'));
  const inv = join(work, 'inv.yml');
  before(async () => {
    await up(2, { ...opts, replace: true });
    await writeInventory(inv, {}, opts);
    await Promise.all([MA, MK].map((m) => sh(m, 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null')));
  }, T);
  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('ansible-playbook and kbs run: same recap on --check, first and second run, same rules', T, async () => {
    const ansible = (extra: string[] = []) => ansiblePlaybook(['-i', inv, '-l', MA, PB, ...extra], work, { ANSIBLE_HOST_KEY_CHECKING: '1' });
    const run = (extra: string[] = []) => kbs(['run', PB, '-i', inv, '-l', MK, ...extra]);
    const start = await sh(MK, STATE);

    const ac = await ansible(['--check']);
    const kc = await run(['--check']);
    assert.deepEqual(kc.recap[MK], parseRecap(ac.out)[MA], `check recap\n${ac.out.slice(-3000)}\n${kc.stdout.slice(-3000)}`);
    assert.equal(await sh(MK, STATE), start, 'check mode changed nothing');

    const a1 = await ansible();
    const k1 = await run();
    assert.equal(k1.code, 0, k1.stdout.slice(-3000));
    assert.deepEqual(k1.recap[MK], parseRecap(a1.out)[MA], `first run\n${a1.out.slice(-3000)}`);
    const rules = await sh(MK, STATE);
    assert.equal(rules, await sh(MA, STATE), 'same rules and results');
    assert.match(rules, /-A INPUT -p tcp -m tcp --dport 22 -m conntrack --ctstate NEW,ESTABLISHED -m comment --comment "ssh in" -j ACCEPT/);
    assert.match(rules, /^:FORWARD DROP$/m);
    assert.match(rules, /^-A INPUT -i lo -j ACCEPT\n/m, 'inserted first');
    assert.doesNotMatch(rules, /--dport 25/, 'the temporary rule is gone');
    assert.equal(results(k1, 'Allow ssh')[0].status, 'changed');
    assert.equal(results(k1, 'Bad target')[0].status, 'ignored');

    const a2 = await ansible();
    const k2 = await run();
    assert.deepEqual(k2.recap[MK], parseRecap(a2.out)[MA], 'second run');
    assert.equal(results(k2, 'Allow ssh')[0].status, 'ok');
    assert.equal(results(k2, 'Forward policy')[0].status, 'ok');
    assert.equal(await sh(MK, STATE), await sh(MA, STATE), 'same rules after the second run');
  });
});
