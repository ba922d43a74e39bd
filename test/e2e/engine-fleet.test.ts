/**
 * The engine on real machines: `kbs run` (in-process, --output json) against a 3-machine fleet of
 * Debian 12 machines (test/fleet). A real package from the fleet's apt repository and a real
 * systemd service converge, a second run changes nothing, check mode changes nothing, and faults
 * (a machine powered off mid-task, a hung sshd, a killed sshd) make only that host unreachable.
 * One fleet for the whole file, with its own id; `down` in `after`. Needs root; skipped otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, faults, ssh, status, up, writeInventory, type FleetInfo } from '../fleet/index.js';
import { kbs, results, type KbsRun } from '../helpers/kbs.js';

const ID = 'kbsengine';
const opts = { id: ID };
const isRoot = process.getuid?.() === 0;
const FIX = resolve('test/fixtures/e2e');
const HAPROXY = join(FIX, 'haproxy.yml');
const FAULTS = join(FIX, 'faults.yml');
const SMOKE = join(FIX, 'smoke.yml');
const T = { timeout: 600_000 };
const names = [1, 2, 3].map((i) => `${ID}-${i}`);

async function ok(name: string, cmd: string): Promise<string> {
  const r = await ssh(name, cmd, { ...opts, timeoutSec: 60 });
  assert.equal(r.rc, 0, `${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

/** the changed tasks of one host (for assertion messages) */
function changedTasks(run: KbsRun, host: string): string[] {
  return results(run).filter((r) => r.host === host && r.status === 'changed').map((r) => r.task);
}

function debugOf(run: KbsRun): string {
  return `exit ${run.code}\n${run.stderr}\n${run.stdout.slice(-3000)}`;
}

describe('engine on the fleet', { skip: isRoot ? false : 'needs root' }, () => {
  let info: FleetInfo;
  let work: string;
  let inv: string;
  const ip = (name: string) => info.machines.find((m) => m.name === name)!.ip;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'kbs-engine-fleet-'));
    const t0 = Date.now();
    info = await up(3, { ...opts, replace: true });
    console.log(`fleet ${ID} up 3: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    inv = join(work, 'inventory.yml');
    await writeInventory(inv, { control_plane: [names[0]], workers: [names[1], names[2]] }, opts);
  }, T);

  after(async () => {
    // bring paused machines back first so that down's orderly stop does not wait on them
    for (const n of names) await faults.resume(n, opts).catch(() => undefined);
    await down(opts).catch((e: unknown) => console.error(`down ${ID} failed: ${String(e)}`));
    if (work) rmSync(work, { recursive: true, force: true });
  }, T);

  test('the inventory checks host keys strictly against the fleet known_hosts', () => {
    const text = readFileSync(inv, 'utf8');
    assert.match(text, new RegExp(`UserKnownHostsFile=${info.knownHosts.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    assert.match(text, /StrictHostKeyChecking=yes/);
    assert.doesNotMatch(text, /accept-new|StrictHostKeyChecking=no/);
  });

  test('check mode on fresh machines installs nothing and writes nothing', T, async () => {
    const r = await kbs(['run', HAPROXY, '-i', inv, '--check']);
    assert.equal(r.code, 0, debugOf(r));
    for (const n of names) {
      assert.equal(r.recap[n].failed, 0);
      assert.equal(results(r, 'Install haproxy').find((x) => x.host === n)?.status, 'skipped', 'commands do not run in check mode');
      assert.equal(results(r, 'haproxy config folder').find((x) => x.host === n)?.status, 'changed', 'the folder would be created');
      const state = await ok(n, 'dpkg-query -W -f=\'${Status}\' haproxy 2>/dev/null || echo none; test -e /etc/haproxy && echo present || echo absent');
      assert.match(state, /^none\nabsent\n$/, `${n}: ${state}`);
    }
  });

  test('haproxy from the fleet repository converges; a second run changes nothing', T, async () => {
    const t1 = Date.now();
    const first = await kbs(['run', HAPROXY, '-i', inv]);
    const firstSec = (Date.now() - t1) / 1000;
    assert.equal(first.code, 0, debugOf(first));
    for (const n of names) {
      assert.equal(first.recap[n].failed, 0);
      // install, config, enable --now, and the handler's restart
      assert.deepEqual(changedTasks(first, n).sort(), ['Enable and start haproxy', 'Install haproxy', 'Restart haproxy', 'haproxy config'], n);
      assert.equal((await ok(n, 'systemctl is-enabled haproxy; systemctl is-active haproxy')).trim(), 'enabled\nactive');
      assert.match(await ok(n, 'cat /etc/haproxy/haproxy.cfg'), /^# managed by kbs[\s\S]*bind :8404\n/);
      assert.equal((await ok(n, 'test -e /usr/sbin/policy-rc.d && echo left || echo gone')).trim(), 'gone');
    }
    // the port answers from other machines, each machine with its own name (facts in the template)
    assert.equal(await ok(names[1], `curl -sS --max-time 5 http://${ip(names[0])}:8404/`), `kbs e2e from ${names[0]}\n`);
    assert.equal(await ok(names[0], `curl -sS --max-time 5 http://${ip(names[2])}:8404/`), `kbs e2e from ${names[2]}\n`);
    assert.equal((await ok(names[2], `bash -c 'exec 3<>/dev/tcp/${ip(names[1])}/8404 && echo open'`)).trim(), 'open');

    const pidBefore = await ok(names[0], 'systemctl show -p MainPID --value haproxy');
    const t2 = Date.now();
    const second = await kbs(['run', HAPROXY, '-i', inv]);
    const secondSec = (Date.now() - t2) / 1000;
    assert.equal(second.code, 0, debugOf(second));
    for (const n of names) {
      assert.equal(second.recap[n].changed, 0, `${n} second run changed: ${JSON.stringify(changedTasks(second, n))}`);
      assert.equal(second.recap[n].failed, 0);
      assert.ok(second.recap[n].ok >= 5, `${n} ok=${second.recap[n].ok}`);
    }
    assert.equal(results(second, 'Restart haproxy').length, 0, 'no handler on the second run');
    assert.equal(await ok(names[0], 'systemctl show -p MainPID --value haproxy'), pidBefore, 'haproxy not restarted');
    console.log(`haproxy: first run ${firstSec.toFixed(1)}s, second run ${secondSec.toFixed(1)}s`);
  });

  test('check mode with a new config value reports the change and changes nothing', T, async () => {
    const cfgBefore = await ok(names[0], 'sha256sum /etc/haproxy/haproxy.cfg');
    const since = await ok(names[0], 'systemctl show -p ActiveEnterTimestampMonotonic,MainPID haproxy');
    const r = await kbs(['run', HAPROXY, '-i', inv, '--check', '--diff', '-e', 'haproxy_banner=renamed']);
    assert.equal(r.code, 0, debugOf(r));
    const tpl = results(r, 'haproxy config');
    assert.deepEqual(tpl.map((x) => [x.host, x.status]).sort(), names.map((n) => [n, 'changed']));
    const diff = JSON.stringify(tpl[0].result.diff ?? '');
    assert.match(diff, /kbs e2e from/);
    assert.match(diff, /renamed from/);
    for (const n of names) assert.equal(r.recap[n].failed, 0);
    assert.equal(await ok(names[0], 'sha256sum /etc/haproxy/haproxy.cfg'), cfgBefore, 'config untouched');
    assert.equal(await ok(names[0], 'systemctl show -p ActiveEnterTimestampMonotonic,MainPID haproxy'), since, 'service not restarted');
    assert.equal(await ok(names[1], `curl -sS --max-time 5 http://${ip(names[0])}:8404/`), `kbs e2e from ${names[0]}\n`);
  });

  test('a smoke playbook: facts summary on every host, idempotent', T, async () => {
    const first = await kbs(['run', SMOKE, '-i', inv]);
    assert.equal(first.code, 0, debugOf(first));
    for (const [i, n] of names.entries()) {
      assert.deepEqual(changedTasks(first, n).sort(), ['Host facts summary', 'kbs folder on the host'], n);
      const smoke = JSON.parse(await ok(n, 'cat /etc/kbs/smoke.json')) as Record<string, unknown>;
      assert.equal(smoke.host, n);
      assert.equal(smoke.hostname, n);
      assert.equal(smoke.distribution, 'Debian');
      assert.match(String(smoke.distribution_version), /^12(\.|$)/);
      assert.deepEqual(smoke.groups, [i === 0 ? 'control_plane' : 'workers']);
      assert.equal(smoke.default_ipv4, ip(n));
      assert.ok((smoke.addresses as string[]).includes(ip(n)));
      const shown = results(first, 'Show the host').find((x) => x.host === n);
      assert.match(String(shown?.result.msg), new RegExp(`Debian 12.*kernel .*addresses .*${ip(n).replace(/\./g, '\\.')}`));
    }
    assert.deepEqual(results(first, 'Reach the first host on port 22').map((x) => x.status), ['ok', 'ok', 'ok']);
    const second = await kbs(['run', SMOKE, '-i', inv]);
    assert.equal(second.code, 0, debugOf(second));
    for (const n of names) assert.equal(second.recap[n].changed, 0, `${n}: ${JSON.stringify(changedTasks(second, n))}`);
  });

  test('a machine powered off during a task: only it is unreachable, exit 3', T, async () => {
    const victim = names[2];
    let stopping: Promise<void> | undefined;
    let stopErr: unknown;
    const t0 = Date.now();
    const r = await kbs(['run', FAULTS, '-i', inv, '-e', 'sleep_sec=8'], (e) => {
      if (e.type === 'task_start' && e.task === 'Slow task' && !stopping) {
        stopping = (async () => {
          // power off only once the victim really runs the task
          const deadline = Date.now() + 6000;
          while (Date.now() < deadline) {
            const p = await faults.enter(victim, ['pgrep', '-x', 'sleep'], opts);
            if (p.rc === 0) break;
            await sleep(100);
          }
          await faults.stop(victim, opts);
        })().catch((err: unknown) => {
          stopErr = err;
        });
      }
    });
    const sec = (Date.now() - t0) / 1000;
    await stopping;
    assert.equal(stopErr, undefined, String(stopErr));
    try {
      assert.equal(r.code, 3, debugOf(r));
      assert.equal(r.recap[victim].unreachable, 1, JSON.stringify(r.recap));
      assert.equal(r.recap[victim].failed, 0);
      const slow = results(r, 'Slow task').find((x) => x.host === victim);
      assert.equal(slow?.status, 'unreachable', JSON.stringify(slow));
      for (const n of names.slice(0, 2)) {
        assert.deepEqual([r.recap[n].failed, r.recap[n].unreachable], [0, 0], n);
        assert.equal(r.recap[n].ok, 3, `${n}: ${JSON.stringify(r.recap[n])}`);
      }
      assert.ok(sec < 40, `the run took ${sec}s`);
      console.log(`stop mid-run: run ended after ${sec.toFixed(1)}s`);
    } finally {
      await faults.start(victim, opts);
    }
    const again = await kbs(['run', FAULTS, '-i', inv]);
    assert.equal(again.code, 0, `after start: ${debugOf(again)}`);
  });

  test('a hung sshd (paused machine): the run ends within the connect timeout, only it is unreachable', T, async () => {
    const victim = names[1];
    await faults.pause(victim, opts);
    let r: KbsRun;
    let sec: number;
    try {
      assert.equal((await status(opts)).machines.find((m) => m.name === victim)?.state, 'paused');
      const t0 = Date.now();
      r = await kbs(['run', FAULTS, '-i', inv, '--connect-timeout', '3']);
      sec = (Date.now() - t0) / 1000;
    } finally {
      await faults.resume(victim, opts);
    }
    assert.ok(sec < 20, `the run took ${sec}s with --connect-timeout 3`);
    assert.equal(r.code, 3, debugOf(r));
    assert.equal(r.recap[victim].unreachable, 1, JSON.stringify(r.recap));
    const who = results(r, 'Who am I').find((x) => x.host === victim);
    assert.equal(who?.status, 'unreachable');
    assert.match(String(who?.result.msg), /tim(e|ed) ?out/i);
    for (const n of [names[0], names[2]]) assert.deepEqual([r.recap[n].ok, r.recap[n].failed, r.recap[n].unreachable], [2, 0, 0], n);
    console.log(`paused sshd: run ended after ${sec.toFixed(1)}s`);
    const again = await kbs(['run', FAULTS, '-i', inv]);
    assert.equal(again.code, 0, `after resume: ${debugOf(again)}`);
  });

  test('a killed sshd (port refuses): unreachable quickly, the others succeed', T, async () => {
    const victim = names[0];
    await faults.killSshd(victim, opts);
    let r: KbsRun;
    let sec: number;
    try {
      const t0 = Date.now();
      r = await kbs(['run', FAULTS, '-i', inv, '--connect-timeout', '3']);
      sec = (Date.now() - t0) / 1000;
    } finally {
      await faults.startSshd(victim, opts);
    }
    assert.equal(r.code, 3, debugOf(r));
    assert.equal(r.recap[victim].unreachable, 1, JSON.stringify(r.recap));
    assert.match(String(results(r, 'Who am I').find((x) => x.host === victim)?.result.msg), /refused/i);
    for (const n of names.slice(1)) assert.deepEqual([r.recap[n].ok, r.recap[n].failed, r.recap[n].unreachable], [2, 0, 0], n);
    assert.ok(sec < 10, `refused should be quick, the run took ${sec}s`);
    console.log(`killed sshd: run ended after ${sec.toFixed(1)}s`);
    const again = await kbs(['run', FAULTS, '-i', inv]);
    assert.equal(again.code, 0, `after start-sshd: ${debugOf(again)}`);
  });
});
