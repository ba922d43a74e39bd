/**
 * The fleet itself: one 3-machine fleet for the whole file (own id, so it does not collide with
 * other suites' fleets), plus two tiny fleets for the subnet-collision and crash-recovery cases.
 * Needs root (namespaces, mounts); skipped otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { lookup } from 'node:dns/promises';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { KbsError } from '../../src/errors.js';
import { down, faults, findLeftovers, isClean, paths, ssh, status, up, writeInventory, type FleetInfo } from '../fleet/index.js';
import { acquireLock } from '../fleet/lock.js';
import { run } from '../fleet/exec.js';
import { readState } from '../fleet/state.js';
import { bootstrapMirror, parseDeb822, parseList, sourcesList } from '../fleet/mirror.js';
import { machineIndex, macFor, vethNames } from '../fleet/config.js';
import { inventoryYaml } from '../fleet/inventory.js';

const ID = 'kbse2e';
const isRoot = process.getuid?.() === 0;
const opts = { id: ID };
const T = { timeout: 600_000 };

async function sh(name: string, cmd: string, timeoutSec?: number) {
  return ssh(name, cmd, { ...opts, timeoutSec });
}
async function ok(name: string, cmd: string): Promise<string> {
  const r = await sh(name, cmd);
  assert.equal(r.rc, 0, `${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}
async function stateOf(name: string) {
  return (await status(opts)).machines.find((m) => m.name === name);
}

/** prove there is nothing of fleet `id` left on the host, with the plain tools */
async function assertGone(id: string) {
  const p = paths(id);
  const netns = (await run('ip', ['netns', 'list'])).stdout;
  assert.doesNotMatch(netns, new RegExp(`^${id}-\\d+\\b`, 'm'), 'netns left');
  const linksOut = (await run('ip', ['-o', 'link', 'show'])).stdout;
  assert.doesNotMatch(linksOut, new RegExp(`kf${p.tag}`), 'links left');
  assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(`${p.machinesDir}/`), 'mounts left');
  const procs = (await run('pgrep', ['-af', `--machine=${id}-|--fleet-id ${id}( |$)`])).stdout;
  const live = procs.split('\n').filter((l) => l && !l.includes('pgrep') && !/<defunct>/.test(l));
  assert.deepEqual(live, [], 'processes left');
  assert.ok(!existsSync(p.stateDir), 'state dir left');
  assert.ok(isClean(await findLeftovers(p)));
}

describe('fleet', { skip: isRoot ? false : 'needs root' }, () => {
  let info: FleetInfo;
  const names = [`${ID}-1`, `${ID}-2`, `${ID}-3`];
  const work = mkdtempSync(join(tmpdir(), 'kbs-fleet-e2e-'));
  const releaseDir = join(work, 'k8s');

  before(async () => {
    mkdirSync(join(releaseDir, 'release/v9.9.9/bin/linux/amd64'), { recursive: true });
    writeFileSync(join(releaseDir, 'release/v9.9.9/bin/linux/amd64/kubeadm'), `dummy kubeadm ${process.pid}\n`);
    const t0 = Date.now();
    info = await up(3, { ...opts, releaseDir });
    console.log(`up 3: ${((Date.now() - t0) / 1000).toFixed(1)}s ${JSON.stringify(info.timings)}`);
  }, T);

  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('status shows 3 running machines with their addresses', async () => {
    const s = await status(opts);
    assert.equal(s.status, 'up');
    assert.deepEqual(s.machines.map((m) => [m.name, m.state, m.net]), names.map((n) => [n, 'running', 'up']));
    assert.deepEqual(info.machines.map((m) => m.name), names);
    assert.equal(new Set(info.machines.map((m) => m.ip)).size, 3);
  });

  test('each machine has its own hostname, machine-id and host key; systemd is up', async () => {
    const known = readFileSync(info.knownHosts, 'utf8');
    const ids = new Set<string>();
    const keys = new Set<string>();
    for (const m of info.machines) {
      const out = (await ok(m.name, 'hostname; cat /etc/machine-id; cut -d" " -f1,2 /etc/ssh/ssh_host_ed25519_key.pub; systemctl is-system-running || true')).split('\n');
      assert.equal(out[0], m.name);
      assert.match(out[1], /^[0-9a-f]{32}$/);
      ids.add(out[1]);
      keys.add(out[2]);
      assert.ok(known.includes(`${m.name},${m.ip} ${out[2]}`), `known_hosts lacks ${m.name}'s key`);
      assert.match(out[3], /^(running|degraded)$/);
    }
    assert.equal(ids.size, 3, 'machine-ids must differ');
    assert.equal(keys.size, 3, 'host keys must differ');
  });

  test('host keys are checked strictly: a wrong known_hosts entry is refused', async () => {
    const [a, b] = info.machines;
    const bKey = readFileSync(info.knownHosts, 'utf8').split('\n').find((l) => l.startsWith(`${b.name},`))!.split(' ').slice(1).join(' ');
    const wrong = join(work, 'wrong_known_hosts');
    writeFileSync(wrong, `${a.ip} ${bKey}\n`);
    const r = await run('ssh', ['-F', '/dev/null', '-i', info.sshKey, '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${wrong}`,
      '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=5', `root@${a.ip}`, 'true']);
    assert.notEqual(r.rc, 0);
    assert.match(r.stderr, /host key|HOST IDENTIFICATION/i);
  });

  test('apt only knows the fleet repository, and haproxy installs from it', T, async () => {
    const m = names[0];
    assert.equal((await ok(m, 'cat /etc/apt/sources.list')).trim(), '');
    assert.equal((await ok(m, 'ls /etc/apt/sources.list.d')).trim(), 'kbs-fleet.list');
    assert.equal((await ok(m, 'cat /etc/apt/sources.list.d/kbs-fleet.list')).trim(), `deb [trusted=yes] ${info.aptRepo} ./`);
    await ok(m, 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q haproxy');
    assert.match(await ok(m, 'haproxy -v'), /HAProxy version 2\./);
    assert.equal((await ok(m, 'systemctl is-active haproxy')).trim(), 'active');
  });

  test('machines ping each other and reach the bridge, nothing outside', T, async () => {
    await Promise.all(names.map((n) => ok(n, 'apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q iputils-ping >/dev/null')));
    for (const from of info.machines) {
      for (const to of info.machines) if (to !== from) await ok(from.name, `ping -c1 -W2 ${to.ip} && ping -c1 -W2 ${to.name}`);
      await ok(from.name, `ping -c1 -W2 ${info.bridgeIp}`);
    }
    const r = await sh(names[1], 'curl -sS -m 3 http://deb.debian.org/');
    assert.notEqual(r.rc, 0, 'deb.debian.org must be unreachable');
    // the host reaches the mirror's address; the machine must not (no NAT, no forwarding)
    const outside = await lookup('deb.debian.org', { family: 4 }).then((a) => a.address, () => '1.1.1.1');
    const r2 = await sh(names[1], `curl -sS -m 3 -o /dev/null http://${outside}/`);
    assert.ok(r2.rc === 7 || r2.rc === 28, `curl to ${outside}: rc ${r2.rc} ${r2.stderr}`);
  });

  test('the release server serves the release tree on the bridge address only', async () => {
    const url = `${info.releaseUrl}/release/v9.9.9/bin/linux/amd64/kubeadm`;
    assert.equal(await ok(names[2], `curl -fsS -m 5 ${url}`), `dummy kubeadm ${process.pid}\n`);
    assert.notEqual((await sh(names[2], `curl -fsS -m 5 ${info.releaseUrl}/release/../../../etc/passwd`)).rc, 0);
    const port = new URL(info.releaseUrl).port;
    await assert.rejects(fetch(`http://127.0.0.1:${port}/release/v9.9.9/bin/linux/amd64/kubeadm`, { signal: AbortSignal.timeout(3000) }));
  });

  test('stop / start: the machine goes away and comes back with the same disk', T, async () => {
    const m = names[2];
    const before = await ok(m, 'cat /etc/machine-id; echo kept > /root/marker');
    await faults.stop(m, opts);
    assert.equal((await stateOf(m))?.state, 'stopped');
    assert.notEqual((await sh(m, 'true', 3)).rc, 0);
    await faults.start(m, opts);
    assert.equal((await stateOf(m))?.state, 'running');
    assert.equal(await ok(m, 'cat /etc/machine-id'), before);
    assert.equal((await ok(m, 'cat /root/marker')).trim(), 'kept');
  });

  test('kill-sshd: the machine stays up, port 22 refuses; start-sshd brings it back', T, async () => {
    const m = names[1];
    await faults.killSshd(m, opts);
    const r = await sh(m, 'true', 3);
    assert.notEqual(r.rc, 0);
    assert.match(r.stderr, /refused/);
    assert.equal((await stateOf(m))?.state, 'running');
    const inside = await faults.enter(m, ['systemctl', 'is-system-running'], opts);
    assert.match(inside.stdout, /running|degraded/);
    await faults.startSshd(m, opts);
    assert.equal((await ok(m, 'hostname')).trim(), m);
  });

  test('pause: every process stops, ssh hangs; resume: it answers again', T, async () => {
    const m = names[0];
    await faults.pause(m, opts);
    assert.equal((await stateOf(m))?.state, 'paused');
    const t0 = Date.now();
    const r = await sh(m, 'true', 3);
    assert.notEqual(r.rc, 0);
    assert.match(r.stderr, /timed out/i);
    assert.ok(Date.now() - t0 >= 2500, 'a paused machine hangs rather than refuses');
    await faults.resume(m, opts);
    assert.equal((await stateOf(m))?.state, 'running');
    assert.equal((await ok(m, 'hostname')).trim(), m);
  });

  test('net-down cuts the machine off, net-up reconnects it', T, async () => {
    const [a, b] = info.machines;
    await faults.netDown(b.name, opts);
    assert.equal((await stateOf(b.name))?.net, 'down');
    assert.notEqual((await sh(b.name, 'true', 3)).rc, 0);
    assert.notEqual((await sh(a.name, `ping -c1 -W2 ${b.ip}`)).rc, 0);
    await faults.netUp(b.name, opts);
    assert.equal((await stateOf(b.name))?.net, 'up');
    await ok(a.name, `ping -c1 -W3 ${b.ip}`);
    assert.equal((await ok(b.name, 'hostname')).trim(), b.name);
  });

  test('writeInventory writes an Ansible YAML inventory with groups', async () => {
    const f = join(work, 'inventory.yml');
    await writeInventory(f, { control_plane: [names[0]], workers: ['2', '3'] }, opts);
    const inv = parse(readFileSync(f, 'utf8'));
    assert.deepEqual(Object.keys(inv.all.hosts), names);
    assert.equal(inv.all.hosts[names[1]].ansible_host, info.machines[1].ip);
    assert.equal(inv.all.vars.ansible_user, 'root');
    assert.equal(inv.all.vars.ansible_ssh_private_key_file, info.sshKey);
    assert.equal(inv.all.vars.ansible_ssh_common_args, `-o UserKnownHostsFile=${info.knownHosts} -o StrictHostKeyChecking=yes`);
    assert.deepEqual(Object.keys(inv.all.children.control_plane.hosts), [names[0]]);
    assert.deepEqual(Object.keys(inv.all.children.workers.hosts), [names[1], names[2]]);
    await assert.rejects(writeInventory(f, { workers: ['nope'] }, opts), /no machine "nope"/);
  });

  test('a second fleet with the same id is refused, and so is a held lock', async () => {
    await assert.rejects(up(1, opts), (e: unknown) => e instanceof KbsError && e.code === 'LOCK' && /already up/.test(e.message));
    const lock = await acquireLock(paths(ID).lockFile, 'test');
    try {
      await assert.rejects(down(opts), (e: unknown) => e instanceof KbsError && e.code === 'LOCK');
    } finally {
      await lock.release();
    }
    assert.equal((await status(opts)).machines.filter((m) => m.state === 'running').length, 3);
  });

  test('a fleet whose subnet is taken by another interface is refused', async () => {
    const other = paths('kbse2ex');
    const dummy = `kbsdum${process.pid % 10000}`;
    // (a bridge: this kernel has no dummy driver)
    assert.equal((await run('ip', ['link', 'add', dummy, 'type', 'bridge'])).rc, 0);
    try {
      assert.equal((await run('ip', ['addr', 'add', `${other.subnet}.200/24`, 'dev', dummy])).rc, 0);
      await assert.rejects(up(1, { id: 'kbse2ex' }), (e: unknown) => e instanceof KbsError && e.code === 'LOCK' && e.message.includes(dummy));
    } finally {
      await run('ip', ['link', 'delete', dummy]);
    }
    await assertGone('kbse2ex');
  });

  test('down removes every namespace, link, mount and process', T, async () => {
    const t0 = Date.now();
    await down(opts);
    console.log(`down (3 machines): ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    await assertGone(ID);
    assert.equal((await status(opts)).status, 'absent');
  });

  test('up after a killed up cleans the leftovers and works', T, async () => {
    const id = 'kbse2ec';
    const cli = join(import.meta.dirname, '../fleet/cli.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', cli, 'up', '2', '--release-dir', releaseDir], {
      env: { ...process.env, KBS_FLEET_ID: id },
      stdio: 'ignore',
    });
    // kill it once both machines are booting
    const until = Date.now() + 120_000;
    while (Date.now() < until && !(readState(paths(id))?.machines.filter((m) => m.pid).length === 2)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.equal(readState(paths(id))?.status, 'starting', 'the up must have been killed mid-way');
    try {
      const again = await up(1, { id, releaseDir });
      assert.deepEqual(again.machines.map((m) => m.name), [`${id}-1`]);
      assert.equal((await ssh(`${id}-1`, 'hostname', { id })).stdout.trim(), `${id}-1`);
      const netns = (await run('ip', ['netns', 'list'])).stdout;
      assert.doesNotMatch(netns, new RegExp(`^${id}-2\\b`, 'm'), 'the killed run left machine 2 behind');
    } finally {
      await down({ id });
    }
    await assertGone(id);
  });
});

describe('fleet, parts that need no root', () => {
  test('the host mirror is read from deb822 and one-line sources, third-party entries are ignored', () => {
    const deb822 = parseDeb822(
      'Types: deb\nURIs: http://mirror.example/debian\nSuites: bookworm bookworm-updates\nComponents: main\n\n' +
        'Types: deb-src\nURIs: http://src.example/debian\nSuites: bookworm\nComponents: main\n\n' +
        'Types: deb\nURIs: https://deb.nodesource.com/node_20.x\nSuites: nodistro\nComponents: main\n',
    );
    assert.deepEqual(deb822.map((s) => `${s.uri} ${s.suite}`), [
      'http://mirror.example/debian bookworm',
      'http://mirror.example/debian bookworm-updates',
      'https://deb.nodesource.com/node_20.x nodistro',
    ]);
    const list = parseList('# comment\ndeb [arch=amd64] http://m2.example/debian/ bookworm main contrib\ndeb-src http://x bookworm main\n');
    assert.deepEqual(list, [{ uri: 'http://m2.example/debian', suite: 'bookworm', components: ['main', 'contrib'] }]);
    assert.equal(bootstrapMirror([...deb822.slice(1), ...list]), 'http://m2.example/debian');
    assert.equal(bootstrapMirror([]), 'http://deb.debian.org/debian');
    assert.equal(sourcesList(list), 'deb http://m2.example/debian bookworm main contrib\n');
  });

  test('names, addresses and MACs derive from the fleet id and do not collide', () => {
    const a = paths('kbs');
    const b = paths('kbs-other');
    assert.equal(a.subnet, '10.77.0');
    assert.notEqual(a.tag, b.tag);
    assert.ok(a.bridge.length <= 15 && vethNames(b, 200).host.length <= 15, 'interface names fit IFNAMSIZ');
    assert.equal(machineIndex('kbs', 'kbs-12'), 12);
    assert.equal(machineIndex('kbs', 'kbs-other-1'), undefined, 'fleet kbs must not claim fleet kbs-other');
    assert.notEqual(macFor(a, 1), macFor(a, 2));
    assert.match(macFor(a, 1), /^02(:[0-9a-f]{2}){5}$/);
    assert.throws(() => paths('Bad_Id'), /invalid fleet id/);
  });

  test('inventoryYaml puts every machine in all and resolves group members', () => {
    const info: FleetInfo = {
      id: 'f', machines: [{ name: 'f-1', ip: '10.0.0.11' }, { name: 'f-2', ip: '10.0.0.12' }],
      bridge: 'b', bridgeIp: '10.0.0.1', sshKey: '/k', knownHosts: '/kh', aptRepo: 'http://a/', releaseUrl: 'http://r',
    };
    const inv = parse(inventoryYaml(info, { etcd: ['2'] }));
    assert.deepEqual(inv.all.hosts, { 'f-1': { ansible_host: '10.0.0.11' }, 'f-2': { ansible_host: '10.0.0.12' } });
    assert.deepEqual(inv.all.children, { etcd: { hosts: { 'f-2': { ansible_host: '10.0.0.12' } } } });
    assert.equal(inv.all.vars.kube_download_base, 'http://r', 'kbs apply downloads from the fleet release server');
    assert.throws(() => inventoryYaml(info, { all: ['1'] }), /invalid group name/);
  });
});
