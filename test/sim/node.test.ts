/**
 * The kubelet as the product meets it: it registers its own Node from its real arguments (the unit,
 * kubeadm's drop-in, kubeadm-flags.env, /etc/default/kubelet), TLS-bootstraps, reports the address
 * the real one reports, is NotReady until a CNI config exists and turns NotReady when it stops
 * posting status. Each test names the upstream source it follows.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { SimNode, alive, freePort, initCluster, initConfig, joinArgs, parseJoin, writeConfig } from './helpers.js';

const nodes: SimNode[] = [];
let cp1: SimNode;
let join: Awaited<ReturnType<typeof initCluster>>;

async function node(name: string, opts: ConstructorParameters<typeof SimNode>[1] = {}): Promise<SimNode> {
  const n = new SimNode(name, opts);
  nodes.push(n);
  return n.start();
}

interface NodeObj {
  metadata: { name: string; labels: Record<string, string> };
  status: { addresses: { type: string; address: string }[]; conditions: { type: string; status: string; reason: string; message: string }[] };
}

async function getNode(from: SimNode, name: string): Promise<NodeObj> {
  const r = await from.kubectl(['get', 'node', name, '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout);
}

function ready(n: NodeObj) {
  return n.status.conditions.find((c) => c.type === 'Ready');
}

before(async () => {
  cp1 = await node('cp1');
  join = await initCluster(cp1, { upload: true });
});
after(async () => {
  for (const n of nodes) await n.destroy();
});

test('the kubelet registers its own Node; InternalIP is the default-route interface address (nodestatus setters)', async () => {
  const cp = await getNode(cp1, 'cp1');
  // the first control plane advertises 127.0.0.1, but its kubelet reports the default-route address
  assert.deepEqual(cp.status.addresses, [{ type: 'InternalIP', address: cp1.ip }, { type: 'Hostname', address: 'cp1' }]);
  assert.equal(cp.metadata.labels['kubernetes.io/hostname'], 'cp1');
  assert.equal(cp.metadata.labels['node-role.kubernetes.io/control-plane'], '', 'kubeadm marked it');

  const w = await node('wroute');
  const r = await w.run('kubeadm', joinArgs(join, w));
  assert.equal(r.code, 0, r.stderr);
  const wn = await getNode(cp1, 'wroute');
  assert.deepEqual(wn.status.addresses, [{ type: 'InternalIP', address: w.ip }, { type: 'Hostname', address: 'wroute' }]);
  assert.equal(wn.metadata.labels['node-role.kubernetes.io/control-plane'], undefined);
  // the kubelet runs with the arguments of the unit, the drop-in and kubeadm-flags.env
  const cmd = (await import('node:fs')).readFileSync(`/proc/${w.pid('kubelet')}/cmdline`, 'utf8').split('\0');
  assert.ok(cmd.includes('--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf'), cmd.join(' '));
  assert.ok(cmd.includes('--kubeconfig=/etc/kubernetes/kubelet.conf'));
  assert.ok(cmd.includes('--config=/var/lib/kubelet/config.yaml'));
  assert.ok(cmd.includes('--hostname-override=wroute'));
});

test('Vagrant layout: the same NAT address on every default route; --node-ip picks the private NIC', async () => {
  const nat = { ip: '10.0.2.15' };
  const a = await node('vag1', { ...nat, extraInterfaces: { eth1: '192.168.56.11' } });
  const b = await node('vag2', { ...nat, extraInterfaces: { eth1: '192.168.56.12' } });
  assert.equal((await a.run('kubeadm', joinArgs(join, a))).code, 0);
  assert.equal((await getNode(cp1, 'vag1')).status.addresses[0].address, '10.0.2.15', 'without node-ip: the NAT address');
  const cfg = [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: JoinConfiguration',
    'discovery:',
    '  bootstrapToken:',
    `    apiServerEndpoint: "${join.endpoint}"`,
    `    token: ${join.token}`,
    `    caCertHashes: ["${join.hash}"]`,
    'nodeRegistration:',
    '  name: vag2',
    '  kubeletExtraArgs:',
    '  - name: node-ip',
    '    value: 192.168.56.12',
    '',
  ].join('\n');
  writeFileSync(b.file('join.yaml'), cfg);
  const r = await b.run('kubeadm', ['join', '--config', b.file('join.yaml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(b.read('var/lib/kubelet/kubeadm-flags.env'), /--node-ip=192\.168\.56\.12/);
  assert.deepEqual((await getNode(cp1, 'vag2')).status.addresses[0], { type: 'InternalIP', address: '192.168.56.12' });

  // a node-ip that is not on the host: the kubelet reports no InternalIP (validateNodeIP)
  const c = await node('vag3', { ...nat });
  writeFileSync(c.file('join.yaml'), cfg.replace('name: vag2', 'name: vag3'));
  assert.equal((await c.run('kubeadm', ['join', '--config', c.file('join.yaml')])).code, 0);
  const cn = await getNode(cp1, 'vag3');
  assert.deepEqual(cn.status.addresses, [{ type: 'Hostname', address: 'vag3' }]);
  assert.match(c.read('var/lib/kbs-sim/kubelet.log'), /node IP: \\"192\.168\.56\.12\\" not found in the host's network interfaces/);
});

test('NotReady until a CNI config exists in /etc/cni/net.d (*.conf, *.conflist, *.json, as containerd loads them)', async () => {
  const w = await node('wcni', { cni: false });
  assert.equal((await w.run('kubeadm', joinArgs(join, w))).code, 0);
  const n = await getNode(cp1, 'wcni');
  assert.deepEqual(
    { status: ready(n)?.status, reason: ready(n)?.reason },
    { status: 'False', reason: 'KubeletNotReady' },
  );
  assert.match(ready(n)!.message, /cni plugin not initialized/);
  assert.match((await cp1.kubectl(['get', 'nodes', 'wcni'])).stdout, /wcni\s+NotReady\s/);
  const wait = await cp1.kubectl(['wait', '--for=condition=Ready', 'node/wcni', '--timeout=3s']);
  assert.equal(wait.code, 1);
  assert.match(wait.stderr, /timed out waiting for the condition on nodes\/wcni/);
  // a file with another extension is not a CNI config
  (await import('node:fs')).mkdirSync(w.file('etc/cni/net.d'), { recursive: true });
  writeFileSync(w.file('etc/cni/net.d/10-net.yaml'), JSON.stringify({ cniVersion: '1.0.0', name: 'x', type: 'bridge' }));
  assert.equal((await cp1.kubectl(['wait', '--for=condition=Ready', 'node/wcni', '--timeout=3s'])).code, 1);
  writeFileSync(w.file('etc/cni/net.d/10-net.json'), JSON.stringify({ cniVersion: '1.0.0', name: 'x', type: 'bridge' }));
  const ok = await cp1.kubectl(['wait', '--for=condition=Ready', 'node/wcni', '--timeout=20s']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stdout, 'node/wcni condition met\n');
});

test('a node whose kubelet stops posting status turns NotReady after the grace period (node lifecycle controller)', async () => {
  const w = await node('wstop');
  assert.equal((await w.run('kubeadm', joinArgs(join, w))).code, 0);
  assert.equal((await cp1.kubectl(['wait', '--for=condition=Ready', 'node/wstop', '--timeout=20s'])).code, 0);
  process.kill(w.pid('kubelet')!, 'SIGKILL');
  const t0 = Date.now();
  const r = await cp1.kubectl(['wait', '--for=condition=Ready=Unknown', 'node/wstop', '--timeout=30s']);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(Date.now() - t0 >= 4000, 'not before the grace period (8s in the tests, 40s by default)');
  const n = await getNode(cp1, 'wstop');
  assert.equal(ready(n)?.reason, 'NodeStatusUnknown');
  assert.equal(ready(n)?.message, 'Kubelet stopped posting node status.');
  assert.match((await cp1.kubectl(['get', 'nodes', 'wstop'])).stdout, /wstop\s+NotReady\s/);
});

test('a broken /etc/default/kubelet is a kubelet that does not start; the half-done join looks like the real one', async () => {
  const w = await node('whalf');
  (await import('node:fs')).mkdirSync(w.file('etc/default'), { recursive: true });
  writeFileSync(w.file('etc/default/kubelet'), 'KUBELET_EXTRA_ARGS=--no-such-flag\n');
  const r = await w.run('kubeadm', joinArgs(join, w), { KBS_SIM_KUBELET_TIMEOUT: '3' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /The kubelet is not healthy after 3s/);
  assert.match(w.read('var/lib/kbs-sim/kubelet.log'), /unknown flag: --no-such-flag/);
  // after discovery kubeadm wrote these; the TLS bootstrap never happened
  for (const f of ['etc/kubernetes/pki/ca.crt', 'var/lib/kubelet/config.yaml', 'var/lib/kubelet/kubeadm-flags.env', 'etc/kubernetes/bootstrap-kubelet.conf']) {
    assert.ok(w.exists(f), f);
  }
  assert.ok(!w.exists('etc/kubernetes/kubelet.conf'));
  const missing = await cp1.kubectl(['get', 'node', 'whalf']);
  assert.match(missing.stderr, /nodes "whalf" not found/);
  // a second join fails preflight until reset (checks.go JoinNodeChecks)
  writeFileSync(w.file('etc/default/kubelet'), 'KUBELET_EXTRA_ARGS=\n');
  const again = await w.run('kubeadm', joinArgs(join, w));
  assert.equal(again.code, 1);
  assert.match(again.stderr, /\[ERROR FileAvailable--etc-kubernetes-pki-ca\.crt\]: \/etc\/kubernetes\/pki\/ca\.crt already exists/);
  assert.match(again.stderr, /\[ERROR FileAvailable--etc-kubernetes-bootstrap-kubelet\.conf\]/);
  assert.equal((await w.run('kubeadm', ['reset', '-f'])).code, 0);
  const third = await w.run('kubeadm', joinArgs(join, w));
  assert.equal(third.code, 0, third.stderr);
});

test('without kubeadm\'s drop-in the kubelet runs without its config and kubeadm times out', async () => {
  const w = await node('wnounit', { unit: false });
  const r = await w.run('kubeadm', joinArgs(join, w), { KBS_SIM_KUBELET_TIMEOUT: '2' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Unit kubelet\.service not found/);
  assert.match(r.stderr, /The kubelet is not healthy/);
});

test('after discovery join talks to the server cluster-info names; the kubelet to kubelet.conf\'s', async () => {
  // a TCP forwarder plays the load balancer of controlPlaneEndpoint
  const cp = await node('cpfwd');
  const fwdPort = await freePort();
  const sockets = new Set<net.Socket>();
  const lb = net.createServer((c) => {
    const u = net.connect(cp.port, '127.0.0.1');
    sockets.add(c).add(u);
    c.pipe(u).pipe(c);
    c.on('error', () => u.destroy());
    u.on('error', () => c.destroy());
  });
  await new Promise<void>((r) => lb.listen(fwdPort, '127.0.0.1', r));
  const cfg = writeConfig(cp, 'init.yaml', initConfig({ node: 'cpfwd', port: cp.port, controlPlaneEndpoint: `127.0.0.1:${fwdPort}` }));
  const init = await cp.run('kubeadm', ['init', '--config', cfg]);
  assert.equal(init.code, 0, init.stderr);
  const j = parseJoin(init.stdout);
  assert.equal(j.endpoint, `127.0.0.1:${fwdPort}`);
  const w1 = await node('wfwd1');
  assert.equal((await w1.run('kubeadm', joinArgs(j, w1))).code, 0);
  assert.match(w1.read('etc/kubernetes/kubelet.conf'), new RegExp(`server: https://127\\.0\\.0\\.1:${fwdPort}`));
  // the balancer goes away
  await new Promise<void>((r) => {
    lb.close(() => r());
    for (const s of sockets) s.destroy();
  });
  // a join given the apiserver's own address discovers fine, then fails at the endpoint
  const w2 = await node('wfwd2');
  const r = await w2.run('kubeadm', joinArgs({ ...j, endpoint: `127.0.0.1:${cp.port}` }, w2));
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`dial tcp 127\\.0\\.0\\.1:${fwdPort}: connect: connection refused`));
  // and the kubelet that reached the apiserver through it stops reporting
  const direct = cp.read('etc/kubernetes/admin.conf').replace(/server: \S+/, `server: https://127.0.0.1:${cp.port}`);
  writeFileSync(cp.file('direct.conf'), direct);
  const waited = await cp.run('kubectl', ['--kubeconfig', cp.file('direct.conf'), 'wait', '--for=condition=Ready=Unknown', 'node/wfwd1', '--timeout=30s']);
  assert.equal(waited.code, 0, waited.stderr);
});

test('the served objects are the real ones; the join rule lives in a root-only file', async () => {
  const cm = JSON.parse((await cp1.kubectl(['-n', 'kube-system', 'get', 'cm', 'kubeadm-config', '-o', 'json'])).stdout);
  assert.deepEqual(Object.keys(cm.metadata).sort(), ['name', 'namespace']);
  assert.deepEqual(Object.keys(cm.data), ['ClusterConfiguration']);
  assert.doesNotMatch(JSON.stringify(cm) + (await cp1.kubectl(['get', 'nodes', '-o', 'json'])).stdout, /kbs-sim|kubeadmVersion/i);
  const priv = await cp1.kubectl(['get', '--raw', '/apis/kbs-sim.k8s.io/v1/cluster']);
  assert.notEqual(priv.code, 0, 'no private API');
  assert.equal(statSync(cp1.file('var/lib/kbs-sim/cluster.json')).mode & 0o777, 0o600);
  // the rule still holds: another kubeadm version is refused at the kubeadm-config read
  const other = await node('wrule', { kubeadm: 'v1.34.6' });
  const r = await other.run('kubeadm', joinArgs(join, other));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /this version of kubeadm \(v1\.34\.6\) cannot join a cluster created\/upgraded with kubeadm v1\.35\.4/);
});

test('uploaded certificates belong to a 2h proxy token; deleting the tokens breaks later control-plane joins (copycerts)', async () => {
  const list = await cp1.run('kubeadm', ['token', 'list']);
  assert.match(list.stdout, /[a-z0-9]{6}\.[a-z0-9]{16}\s+1h\s+\S+\s+<none>\s+Proxy for managing TTL for the kubeadm-certs secret/);
  const tokens = [...list.stdout.matchAll(/^([a-z0-9]{6})\.[a-z0-9]{16}/gm)].map((m) => m[1]);
  assert.ok(tokens.length >= 2, list.stdout);
  // a fresh join token, then every other token deleted (what a careless cleanup does)
  const fresh = parseJoin((await cp1.run('kubeadm', ['token', 'create', '--ttl', '15m', '--print-join-command'])).stdout);
  const del = await cp1.run('kubeadm', ['token', 'delete', ...tokens]);
  assert.equal(del.code, 0, del.stderr);
  const c = await node('cpcerts');
  const r = await c.run('kubeadm', joinArgs(fresh, c, ['--control-plane', '--apiserver-advertise-address', '127.0.0.1', '--apiserver-bind-port', String(c.port), '--certificate-key', join.certKey!]));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Secret "kubeadm-certs" was not found in the "kube-system" Namespace\. This Secret might have expired/);
  // re-uploading with the same key makes it work again
  const up = await cp1.run('kubeadm', ['init', 'phase', 'upload-certs', '--upload-certs', '--certificate-key', join.certKey!]);
  assert.equal(up.code, 0, up.stderr);
  assert.equal((await c.run('kubeadm', ['reset', '-f'])).code, 0);
  const ok = await c.run('kubeadm', joinArgs(fresh, c, ['--control-plane', '--apiserver-advertise-address', '127.0.0.1', '--apiserver-bind-port', String(c.port), '--certificate-key', join.certKey!]));
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(alive(c.pid('apiserver')!));
});

test('kubectl apply stores what it applies: created, unchanged, configured', async () => {
  const f = cp1.file('cm.yaml');
  writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: default\ndata:\n  a: "1"\n---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: net\n  namespace: kube-system\nspec: {}\n');
  assert.equal((await cp1.kubectl(['apply', '-f', f])).stdout, 'configmap/demo created\ndaemonset.apps/net created\n');
  assert.equal((await cp1.kubectl(['apply', '-f', f])).stdout, 'configmap/demo unchanged\ndaemonset.apps/net unchanged\n');
  writeFileSync(f, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\n  namespace: default\ndata:\n  a: "2"\n');
  assert.equal((await cp1.kubectl(['apply', '-f', f])).stdout, 'configmap/demo configured\n');
  const got = JSON.parse((await cp1.kubectl(['get', 'cm', 'demo', '-n', 'default', '-o', 'json'])).stdout);
  assert.equal(got.data.a, '2');
  rmSync(f);
});

test('drain fails as kubectl\'s does: DaemonSet pods, local storage, disruption budgets (kubectl/pkg/drain)', async () => {
  const w = await node('wdrain');
  const fresh = parseJoin((await cp1.run('kubeadm', ['token', 'create', '--print-join-command'])).stdout);
  const j = await w.run('kubeadm', joinArgs(fresh, w));
  assert.equal(j.code, 0, j.stderr);
  assert.equal((await cp1.kubectl(['wait', '--for=condition=Ready', 'node/wdrain', '--timeout=20s'])).code, 0);
  // kubeadm's addons: a kube-proxy pod on every node, two CoreDNS pods
  const pods = JSON.parse((await cp1.kubectl(['get', 'pods', '-n', 'kube-system', '-o', 'json'])).stdout).items as {
    metadata: { name: string; labels: Record<string, string> };
    spec: { nodeName?: string };
  }[];
  assert.ok(pods.some((p) => p.metadata.labels['k8s-app'] === 'kube-proxy' && p.spec.nodeName === 'wdrain'));
  assert.equal(pods.filter((p) => p.metadata.labels['k8s-app'] === 'kube-dns').length, 2);

  const ds = await cp1.kubectl(['drain', 'wdrain']);
  assert.equal(ds.code, 1);
  assert.match(ds.stderr, /cannot delete DaemonSet-managed Pods \(use --ignore-daemonsets to ignore\): kube-system\/kube-proxy-[a-f0-9]{5}/);
  assert.match((await cp1.kubectl(['get', 'nodes', 'wdrain'])).stdout, /Ready,SchedulingDisabled/, 'stays cordoned');

  const pod = cp1.file('cache.yaml');
  writeFileSync(pod, [
    'apiVersion: v1', 'kind: Pod', 'metadata:', '  name: cache', '  namespace: default',
    '  ownerReferences:', '  - {apiVersion: apps/v1, kind: ReplicaSet, name: cache-7d9, controller: true, uid: x}',
    'spec:', '  nodeName: wdrain', '  containers: [{name: c, image: busybox}]', '  volumes: [{name: tmp, emptyDir: {}}]', '',
  ].join('\n'));
  assert.equal((await cp1.kubectl(['apply', '-f', pod])).stdout, 'pod/cache created\n');
  const local = await cp1.kubectl(['drain', 'wdrain', '--ignore-daemonsets']);
  assert.equal(local.code, 1);
  assert.match(local.stderr, /cannot delete Pods with local storage \(use --delete-emptydir-data to override\): default\/cache/);
  const ok = await cp1.kubectl(['drain', 'wdrain', '--ignore-daemonsets', '--delete-emptydir-data']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /Warning: ignoring DaemonSet-managed Pods: kube-system\/kube-proxy-/);
  assert.match(ok.stdout, /evicting pod default\/cache\npod\/cache evicted\nnode\/wdrain drained/);

  // a PodDisruptionBudget that no eviction can satisfy: the drain retries until its timeout
  const dnsNode = (JSON.parse((await cp1.kubectl(['get', 'pods', '-n', 'kube-system', '-o', 'json'])).stdout).items as typeof pods)
    .find((p) => p.metadata.labels['k8s-app'] === 'kube-dns')!.spec.nodeName!;
  writeFileSync(pod, 'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: dns\n  namespace: kube-system\nspec:\n  minAvailable: 2\n  selector:\n    matchLabels:\n      k8s-app: kube-dns\n');
  assert.equal((await cp1.kubectl(['apply', '-f', pod])).code, 0);
  const t0 = Date.now();
  const pdb = await cp1.kubectl(['drain', dnsNode, '--ignore-daemonsets', '--timeout=3s']);
  assert.equal(pdb.code, 1);
  assert.ok(Date.now() - t0 >= 3000);
  assert.match(pdb.stderr, /Cannot evict pod as it would violate the pod's disruption budget/);
  assert.match(pdb.stderr, /global timeout reached: 3s/);
  for (const n of ['wdrain', dnsNode]) assert.equal((await cp1.kubectl(['uncordon', n])).code, 0);
});

test('an applied CNI DaemonSet installs its config on every node (as flannel\'s install-cni does), which turns Ready', async () => {
  const w = await node('wcnids', { cni: false });
  const fresh = parseJoin((await cp1.run('kubeadm', ['token', 'create', '--print-join-command'])).stdout);
  assert.equal((await w.run('kubeadm', joinArgs(fresh, w))).code, 0);
  assert.equal((await cp1.kubectl(['wait', '--for=condition=Ready', 'node/wcnids', '--timeout=3s'])).code, 1);
  const conf = '{"cniVersion":"1.0.0","name":"cbr0","plugins":[{"type":"flannel"}]}';
  const manifest = cp1.file('flannel.yaml');
  writeFileSync(manifest, [
    'apiVersion: v1', 'kind: ConfigMap', 'metadata:', '  name: kube-flannel-cfg', '  namespace: kube-system', 'data:',
    `  cni-conf.json: '${conf}'`, '---',
    'apiVersion: apps/v1', 'kind: DaemonSet', 'metadata:', '  name: kube-flannel-ds', '  namespace: kube-system', 'spec:',
    '  template:', '    metadata:', '      labels: {app: flannel}', '    spec:', '      tolerations: [{operator: Exists}]',
    '      containers: [{name: kube-flannel, image: flannel}]',
    '      volumes:', '      - {name: cni, hostPath: {path: /etc/cni/net.d}}', '      - {name: flannel-cfg, configMap: {name: kube-flannel-cfg}}', '',
  ].join('\n'));
  assert.equal((await cp1.kubectl(['apply', '-f', manifest])).code, 0);
  const r = await cp1.kubectl(['wait', '--for=condition=Ready', 'node/wcnids', '--timeout=30s']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(w.read('etc/cni/net.d/10-kube-flannel-ds.conflist'), conf);
});
