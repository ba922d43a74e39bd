import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { SimNode, alive, initCluster, joinArgs, parseJoin } from './helpers.js';

// A v1.34.6 cluster (kubeadm v1.34.6) with one worker; the tests run in order and build on each other.
const nodes: SimNode[] = [];
let cp1: SimNode;
let w1: SimNode;

async function node(name: string, opts: ConstructorParameters<typeof SimNode>[1] = {}): Promise<SimNode> {
  const n = new SimNode(name, opts);
  nodes.push(n);
  return n.start();
}

before(async () => {
  cp1 = await node('cp1', { kubeadm: 'v1.34.6' });
  const j = await initCluster(cp1, { version: 'v1.34.6' });
  w1 = await node('w1', { kubeadm: 'v1.34.6' });
  const r = await w1.run('kubeadm', joinArgs(j, w1));
  assert.equal(r.code, 0, r.stderr);
});
after(async () => {
  for (const n of nodes) await n.destroy();
});

async function serverVersion(n: SimNode): Promise<string> {
  return JSON.parse((await n.kubectl(['get', '--raw', '/version'])).stdout).gitVersion;
}

test('upgrade plan shows the target of the installed kubeadm', async () => {
  cp1.setKubeadm('v1.35.4');
  const r = await cp1.run('kubeadm', ['upgrade', 'plan']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[upgrade\/versions\] Cluster version: v1\.34\.6/);
  assert.match(r.stdout, /kubeadm upgrade apply v1\.35\.4/);
});

test('upgrade apply refuses skipping a minor version', async () => {
  cp1.setKubeadm('v1.36.2');
  const r = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.36.2', '-y']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[upgrade\/version\] FATAL: the --version argument is invalid due to these fatal errors:/);
  assert.match(r.stderr, /Specified version to upgrade to "v1\.36\.2" is too high; kubeadm can upgrade only 1 minor version at a time/);
  const forced = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.36.2', '-y', '--force']);
  assert.equal(forced.code, 1, 'skipping a minor cannot be forced');
  assert.equal(await serverVersion(cp1), 'v1.34.6');
});

test('upgrade apply refuses a target the kubeadm binary cannot deploy (policy.go)', async () => {
  cp1.setKubeadm('v1.34.6');
  const r = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.35.4', '-y', '--force']);
  assert.equal(r.code, 1, 'a newer minor than kubeadm is mandatory: --force does not help');
  assert.match(r.stderr, /Specified version to upgrade to "v1\.35\.4" is at least one minor release higher than the kubeadm minor release \(35 > 34\)\. Such an upgrade is not supported/);
  cp1.setKubeadm('v1.35.4');
  const higher = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.35.9', '-y']);
  assert.equal(higher.code, 1);
  assert.match(higher.stderr, /is higher than the kubeadm version "v1\.35\.4"\. Upgrade kubeadm first/);
  assert.match(higher.stderr, /Can be bypassed if you pass the --force flag/);
  const no = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.35.4'], {}, 'n\n');
  assert.equal(no.code, 1);
  assert.match(no.stderr, /won't proceed; the user didn't answer \(Y\|y\) in order to continue/);
  assert.equal(await serverVersion(cp1), 'v1.34.6');
});

test('upgrade apply v1.34.6 -> v1.35.4 with kubeadm v1.35.4', async () => {
  cp1.setKubeadm('v1.35.4');
  const before = cp1.pid('apiserver');
  const r = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.35.4', '-y']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\[upgrade\/successful\] SUCCESS! Your cluster was upgraded to "v1\.35\.4"\. Enjoy!/);
  assert.equal(await serverVersion(cp1), 'v1.35.4');
  assert.notEqual(cp1.pid('apiserver'), before, 'apiserver restarted');
  assert.ok(!alive(before!));
  assert.match(cp1.read('etc/kubernetes/manifests/kube-apiserver.yaml'), /kube-apiserver:v1\.35\.4/);
  const cm = JSON.parse((await cp1.kubectl(['-n', 'kube-system', 'get', 'cm', 'kubeadm-config', '-o', 'json'])).stdout);
  assert.match(cm.data.ClusterConfiguration, /kubernetesVersion: v1\.35\.4/);
  assert.equal(cm.metadata.annotations, undefined, 'nothing but what a real cluster stores');
  // the simulator's private record (root-only, never served) behind its strict join rule
  const history = JSON.parse(cp1.read('var/lib/kbs-sim/cluster.json')).history;
  assert.deepEqual(history.map((h: { action: string; kubeadmVersion: string }) => [h.action, h.kubeadmVersion]), [
    ['init', 'v1.34.6'],
    ['upgrade', 'v1.35.4'],
  ]);
});

test('after the upgrade: the downgrade rules of policy.go (dry runs)', async () => {
  // kubeadm v1.37 cannot touch a 1.35 cluster: too high, and above its own minimum control plane version
  cp1.setKubeadm('v1.37.1');
  const far = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.37.1', '-y', '--force', '--dry-run']);
  assert.equal(far.code, 1);
  assert.match(far.stderr, /is too high; kubeadm can upgrade only 1 minor version at a time/);
  // kubeadm v1.35.4 to v1.34.6: one minor down is not mandatory, only "can only be used to upgrade to 1.35"
  cp1.setKubeadm('v1.35.4');
  const down = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.34.6', '-y', '--dry-run']);
  assert.equal(down.code, 1);
  assert.match(down.stderr, /Kubeadm version v1\.35\.4 can only be used to upgrade to Kubernetes version 1\.35/);
  assert.match(down.stderr, /Can be bypassed if you pass the --force flag/);
  assert.equal((await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.34.6', '-y', '--force', '--dry-run'])).code, 0);
  // a patch downgrade within kubeadm's minor breaks no rule at all
  const patch = await cp1.run('kubeadm', ['upgrade', 'apply', 'v1.35.2', '-y', '--dry-run']);
  assert.equal(patch.code, 0, patch.stderr);
  assert.equal(await serverVersion(cp1), 'v1.35.4');
});

test('after the upgrade: joins need kubeadm v1.35.4; upgrade node too', async () => {
  cp1.setKubeadm('v1.35.4');
  const j = parseJoin((await cp1.run('kubeadm', ['token', 'create', '--print-join-command'])).stdout);
  const old = await node('w2', { kubeadm: 'v1.34.6' });
  const r = await old.run('kubeadm', joinArgs(j, old));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /this version of kubeadm \(v1\.34\.6\) cannot join a cluster created\/upgraded with kubeadm v1\.35\.4/);
  // same machine with kubeadm v1.35.4 installed side by side, the kubelet still v1.34.6 (allowed: older)
  old.setKubeadm('v1.35.4');
  const ok = await old.run('kubeadm', joinArgs(j, old));
  assert.equal(ok.code, 0, ok.stderr);
  const listed = await cp1.kubectl(['get', 'nodes']);
  assert.match(listed.stdout, /w2\s+Ready\s+<none>\s+\S+\s+v1\.34\.6/);

  w1.setKubeadm('v1.35.4');
  const un2 = await w1.run('kubeadm', ['upgrade', 'node']);
  assert.equal(un2.code, 0, un2.stderr);
  assert.match(un2.stdout, /\[upgrade\] The configuration for this node was successfully updated!/);
  assert.match(w1.read('var/lib/kubelet/config.yaml'), /kind: KubeletConfiguration/);
});

test('upgrade plan and apply run the health checks: every control-plane Node Ready (phases/upgrade/health.go)', async () => {
  cp1.setKubeadm('v1.35.4');
  rmSync(cp1.file('etc/cni/net.d'), { recursive: true, force: true });
  const notReady = await cp1.kubectl(['wait', '--for=condition=Ready=false', 'node/cp1', '--timeout=20s']);
  assert.equal(notReady.code, 0, notReady.stderr);
  const plan = await cp1.run('kubeadm', ['upgrade', 'plan']);
  assert.equal(plan.code, 1);
  assert.match(plan.stderr, /\[ERROR ControlPlaneNodesReady\]: there are NotReady control-planes in the cluster: \[cp1\]/);
  const ignored = await cp1.run('kubeadm', ['upgrade', 'plan', '--ignore-preflight-errors=ControlPlaneNodesReady']);
  assert.equal(ignored.code, 0, ignored.stderr);
  assert.match(ignored.stderr, /\[WARNING ControlPlaneNodesReady\]/);
  cp1.installCni();
  assert.equal((await cp1.kubectl(['wait', '--for=condition=Ready', 'node/cp1', '--timeout=20s'])).code, 0);
  assert.equal((await cp1.run('kubeadm', ['upgrade', 'plan'])).code, 0);
});
