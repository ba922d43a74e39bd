/**
 * System modules on real machines (test/fleet, own id "kbssys", 3 machines): through the
 * in-process CLI, every module's first run changes, the second is ok, check mode (with the wanted
 * state flipped) reports changes and touches nothing, --diff shows them, and the failure cases end
 * in one clear message. Then the same playbook under ansible-playbook (machine 2) and kbs run
 * (machine 3) must leave both machines in the same state. Needs root; skipped otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, ssh, up, writeInventory, type FleetInfo } from '../fleet/index.js';
import { kbs, results, type KbsRun } from '../helpers/kbs.js';
import { ansiblePlaybook } from '../helpers/ansible.js';

const ID = 'kbssys';
const opts = { id: ID };
const isRoot = process.getuid?.() === 0;
const T = { timeout: 600_000 };
const FIX = resolve('test/fixtures/modules-sys');
const [M1, M2, M3] = [1, 2, 3].map((i) => `${ID}-${i}`);

async function sh(name: string, cmd: string): Promise<string> {
  const r = await ssh(name, cmd, { ...opts, timeoutSec: 60 });
  assert.equal(r.rc, 0, `${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

function statuses(run: KbsRun, host: string): Record<string, string> {
  return Object.fromEntries(results(run).filter((e) => e.host === host).map((e) => [e.task, e.status]));
}

/** what the converge playbook leaves on the machine */
const SNAPSHOT = [
  'systemctl is-active kbs-demo; systemctl is-enabled kbs-demo',
  'sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables',
  'for f in /etc/sysctl.d/99-kbs.conf /etc/modules-load.d/br_netfilter.conf /etc/modules-load.d/overlay.conf /usr/local/bin/kubeadm /etc/kbs-hosts /etc/kbs-fstab /etc/hostname /opt/app/kbs-hosts; do stat -c "%n %a %U:%G %s" $f; sha256sum < $f; done',
  'getent passwd kbsuser; getent group kbsgrp; id -Gn kbsuser; hostname',
].join('; ');

describe('system modules on the fleet', { skip: isRoot ? false : 'needs root' }, () => {
  let info: FleetInfo;
  const work = mkdtempSync(join(tmpdir(), 'kbs-sys-e2e-'));
  const inv = join(work, 'inv.yml');
  const fetched = join(work, 'fetched');
  const vars = () => ['-e', `release_url=${info.releaseUrl}`, '-e', `fetch_dir=${fetched}`];
  const converge = (extra: string[] = []) => kbs(['run', join(FIX, 'converge.yml'), '-i', inv, '-l', M1, ...vars(), ...extra]);

  before(async () => {
    info = await up(3, { ...opts, replace: true });
    await writeInventory(inv, {}, opts);
  }, T);

  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('first run changes every module, --diff shows it; the machine holds the result', T, async () => {
    const r = await converge(['--diff']);
    assert.equal(r.code, 0, r.stdout.slice(-3000));
    const st = statuses(r, M1);
    const changed = ['Demo unit running and enabled', 'Forwarding', 'Bridge netfilter', 'br_netfilter module', 'overlay module', 'kubeadm download',
      'Hosts block', 'Swap off for good in fstab', 'Group', 'User', 'Hostname', 'Unpack on the host', 'Fetch the hosts block'];
    for (const t of changed) assert.equal(st[t], 'changed', `${t}: ${st[t]}`);
    for (const t of ['Ask the release server', 'The answer', 'sshd listens', 'kubeadm is there', 'Connection still answers', 'Short pause']) assert.equal(st[t], 'ok', t);
    for (const t of changed) assert.ok(results(r, t)[0].result.diff, `${t} has a diff`);
    const unitDiff = JSON.stringify(results(r, 'Demo unit running and enabled')[0].result.diff);
    assert.match(unitDiff, /inactive/);
    assert.equal(results(r, 'br_netfilter module')[0].result.builtin, true, 'br_netfilter is built in: no modprobe call');

    const out = await sh(M1, SNAPSHOT);
    assert.match(out, /^active\nenabled\n1\n1\n/);
    assert.match(out, /\/usr\/local\/bin\/kubeadm 755 root:root/);
    assert.equal((await sh(M1, 'cat /etc/sysctl.d/99-kbs.conf')), 'net.ipv4.ip_forward=1\nnet.bridge.bridge-nf-call-iptables=1\n');
    assert.equal((await sh(M1, 'cat /etc/modules-load.d/br_netfilter.conf')), 'br_netfilter\n');
    assert.equal((await sh(M1, 'cat /etc/kbs-fstab')), 'UUID=abc / ext4 defaults 0 1\n# /swap.img none swap sw 0 0\n');
    assert.match(out, /^kbsuser:x:2345:2345::\/home\/kbsuser:\/bin\/bash$/m);
    assert.match(out, /^kbsgrp adm$/m);
    assert.match(out, /\nnode-a\n$/);
    const sha = (await sh(M1, 'sha256sum /usr/local/bin/kubeadm')).split(' ')[0];
    assert.equal(sha, (await (await fetch(`${info.releaseUrl}/release/v1.30.14/bin/linux/amd64/kubeadm.sha256`)).text()).trim());
    assert.equal(readFileSync(join(fetched, M1, 'etc/kbs-hosts'), 'utf8'), '# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.10 cp\n10.0.0.11 w1\n# END ANSIBLE MANAGED BLOCK\n');
    assert.ok(!r.stdout.includes('QxjSjV0mIYxZ2A4'), 'the password hash is not in the output');
  });

  test('second run is ok everywhere; check mode with flipped values reports changes and touches nothing', T, async () => {
    const before = await sh(M1, SNAPSHOT);
    const r = await converge();
    assert.equal(r.code, 0);
    assert.equal(r.recap[M1].changed, 0, JSON.stringify(statuses(r, M1)));
    assert.equal(await sh(M1, SNAPSHOT), before);

    const c = await converge(['--check', '--diff', '-e', 'flip=true']);
    assert.equal(c.code, 0, c.stdout.slice(-2000));
    const st = statuses(c, M1);
    for (const t of ['Demo unit running and enabled', 'Forwarding', 'Hosts block', 'User', 'Hostname']) assert.equal(st[t], 'changed', t);
    assert.match(JSON.stringify(results(c, 'User')[0].result.diff), /\/bin\/sh/);
    assert.equal(await sh(M1, SNAPSHOT), before, 'check mode changed the machine');
  });

  test('failures end in one clear message: failing unit (journal), bad checksum, closed port, missing unit', T, async () => {
    const r = await kbs(['run', join(FIX, 'failures.yml'), '-i', inv, '-l', M1, ...vars()]);
    assert.equal(r.code, 0, r.stdout.slice(-2000));
    const msg = (t: string) => {
      const e = results(r, t)[0];
      assert.equal(e.status, 'ignored', `${t}: ${e.status}`);
      return String(e.result.msg);
    };
    const unit = msg('Start the broken unit');
    assert.match(unit, /^Unable to start service kbs-broken/);
    assert.match(unit, /Last lines of its journal:\n.*kbs-broken\.service/);
    assert.match(unit, /status=1\/FAILURE|Failed with result/);
    const sum = (await sh(M1, 'sha256sum /usr/local/bin/kubeadm')).split(' ')[0];
    assert.equal(msg('Bad checksum'), `The checksum for /root/keep.bin did not match ${'0'.repeat(64)}; it was ${sum}.`);
    // Ansible's message; the file is left as it was (checked next).
    assert.equal(await sh(M1, 'cat /root/keep.bin; ls -a /root | grep -c kbs-get_url || true'), 'old\n0\n');
    assert.equal(msg('Port never opens'), 'Timeout when waiting for 127.0.0.1:9');
    assert.equal(msg('Missing unit'), 'Could not find the requested service no-such-unit: host');
  });

  test('wait_for_connection dials again after the host dropped every ssh session', T, async () => {
    const r = await kbs(['run', join(FIX, 'reconnect.yml'), '-i', inv, '-l', M1]);
    assert.equal(r.code, 0, r.stdout.slice(-2000));
    assert.equal(results(r, 'Wait for the host')[0].status, 'ok');
    assert.equal(results(r, 'Works again')[0].result.stdout, 'back');
    const recap = r.events.find((e) => e.type === 'recap');
    assert.equal(recap && recap.type === 'recap' ? recap.connections : 0, 2, 'one reconnect');
  });

  test('ansible-playbook and kbs run leave two fresh machines in the same state', T, async () => {
    const pb = join(FIX, 'compare.yml');
    const inv2 = join(work, 'inv-ansible.yml');
    const inv3 = join(work, 'inv-kbs.yml');
    await writeInventory(inv2, { target: [M2] }, opts);
    await writeInventory(inv3, { target: [M3] }, opts);
    const a = await ansiblePlaybook(['-i', inv2, '-l', M2, pb, '-e', `release_url=${info.releaseUrl}`], work, { ANSIBLE_HOST_KEY_CHECKING: '1' });
    assert.equal(a.code, 0, a.out.slice(-3000));
    const k = await kbs(['run', pb, '-i', inv3, '-l', M3, '-e', `release_url=${info.releaseUrl}`]);
    assert.equal(k.code, 0, k.stdout.slice(-3000));
    const state = [
      'for u in cmp-demo cmp-masked; do printf "%s %s %s\\n" $u "$(systemctl is-active $u)" "$(systemctl is-enabled $u 2>/dev/null)"; done',
      'sysctl net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables',
      'for f in /etc/systemd/system/cmp-demo.service /etc/sysctl.d/90-cmp.conf /etc/cmp-block.conf /usr/local/bin/kubectl /etc/cmp-fstab; do stat -c "%n %a %U:%G %s" $f; sha256sum < $f; done',
      'getent passwd cmpuser; getent group cmpgrp cmpsys adm; id cmpuser; stat -c "%n %a %U:%G" /home/cmpuser',
      'ls -a /home/cmpuser; cat /etc/cmp-block.conf',
    ].join('; ');
    const sa = await sh(M2, state);
    const sk = await sh(M3, state);
    assert.deepEqual(sk.split('\n'), sa.split('\n'));
    assert.match(sk, /cmp-demo active enabled/);
    assert.match(sk, /cmp-masked inactive masked/);
    assert.match(sk, /\/usr\/local\/bin\/kubectl 750 root:adm/);
    const again = await kbs(['run', pb, '-i', inv3, '-l', M3, '-e', `release_url=${info.releaseUrl}`]);
    assert.equal(again.recap[M3].changed, 0, JSON.stringify(statuses(again, M3)));
  });
});
