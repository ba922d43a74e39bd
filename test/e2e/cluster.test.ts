/**
 * `kbs apply` end to end on the fleet (real Debian machines, real systemd, containerd, haproxy; the
 * Kubernetes binaries are the simulators in test/sim, served in dl.k8s.io's layout). One fleet of
 * ten machines for the file:
 *   1-3   single control plane + 2 workers, laid out as Vagrant's VirtualBox VMs (the same address
 *         on every default route); the workers ask for an older kubelet and already carry an older
 *         kubeadm; the first apply is killed between init and the joins
 *   4-8   HA: 3 control planes behind haproxy on 7, one worker (8)
 *   9-10  the same roles run by ansible-playbook with `kbs plan --output vars`
 * Needs root; skipped otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { down, faults, ssh, up, type FleetInfo } from '../fleet/index.js';
import { inventoryYaml } from '../fleet/inventory.js';
import { kbs, results, type KbsRun } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';
import { parseObservation } from '../../src/kube/observe.js';

const ID = 'kbscluster';
const opts = { id: ID };
const isRoot = process.getuid?.() === 0;
const T = { timeout: 900_000 };
const M = (i: number) => `${ID}-${i}`;
const CLUSTER = 'v1.37.1';
const OLDER = 'v1.36.2';
// ansible's apt module needs python3-apt on the machines
process.env.KBS_FLEET_EXTRA_PACKAGES = [process.env.KBS_FLEET_EXTRA_PACKAGES ?? '', 'python3-apt'].join(' ').trim();

const work = mkdtempSync(join(tmpdir(), 'kbs-cluster-'));
let info: FleetInfo;
const ip = (name: string) => info.machines.find((m) => m.name === name)!.ip;

async function sh(host: string, cmd: string): Promise<string> {
  const r = await ssh(host, cmd, { ...opts, timeoutSec: 120 });
  assert.equal(r.rc, 0, `${host}: ${cmd}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** An inventory in its own folder (so .kbs/ is per cluster), with the fleet's connection vars. */
function inventory(dir: string, groups: Record<string, number[]>, vars: Record<string, unknown> = {}, hostVars: Record<string, Record<string, unknown>> = {}): string {
  const base = parse(inventoryYaml(info, Object.fromEntries(Object.entries(groups).map(([g, ns]) => [g, ns.map(String)])))) as {
    all: { hosts: Record<string, Record<string, unknown>>; vars: Record<string, unknown>; children: Record<string, { hosts: Record<string, unknown> }> };
  };
  const members = new Set(Object.values(groups).flat().map(M));
  for (const h of Object.keys(base.all.hosts)) if (!members.has(h)) delete base.all.hosts[h];
  for (const [h, v] of Object.entries(hostVars)) Object.assign(base.all.hosts[h], v);
  Object.assign(base.all.vars, vars);
  const d = join(work, dir);
  rmSync(join(d, 'inventory.yml'), { force: true });
  mkdirSync(d, { recursive: true });
  writeFileSync(join(d, 'inventory.yml'), stringify(base));
  return join(d, 'inventory.yml');
}

function changedTasks(run: KbsRun, host: string): string[] {
  return results(run).filter((r) => r.host === host && r.status === 'changed').map((r) => r.task);
}

/** the statuses of the pod network role's readiness wait on HOST */
function waitStatus(run: KbsRun, host: string): string[] {
  return results(run, 'Nodes registered and Ready').filter((r) => r.host === host).map((r) => r.status);
}

function why(run: KbsRun): string {
  return `exit ${run.code}\n${run.stderr}\n${run.stdout.slice(-5000)}`;
}

interface KubeNode {
  name: string;
  ready: boolean;
  ip: string;
  /** every InternalIP, in order */
  ips: string[];
  kubelet: string;
}

async function nodes(cp: string): Promise<KubeNode[]> {
  const j = JSON.parse(await sh(cp, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json')) as {
    items: { metadata: { name: string }; status: { conditions: { type: string; status: string }[]; addresses: { type: string; address: string }[]; nodeInfo: { kubeletVersion: string } } }[];
  };
  return j.items.map((n) => ({
    name: n.metadata.name,
    ready: n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    ip: n.status.addresses.find((a) => a.type === 'InternalIP')?.address ?? '',
    ips: n.status.addresses.filter((a) => a.type === 'InternalIP').map((a) => a.address),
    kubelet: n.status.nodeInfo.kubeletVersion,
  }));
}

async function record(host: string): Promise<{ version: string; action: string; cluster: string; inferred?: boolean; history: unknown[] }> {
  return JSON.parse(await sh(host, 'cat /etc/kbs/kubeadm.json')) as { version: string; action: string; cluster: string; inferred?: boolean; history: unknown[] };
}

/**
 * A pod network as a manifest: a DaemonSet with a hostPath at /etc/cni/net.d and a ConfigMap holding the
 * CNI configuration. The simulated kubelet installs it on its node as flannel's install-cni does, and the
 * node turns Ready (containerd's CRI reports NetworkReady from it): a kbs that never applied it fails.
 */
const CNI_MANIFEST = `apiVersion: v1
kind: ConfigMap
metadata:
  name: kbs-test-cni
  namespace: kube-system
data:
  cni-conf.json: |
    {"cniVersion": "1.0.0", "name": "kbs-test", "plugins": [{"type": "bridge", "bridge": "cni0"}]}
---
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: kbs-test-cni
  namespace: kube-system
spec:
  selector:
    matchLabels: {app: kbs-test-cni}
  template:
    metadata:
      labels: {app: kbs-test-cni}
    spec:
      tolerations: [{operator: Exists}]
      containers:
        - name: install-cni
          image: registry.k8s.io/pause:3.10.1
          volumeMounts:
            - {name: cni, mountPath: /etc/cni/net.d}
            - {name: cni-conf, mountPath: /etc/kbs-test-cni}
      volumes:
        - name: cni
          hostPath: {path: /etc/cni/net.d}
        - name: cni-conf
          configMap: {name: kbs-test-cni}
`;
const cniManifest = join(work, 'cni.yaml');

/** `kbs apply` as a child process (bin/kbs.js, built by npm test), JSON events streamed; killed with SIGKILL when `killWhen` sees its event. */
function applyChild(inv: string, killWhen: (e: { type: string; play?: string }) => boolean): Promise<{ killed: boolean; out: string }> {
  return new Promise((res) => {
    const child = spawn(process.execPath, [resolve('bin/kbs.js'), 'apply', inv, '--output', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let partial = '';
    let killed = false;
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      partial += d.toString();
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) {
        if (!l.startsWith('{') || killed) continue;
        if (killWhen(JSON.parse(l) as { type: string; play?: string })) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('close', () => res({ killed, out }));
  });
}

describe('kbs apply on the fleet', { skip: isRoot ? false : 'needs root' }, () => {
  before(async () => {
    const t0 = Date.now();
    info = await up(10, { ...opts, replace: true });
    console.log(`fleet ${ID} up 10: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    writeFileSync(cniManifest, CNI_MANIFEST);
  }, T);

  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  describe('one control plane, two workers (Vagrant layout, older kubelets)', () => {
    let inv: string;
    const [cp, w1, w2] = [M(1), M(2), M(3)];

    before(async () => {
      // VirtualBox NAT: the same address on every machine's default route; the cluster network is the other NIC
      for (const h of [cp, w1, w2])
        await sh(h, 'ip link add nat0 type veth peer name nat0p && ip addr add 10.0.2.15/24 dev nat0 && ip link set nat0p up && ip link set nat0 up && ip route replace default via 10.0.2.2 dev nat0');
      // the workers were built with an older kubeadm, and ask for an older kubelet
      for (const h of [w1, w2])
        await sh(h, `mkdir -p /usr/local/lib/kbs/kubeadm/${OLDER} && curl -fsS -o /usr/local/lib/kbs/kubeadm/${OLDER}/kubeadm ${info.releaseUrl}/release/${OLDER}/bin/linux/amd64/kubeadm && chmod 755 /usr/local/lib/kbs/kubeadm/${OLDER}/kubeadm && ln -sfn /usr/local/lib/kbs/kubeadm/${OLDER}/kubeadm /usr/local/bin/kubeadm`);
      // w2's own kubeadm patches: its kubelet configuration differs from the cluster's
      const patches = join(work, 'patches', w2);
      mkdirSync(patches, { recursive: true });
      writeFileSync(join(patches, 'kubeletconfiguration+strategic.yaml'), 'maxPods: 111\n');
      // the components' flags and the kubelet configuration, as an operator writes them (numbers unquoted)
      inv = inventory(
        'single',
        { control_plane: [1], workers: [2, 3] },
        { kubernetes_version: CLUSTER, cni_manifest: cniManifest, apiserver_extra_args: { 'audit-log-maxage': 30 }, kubelet_config: { maxPods: 150 } },
        { [w1]: { kubelet_version: OLDER, kubelet_extra_args: { v: 2 } }, [w2]: { kubelet_version: OLDER, kubeadm_patches: patches } },
      );
    }, T);

    test('kbs plan says which kubeadm each node uses and why, and changes nothing', T, async () => {
      const r = await kbs(['plan', inv, '--output', 'json']);
      assert.equal(r.code, 0, why(r));
      const plan = JSON.parse(r.stdout.split('\n')[0]) as { plan: { nodes: Record<string, { action: string; kubeadmVersion: string; kubeletVersion: string; reason: string }> }; nodeIps: Record<string, { ip: string }> };
      assert.equal(plan.plan.nodes[cp].action, 'init');
      for (const w of [w1, w2]) {
        assert.equal(plan.plan.nodes[w].action, 'join');
        assert.equal(plan.plan.nodes[w].kubeadmVersion, CLUSTER);
        assert.equal(plan.plan.nodes[w].kubeletVersion, OLDER);
        assert.match(plan.plan.nodes[w].reason, new RegExp(`joins with kubeadm ${CLUSTER.replace(/\./g, '\\.')}: the version ${cp} inits the cluster with`));
        assert.equal(plan.nodeIps[w].ip, ip(w), 'the node IP is the cluster network, not the shared NAT address');
      }
      // the check-mode run of the whole playbook left the fresh machines untouched
      assert.ok(r.events.some((e) => e.type === 'recap'), 'no check-mode run');
      assert.equal((await ssh(cp, 'test -e /etc/containerd/config.toml || test -e /etc/kbs/kubeadm.json || test -e /etc/kubernetes/admin.conf', opts)).rc, 1, 'kbs plan changed a host');
    });

    test('an apply killed between init and the joins; the re-run joins without a second init; a third changes nothing', T, async () => {
      const killed = await applyChild(inv, (e) => e.type === 'play_start' && e.play === 'Join credentials');
      assert.ok(killed.killed, `the apply ended before the joins:\n${killed.out.slice(-3000)}`);
      assert.equal((await record(cp)).action, 'init');
      const apiCert = await sh(cp, 'sha256sum /etc/kubernetes/pki/apiserver.crt');

      const r = await kbs(['apply', inv]);
      assert.equal(r.code, 0, why(r));
      assert.match(r.stderr, /removed a stale cluster lock/, 'the killed apply held the lock');
      assert.ok(!changedTasks(r, cp).includes('kubeadm init'), 'init ran again');
      assert.equal(await sh(cp, 'sha256sum /etc/kubernetes/pki/apiserver.crt'), apiCert, 'the control plane was re-created');

      // nodes joined in this run: the readiness wait ran
      assert.deepEqual(waitStatus(r, cp), ['ok']);
      const ns = await nodes(cp);
      assert.deepEqual(ns.map((n) => n.name).sort(), [cp, w1, w2]);
      for (const n of ns) {
        assert.ok(n.ready, `${n.name} not Ready`);
        assert.equal(n.ip, ip(n.name), `${n.name} registered ${n.ip}`);
        assert.equal(n.kubelet, n.name === cp ? CLUSTER : OLDER);
      }
      for (const w of [w1, w2]) {
        const rec = await record(w);
        assert.deepEqual([rec.version, rec.action, rec.cluster], [CLUSTER, 'join', (await record(cp)).cluster]);
        assert.equal((await sh(w, 'ls /usr/local/lib/kbs/kubeadm')).trim().split('\n').join(' '), `${OLDER} ${CLUSTER}`);
        assert.equal((await sh(w, 'readlink /usr/local/bin/kubeadm')).trim(), `/usr/local/lib/kbs/kubeadm/${CLUSTER}/kubeadm`);
        assert.equal((await sh(w, 'test -e /etc/kbs/kubeadm-join.yaml && echo left || echo gone')).trim(), 'gone', 'the join configuration (with the token) stayed');
      }
      // no bootstrap token of the run is left, and no secret reached the output
      assert.doesNotMatch(await sh(cp, 'kubeadm token list'), /kbs apply/);
      const secrets = (await sh(cp, 'kubeadm token list -o jsonpath="{.token}" 2>/dev/null || true')).trim();
      assert.doesNotMatch(r.stdout + r.stderr, /[a-z0-9]{6}\.[a-z0-9]{16}/, 'a bootstrap token in the output');
      if (secrets) assert.ok(!(r.stdout + r.stderr).includes(secrets));

      // apiserver_extra_args, kubelet_config (cluster-wide) and kubelet_extra_args (w1 only) reached the components
      assert.match(await sh(cp, 'cat /etc/kubernetes/manifests/kube-apiserver.yaml'), /"--audit-log-maxage=30"/);
      for (const h of [cp, w1]) assert.match(await sh(h, 'cat /var/lib/kubelet/config.yaml'), /^maxPods: 150$/m, h);
      // kubeadm_patches (w2 only): kubeadm applied the kubeletconfiguration patch on w2's join
      assert.match(await sh(w2, 'cat /var/lib/kubelet/config.yaml'), /^maxPods: 111$/m);
      assert.match(await sh(w1, 'cat /var/lib/kubelet/kubeadm-flags.env'), /--v=2\b/);
      assert.doesNotMatch(await sh(w2, 'cat /var/lib/kubelet/kubeadm-flags.env'), /--v=/);

      const again = await kbs(['apply', inv]);
      assert.equal(again.code, 0, why(again));
      for (const h of [cp, w1, w2]) assert.equal(again.recap[h].changed, 0, `${h}: ${changedTasks(again, h).join(', ')}`);
      // every node was Ready when kbs read them and nothing in the run could change that: no wait
      assert.deepEqual(waitStatus(again, cp), ['skipped']);
      // the records kept (read before the playbook, which changed nothing) are the nodes' own
      const kept = (again.events as unknown as { type: string; records?: Record<string, unknown> }[]).find((e) => e.type === 'kbs_summary')?.records;
      for (const h of [cp, w1, w2]) assert.deepEqual(kept?.[h], await record(h), h);
      // a runtime restarted on w1 (its containerd configuration put back): the wait runs again
      await sh(w1, "sed -i 's/SystemdCgroup = true/SystemdCgroup = false/' /etc/containerd/config.toml");
      const restarted = await kbs(['apply', inv]);
      assert.equal(restarted.code, 0, why(restarted));
      assert.ok(changedTasks(restarted, w1).includes('Restart containerd'), changedTasks(restarted, w1).join(', '));
      assert.deepEqual(waitStatus(restarted, cp), ['ok']);
      const keptAfter = (restarted.events as unknown as { type: string; records?: Record<string, unknown> }[]).find((e) => e.type === 'kbs_summary')?.records;
      for (const h of [cp, w1, w2]) assert.deepEqual(keptAfter?.[h], await record(h), h);

      const state = JSON.parse(readFileSync(join(work, 'single/.kbs/state.json'), 'utf8')) as { nodes: Record<string, { version: string; action: string }> };
      assert.deepEqual(Object.fromEntries(Object.entries(state.nodes).map(([k, v]) => [k, `${v.action} ${v.version}`])), { [cp]: `init ${CLUSTER}`, [w1]: `join ${CLUSTER}`, [w2]: `join ${CLUSTER}` });
      const kc = join(work, 'single/.kbs/admin.conf');
      assert.equal(statSync(kc).mode & 0o777, 0o600);
      assert.match(readFileSync(kc, 'utf8'), /client-certificate-data/);
    });

    test('kbs versions rebuilds a lost workstation state; a lost node record is inferred and written back', T, async () => {
      rmSync(join(work, 'single/.kbs/state.json'));
      await sh(w2, 'rm /etc/kbs/kubeadm.json');
      const r = await kbsRaw(['versions', inv, '--output', 'json']);
      assert.equal(r.code, 0, why(r));
      const v = JSON.parse(r.stdout) as { rebuilt: boolean; nodes: { node: string; source: string; record?: { version: string } }[] };
      assert.equal(v.rebuilt, true);
      assert.equal(v.nodes.find((n) => n.node === w2)?.source, 'inferred');
      assert.equal(v.nodes.find((n) => n.node === w1)?.source, 'node');
      assert.ok(existsSync(join(work, 'single/.kbs/state.json')));
      const a = await kbs(['apply', inv]);
      assert.equal(a.code, 0, why(a));
      assert.deepEqual(changedTasks(a, w2), ['Write the record']);
      const rec = await record(w2);
      assert.deepEqual([rec.version, rec.action, rec.inferred], [CLUSTER, 'join', true]);
    });

    test("the control plane's view of the cluster: read from its apiserver with curl, with kubectl where there is no curl", T, async () => {
      const read = async () => {
        const r = await kbs(['run', resolve('playbooks/gather.yml'), '-i', inv, '-l', cp]);
        assert.equal(r.code, 0, why(r));
        return String(results(r, 'kbs node state')[0]?.result.stdout ?? '');
      };
      const direct = await read();
      assert.match(direct, /^api_rc=0$/m, 'the apiserver was not read with curl');
      const view = parseObservation(direct).cluster;
      assert.equal(view?.error, undefined);
      assert.equal(view?.kubernetesVersion, CLUSTER);
      assert.deepEqual(Object.keys(view?.nodes ?? {}).sort(), [cp, w1, w2].sort());
      assert.ok(Object.values(view?.nodes ?? {}).every((n) => n.ready));
      await sh(cp, 'mv /usr/bin/curl /usr/bin/curl.kbs-test');
      let fallback: string;
      try {
        fallback = await read();
      } finally {
        await sh(cp, 'mv /usr/bin/curl.kbs-test /usr/bin/curl');
      }
      assert.match(fallback, /^---cluster---$/m, 'kubectl did not read the cluster');
      assert.deepEqual(parseObservation(fallback).cluster, view);
    });

    test('refusals before any host changes: downgrade, skipped minor, a concurrent apply', T, async () => {
      const cases: [Record<string, unknown>, RegExp][] = [
        [{ kubernetes_version: OLDER }, /older than the cluster's v1\.37\.1.*does not downgrade/],
        [{ kubernetes_version: 'v1.39.0', kubelet_version: CLUSTER }, /2 minors newer than the cluster's v1\.37\.1/],
      ];
      const before = await sh(cp, 'cat /etc/kbs/kubeadm.json');
      for (const [vars, msg] of cases) {
        const bad = inventory('single-bad', { control_plane: [1], workers: [2, 3] }, { cni_manifest: cniManifest, ...vars });
        const r = await kbs(['apply', bad]);
        assert.equal(r.code, 5, why(r));
        assert.match(r.stderr, msg);
        assert.ok(!r.events.some((e) => e.type === 'play_start'), 'the cluster playbook started');
      }
      assert.equal(await sh(cp, 'cat /etc/kbs/kubeadm.json'), before);
      // another workstation's live apply holds the lock
      await sh(cp, `mkdir -p /var/lib/kbs/apply.lock && echo '{"host":"other-workstation","pid":4242,"started":"${new Date().toISOString()}"}' > /var/lib/kbs/apply.lock/holder`);
      const held = await kbs(['apply', inv]);
      assert.equal(held.code, 5, why(held));
      assert.match(held.stderr, /another kbs apply holds the cluster lock on kbscluster-1: pid 4242 on other-workstation/);
      assert.match(held.stderr, /--force-unlock/);
      const forced = await kbs(['apply', inv, '--force-unlock']);
      assert.equal(forced.code, 0, why(forced));
      assert.equal((await ssh(cp, 'test -e /var/lib/kbs/apply.lock', opts)).rc, 1, 'the lock was not released');
      // the nodes are read while the lock is taken: another apply that let go of the lock during
      // that read (its release time is now) makes kbs read them again, under the lock; one that let
      // go before (an hour ago) does not
      await sh(cp, 'touch -d "+2 seconds" /var/lib/kbs/apply.released');
      const raced = await kbs(['apply', inv]);
      assert.equal(raced.code, 0, why(raced));
      assert.match(raced.stderr, /another kbs apply let go of the cluster lock on kbscluster-1 while the nodes were read; read them again/);
      await sh(cp, 'touch -d "1 hour ago" /var/lib/kbs/apply.released');
      const calm = await kbs(['apply', inv]);
      assert.equal(calm.code, 0, why(calm));
      assert.doesNotMatch(calm.stderr, /let go of the cluster lock/);
      // nor does the release of the apply that ended just before this one started (the read goes on
      // after the lock is taken: only the time up to the lock's answer counts). A second `kbs apply`
      // starts a process first (~100 ms); here it runs in this process, where the gap could be
      // shorter than the lock's answer takes to arrive, which the check counts (a second read by
      // design, never a missed one): the wait stands for that start. The count up to the end of
      // the read, as before, warned here: the read goes on for longer than that.
      await new Promise((r) => setTimeout(r, 150));
      const next = await kbs(['apply', inv]);
      assert.equal(next.code, 0, why(next));
      assert.doesNotMatch(next.stderr, /let go of the cluster lock/);
    });

    test('kbs kubeconfig writes the admin kubeconfig 0600', T, async () => {
      const out = join(work, 'kc', 'admin.conf');
      const r = await kbs(['kubeconfig', inv, '-o', out]);
      assert.equal(r.code, 0, why(r));
      assert.equal(statSync(out).mode & 0o777, 0o600);
      assert.match(readFileSync(out, 'utf8'), new RegExp(`server: https://${ip(cp).replace(/\./g, '\\.')}:6443`));
    });

    test('a node that never turns Ready fails the apply, named; fixed, the next apply changes nothing', T, async () => {
      // no CNI configuration can be installed on w2: its kubelet reports NotReady
      await sh(w2, 'rm -rf /etc/cni/net.d && touch /etc/cni/net.d');
      const kc = 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes --no-headers';
      const waitStatus = async (want: RegExp) => {
        for (let i = 0; i < 120 && !want.test(await sh(cp, kc)); i++) await new Promise((r) => setTimeout(r, 1000));
        assert.match(await sh(cp, kc), want);
      };
      await waitStatus(new RegExp(`^${w2}\\s+NotReady`, 'm'));
      const r = await kbs(['apply', inv, '-e', 'kbs_ready_timeout=4']);
      assert.equal(r.code, 2, why(r));
      assert.match(r.stdout, new RegExp(`not Ready after 4 s: ${w2}\\.`));
      await sh(w2, 'rm -f /etc/cni/net.d && mkdir -p /etc/cni/net.d');
      await waitStatus(new RegExp(`^${w2}\\s+Ready`, 'm'));
      const again = await kbs(['apply', inv]);
      assert.equal(again.code, 0, why(again));
      for (const h of [cp, w1, w2]) assert.equal(again.recap[h].changed, 0, `${h}: ${changedTasks(again, h).join(', ')}`);
    });
  });

  describe('HA, dual-stack: three control planes behind haproxy, one worker', () => {
    let inv: string;
    const cps = [M(4), M(5), M(6)];
    const [lb, w] = [M(7), M(8)];
    const ip6 = (name: string) => `fd77::${ip(name).split('.')[3]}`;

    before(async () => {
      // an IPv6 address of each node's own on the cluster network, beside its IPv4 one
      for (const h of [...cps, w]) await sh(h, `ip -6 addr add ${ip6(h)}/64 dev eth0 nodad`);
      inv = inventory('ha', { control_plane: [4, 5, 6], workers: [8], loadbalancer: [7] }, {
        kubernetes_version: CLUSTER,
        control_plane_endpoint: `${ip(lb)}:6443`,
        cni_manifest: cniManifest,
        pod_subnet: ['10.244.0.0/16', 'fd00:10:244::/56'],
        service_subnet: ['10.96.0.0/16', 'fd00:10:96::/112'],
      });
    }, T);

    test('the endpoint check stops the apply with the timeout explanation when the balancer cannot be reached', T, async () => {
      // the balancer's machine drops what comes to 6443: connections time out, as through a broken balancer
      await sh(lb, 'command -v iptables >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq iptables >/dev/null; }; iptables -I INPUT -p tcp --dport 6443 -j DROP');
      try {
        const r = await kbs(['apply', inv]);
        assert.notEqual(r.code, 0, why(r));
        const f = results(r, 'The path to the control plane works').find((x) => x.host === cps[0]);
        assert.equal(f?.status, 'failed', why(r));
        assert.match(String(f?.result.msg), new RegExp(`control-plane endpoint ${ip(lb).replace(/\./g, '\\.')}:6443 did not answer from ${cps[0]} \\(timeout\\).*a timeout means the load balancer cannot reach`));
        assert.equal((await ssh(cps[0], 'test -e /etc/kubernetes/admin.conf', opts)).rc, 1, 'init ran behind a broken endpoint');
      } finally {
        await sh(lb, 'iptables -D INPUT -p tcp --dport 6443 -j DROP');
      }
    });

    test('with the path fixed: a worker powered off during the apply is unreachable, the rest converge; back on, a re-run joins it', T, async () => {
      let stopping: Promise<void> | undefined;
      const r = await new Promise<KbsRun>((res, rej) => {
        // power the worker off once the apply has started on it (the control planes are being built)
        void kbs(['apply', inv], (e) => {
          if (!stopping && e.type === 'play_start' && e.play === 'kubeadm init') stopping = faults.stop(w, opts);
        }).then(res, rej);
      });
      await stopping;
      assert.equal(r.code, 3, why(r));
      assert.ok(r.recap[w].unreachable > 0);
      for (const h of [...cps, lb]) assert.equal(r.recap[h].failed + r.recap[h].unreachable, 0, `${h}: ${why(r)}`);
      const ns = await nodes(cps[1]);
      assert.deepEqual(ns.map((n) => n.name).sort(), cps, 'the control planes joined');
      assert.match(await sh(lb, 'cat /etc/haproxy/haproxy.cfg'), new RegExp(cps.map((c) => `server ${c} ${ip(c).replace(/\./g, '\\.')}:6443`).join('[\\s\\S]*')));
      for (const c of cps.slice(1)) assert.deepEqual([(await record(c)).action, (await record(c)).version], ['join', CLUSTER]);

      await faults.start(w, opts);
      // an upgrade half done on the control planes: no node may join now
      const rec5 = await sh(cps[1], 'cat /etc/kbs/kubeadm.json');
      await sh(cps[1], `sed -i 's/"version": "${CLUSTER}"/"version": "${OLDER}"/' /etc/kbs/kubeadm.json`);
      const refused = await kbs(['apply', inv]);
      assert.equal(refused.code, 5, why(refused));
      assert.match(refused.stderr, /control planes disagree on the cluster's kubeadm version.*upgrade is in progress/);
      await sh(cps[1], `cat > /etc/kbs/kubeadm.json <<'EOF'\n${rec5}EOF`);

      // a join that fails after discovery (its kubelet cannot start) leaves a half-joined node
      await sh(w, 'echo KUBELET_EXTRA_ARGS=--no-such-flag > /etc/default/kubelet && echo KBS_SIM_KUBELET_TIMEOUT=5 >> /etc/environment');
      const half = await kbs(['apply', inv]);
      assert.equal(half.code, 2, why(half));
      assert.ok(half.recap[w].failed > 0, why(half));
      assert.equal((await ssh(w, 'test -e /etc/kubernetes/pki/ca.crt && ! test -e /etc/kubernetes/kubelet.conf', opts)).rc, 0, 'not half-joined');
      // with its flags fixed, the half-joined node's kubelet starts again and holds port 10250 (kbs's
      // preflight must leave that to the kubeadm reset the plan runs first)
      await sh(w, 'rm /etc/default/kubelet && sed -i /KBS_SIM_KUBELET_TIMEOUT/d /etc/environment && systemctl restart kubelet');
      await sh(w, 'for i in $(seq 60); do ss -Hltn | grep -q ":10250 " && exit 0; sleep 1; done; exit 1');
      const plan = await kbs(['plan', inv, '--no-check-run']);
      assert.equal(plan.code, 0, why(plan));
      const decided = (JSON.parse(plan.stdout.split('\n').find((l) => l.includes('"kbs_plan"'))!) as { plan: { nodes: Record<string, { action: string; reset: boolean; reason: string }> } }).plan.nodes[w];
      assert.deepEqual([decided.action, decided.reset], ['join', true], JSON.stringify(decided));
      assert.match(decided.reason, /an earlier join left files behind: kubeadm reset first/);

      // fixed: the next apply resets what the failed join left, then joins
      const again = await kbs(['apply', inv]);
      assert.equal(again.code, 0, why(again));
      assert.ok(changedTasks(again, w).includes('Reset what an earlier, failed join left behind'), changedTasks(again, w).join(', '));
      const all = await nodes(cps[2]);
      assert.deepEqual(all.map((n) => n.name).sort(), [...cps, w].sort());
      assert.ok(all.every((n) => n.ready), JSON.stringify(all));
      // dual-stack: every kubelet registered its IPv4 and its IPv6 address, IPv4 first (the first service subnet's family)
      for (const n of all) assert.deepEqual(n.ips, [ip(n.name), ip6(n.name)], n.name);
      assert.match(await sh(cps[0], 'cat /var/lib/kubelet/kubeadm-flags.env'), new RegExp(`--node-ip=${ip(cps[0]).replace(/\./g, '\\.')},${ip6(cps[0])}`));
      assert.match(await sh(cps[0], 'kubectl --kubeconfig /etc/kubernetes/admin.conf -n kube-system get configmap kubeadm-config -o yaml'), /serviceSubnet: 10\.96\.0\.0\/16,fd00:10:96::\/112/);
      const last = await kbs(['apply', inv]);
      assert.equal(last.code, 0, why(last));
      for (const h of [...cps, lb, w]) assert.equal(last.recap[h].changed, 0, `${h}: ${changedTasks(last, h).join(', ')}`);
    });
  });

  test('ansible-playbook with kbs plan --output vars reaches the same cluster; kbs apply then changes nothing', T, async () => {
    const inv = inventory('ansible', { control_plane: [9], workers: [10] }, { kubernetes_version: CLUSTER, cni_manifest: cniManifest });
    const p = await kbsRaw(['plan', inv, '--output', 'vars']);
    assert.equal(p.code, 0, why(p));
    const planFile = join(work, 'ansible', 'plan.json');
    writeFileSync(planFile, p.stdout);
    const a = await ansiblePlaybook(['-i', inv, resolve('playbooks/cluster.yml'), '-e', `@${planFile}`], work, { ANSIBLE_ROLES_PATH: resolve('roles'), ANSIBLE_HOST_KEY_CHECKING: 'True' });
    assert.equal(a.code, 0, a.out.slice(-5000));
    const recap = parseRecap(a.out);
    assert.equal(recap[M(9)].failed + recap[M(10)].failed, 0);
    const ns = await nodes(M(9));
    assert.deepEqual(ns.map((n) => `${n.name} ${n.ready} ${n.ip}`).sort(), [`${M(9)} true ${ip(M(9))}`, `${M(10)} true ${ip(M(10))}`].sort());
    assert.deepEqual([(await record(M(10))).action, (await record(M(10))).version], ['join', CLUSTER]);
    const k = await kbs(['apply', inv]);
    assert.equal(k.code, 0, why(k));
    for (const h of [M(9), M(10)]) assert.equal(k.recap[h].changed, 0, `${h}: ${changedTasks(k, h).join(', ')}`);
  });
});

/** kbs in-process, its output as it is (for outputs that are one JSON document). */
async function kbsRaw(args: string[]): Promise<KbsRun> {
  const { main } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTTY: false, env: process.env });
  return { code, stdout, stderr, events: [], recap: {} };
}
