import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { SimNode, alive, controlPlaneArgs, initCluster, joinArgs, parseJoin } from './helpers.js';

// One cluster for the whole file: cp1 (init, controlPlaneEndpoint set, certs uploaded), then joins.
const nodes: SimNode[] = [];
let cp1: SimNode;
let join: Awaited<ReturnType<typeof initCluster>>;

async function node(name: string, opts: ConstructorParameters<typeof SimNode>[1] = {}): Promise<SimNode> {
  const n = new SimNode(name, opts);
  nodes.push(n);
  return n.start();
}

before(async () => {
  cp1 = await node('cp1');
  // a grace period long enough for a reset and a second join attempt on a loaded machine
  join = await initCluster(cp1, { upload: true, grace: '25s' });
});
after(async () => {
  for (const n of nodes) await n.destroy();
});

const SECRET_RE = /[a-z0-9]{6}\.[a-z0-9]{16}|[0-9a-f]{64}/;

test('join refuses a wrong token', async () => {
  const w = await node('wtok');
  const r = await w.run('kubeadm', joinArgs({ ...join, token: 'abcdef.0123456789abcdef' }, w));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error execution phase preflight: couldn't validate the identity of the API Server: could not find a JWS signature in the cluster-info ConfigMap for token ID "abcdef"/m);
  // right token ID, wrong secret
  const id = join.token.split('.')[0];
  const r2 = await w.run('kubeadm', joinArgs({ ...join, token: `${id}.0000000000000000` }, w));
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /failed to verify JWS signature of received cluster info object, can't trust this API Server/);
  assert.doesNotMatch(r2.stderr, new RegExp(join.token.split('.')[1]), 'the secret is never printed');
  const bad = await w.run('kubeadm', joinArgs({ ...join, token: 'not-a-token' }, w));
  assert.equal(bad.code, 3, 'a validation error (an Aggregate): kubeadm exits 3');
  assert.match(bad.stderr, /the bootstrap token is invalid/);
  assert.ok(!w.exists('etc/kubernetes/kubelet.conf'));
});

test('join refuses a wrong CA hash (and a missing one)', async () => {
  const w = await node('wca');
  const r = await w.run('kubeadm', joinArgs({ ...join, hash: `sha256:${'ab'.repeat(32)}` }, w));
  assert.equal(r.code, 1);
  assert.match(r.stderr, new RegExp(`cluster CA found in cluster-info ConfigMap is invalid: none of the public keys "${join.hash}" are pinned`));
  const none = await w.run('kubeadm', ['join', join.endpoint, '--token', join.token, '--node-name', 'wca']);
  assert.equal(none.code, 3, 'a validation error (an Aggregate): kubeadm exits 3');
  assert.match(none.stderr, /using token-based discovery without caCertHashes can be unsafe/);
});

test('join refuses an expired token (default TTL 24h, --ttl honoured)', async () => {
  const w = await node('wexp');
  const late = await w.run('kubeadm', joinArgs(join, w), { KBS_SIM_NOW: '+25h' });
  assert.equal(late.code, 1);
  assert.match(late.stderr, /could not find a JWS signature in the cluster-info ConfigMap for token ID "[a-z0-9]{6}" \(the token does not exist or has expired/);
  const created = await cp1.run('kubeadm', ['token', 'create', '--ttl', '2h', '--print-join-command']);
  assert.equal(created.code, 0, created.stderr);
  const short = parseJoin(created.stdout);
  assert.equal(short.hash, join.hash);
  const list = await cp1.run('kubeadm', ['token', 'list']);
  assert.match(list.stdout, new RegExp(`${short.token.replace('.', '\\.')}\\s+1h\\s`));
  const r = await w.run('kubeadm', joinArgs(short, w), { KBS_SIM_NOW: '+3h' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /has expired/);
  // the same token one hour later is still fine
  const ok = await w.run('kubeadm', joinArgs(short, w), { KBS_SIM_NOW: '+1h' });
  assert.equal(ok.code, 0, ok.stderr);
});

test('join refuses a kubeadm version that differs from the cluster creator', async () => {
  const newer = await node('wnew', { kubeadm: 'v1.36.2', kubelet: 'v1.35.4' });
  const r = await newer.run('kubeadm', joinArgs(join, newer));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /this version of kubeadm \(v1\.36\.2\) cannot join a cluster created\/upgraded with kubeadm v1\.35\.4/);
  const older = await node('wold', { kubeadm: 'v1.34.6' });
  const r2 = await older.run('kubeadm', joinArgs(join, older));
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /this version of kubeadm \(v1\.34\.6\) cannot join a cluster created\/upgraded with kubeadm v1\.35\.4/);
  assert.ok(!older.exists('etc/kubernetes/kubelet.conf'));
});

test('a kubelet newer than the control plane fails preflight (KubeletVersion); ignored, it registers', async () => {
  // checks.go KubeletVersionCheck is the only guard: the apiserver accepts the Node of a newer kubelet
  const w = await node('wkubelet', { kubeadm: 'v1.35.4', kubelet: 'v1.36.2' });
  const r = await w.run('kubeadm', joinArgs(join, w));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[ERROR KubeletVersion\]: the kubelet version is higher than the control plane version/);
  assert.ok(!w.exists('etc/kubernetes/bootstrap-kubelet.conf'), 'preflight failed before anything was written');
  const forced = await w.run('kubeadm', joinArgs(join, w, ['--ignore-preflight-errors=KubeletVersion']));
  assert.equal(forced.code, 0, forced.stderr);
  const v = await cp1.kubectl(['get', 'node', 'wkubelet', '-o', 'jsonpath={.status.nodeInfo.kubeletVersion}']);
  assert.equal(v.stdout, 'v1.36.2');
});

test('control-plane join: certificate key missing, wrong, expired; no controlPlaneEndpoint', async () => {
  const c = await node('cpx');
  const missing = await c.run('kubeadm', joinArgs(join, c, controlPlaneArgs(c)));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /One or more conditions for hosting a new control plane instance is not satisfied\./);
  assert.match(missing.stderr, /failure loading ca\.crt: open \/etc\/kubernetes\/pki\/ca\.crt: no such file or directory/);
  const wrong = await c.run('kubeadm', joinArgs(join, c, controlPlaneArgs(c, 'ab'.repeat(32))));
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /error downloading certs: error decoding secret data with provided key: cipher: message authentication failed/);
  assert.ok(!c.exists('etc/kubernetes/pki/ca.key'), 'nothing decrypted with a wrong key');
  const expired = await c.run('kubeadm', joinArgs(join, c, controlPlaneArgs(c, join.certKey)), { KBS_SIM_NOW: '+2h1m' });
  assert.equal(expired.code, 1);
  assert.match(expired.stderr, /Secret "kubeadm-certs" was not found in the "kube-system" Namespace\. This Secret might have expired/);
  const malformed = await c.run('kubeadm', joinArgs(join, c, controlPlaneArgs(c, 'xyz')));
  assert.equal(malformed.code, 1);
  assert.match(malformed.stderr, /certificate key must be 64 hexadecimal characters/);

  // a cluster without controlPlaneEndpoint cannot get a second control plane
  const solo = await node('solo');
  const soloJoin = await initCluster(solo, { upload: true, controlPlaneEndpoint: false });
  const c2 = await node('cpy');
  const r = await c2.run('kubeadm', joinArgs(soloJoin, c2, controlPlaneArgs(c2, soloJoin.certKey)));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unable to add a new control plane instance to a cluster that doesn't have a stable controlPlaneEndpoint address/);
});

test('worker and control-plane joins succeed; duplicate names refused; reset deregisters', async () => {
  const w = await node('worker1');
  const r = await w.run('kubeadm', joinArgs(join, w));
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /This node has joined the cluster:/);
  assert.doesNotMatch(r.stdout + r.stderr, SECRET_RE, 'join output carries no token or key');
  // the kubelet's TLS bootstrap: kubelet.conf points at the rotated client pem; the bootstrap file is gone
  assert.match(w.read('etc/kubernetes/kubelet.conf'), /client-certificate: \/var\/lib\/kubelet\/pki\/kubelet-client-current\.pem/);
  assert.match(w.read('var/lib/kubelet/pki/kubelet-client-current.pem'), /BEGIN CERTIFICATE[\s\S]*PRIVATE KEY/);
  assert.ok(!w.exists('etc/kubernetes/bootstrap-kubelet.conf'), 'bootstrap-kubelet.conf removed after the TLS bootstrap');
  assert.match(w.read('etc/kubernetes/kubelet.conf'), new RegExp(`server: https://127\\.0\\.0\\.1:${cp1.port}`));
  assert.match(w.read('var/lib/kubelet/config.yaml'), /kind: KubeletConfiguration/);
  assert.ok(!w.exists('etc/kubernetes/pki/ca.key'), 'a worker gets no CA key');
  const kubeletPid = w.pid('kubelet');
  assert.ok(kubeletPid && alive(kubeletPid), 'kubelet running');

  const dup = await node('worker1');
  const d = await dup.run('kubeadm', joinArgs(join, dup));
  assert.equal(d.code, 1);
  assert.match(d.stderr, /a Node with name "worker1" and status "Ready" already exists in the cluster/);

  // second control plane with the uploaded certs; its apiserver forwards to the first one
  const c = await node('cp2');
  const cj = await c.run('kubeadm', joinArgs(join, c, controlPlaneArgs(c, join.certKey)));
  assert.equal(cj.code, 0, cj.stderr);
  assert.match(cj.stdout, /This node has joined the cluster and a new control plane instance was created/);
  assert.equal(c.read('etc/kubernetes/pki/ca.crt'), cp1.read('etc/kubernetes/pki/ca.crt'));
  assert.equal(c.read('etc/kubernetes/pki/sa.key'), cp1.read('etc/kubernetes/pki/sa.key'));
  assert.notEqual(c.read('etc/kubernetes/pki/apiserver.crt'), cp1.read('etc/kubernetes/pki/apiserver.crt'));
  assert.ok(c.exists('etc/kubernetes/manifests/kube-apiserver.yaml'));
  // talk to cp2's own apiserver: a kubeconfig pointing at its port
  const local = c.read('etc/kubernetes/admin.conf').replace(/server: \S+/, `server: https://127.0.0.1:${c.port}`);
  const localConf = c.file('local-admin.conf');
  writeFileSync(localConf, local);
  const listed = await c.run('kubectl', ['--kubeconfig', localConf, 'get', 'nodes', '-o', 'json']);
  assert.equal(listed.code, 0, listed.stderr);
  const names = JSON.parse(listed.stdout).items.map((i: { metadata: { name: string } }) => i.metadata.name).sort();
  assert.ok(['cp1', 'cp2', 'worker1'].every((n) => names.includes(n)), names.join(','));
  const roles = await cp1.kubectl(['get', 'nodes']);
  assert.match(roles.stdout, /cp2\s+Ready\s+control-plane/);
  assert.match(roles.stdout, /worker1\s+Ready\s+<none>/);

  // reset on the worker: files gone, kubelet stopped; the Node stays (cleanupnode.go leaves it to kubectl)
  const reset = await w.run('kubeadm', ['reset', '-f']);
  assert.equal(reset.code, 0, reset.stderr);
  assert.ok(!w.exists('etc/kubernetes/kubelet.conf'));
  assert.ok(!w.exists('var/lib/kubelet/config.yaml'));
  assert.ok(!alive(kubeletPid!), 'kubelet stopped');
  const after = await cp1.kubectl(['get', 'nodes', '-o', 'name']);
  assert.match(after.stdout, /node\/worker1/);
  assert.match(after.stdout, /node\/cp2/);
  // while that Node is still Ready, the name cannot join again (phases/join/kubelet.go)
  const early = await w.run('kubeadm', joinArgs(join, w));
  assert.equal(early.code, 1);
  assert.match(early.stderr, /a Node with name "worker1" and status "Ready" already exists in the cluster/);
  // kubelet.go writes bootstrap-kubelet.conf and ca.crt before that check: they stay until a reset
  assert.ok(w.exists('etc/kubernetes/bootstrap-kubelet.conf') && w.exists('etc/kubernetes/pki/ca.crt'));
  assert.equal((await w.run('kubeadm', ['reset', '-f'])).code, 0);
  // once the node lifecycle controller marked it (Ready=Unknown after the grace period), it can
  const waited = await cp1.kubectl(['wait', '--for=condition=Ready=Unknown', 'node/worker1', '--timeout=60s']);
  assert.equal(waited.code, 0, waited.stderr);
  assert.match((await cp1.kubectl(['get', 'nodes', 'worker1'])).stdout, /worker1\s+NotReady\s/);
  const again = await w.run('kubeadm', joinArgs(join, w));
  assert.equal(again.code, 0, again.stderr);
  assert.equal((await cp1.kubectl(['wait', '--for=condition=Ready', 'node/worker1', '--timeout=30s'])).code, 0);

  // reset of the second control plane stops its apiserver
  const apiPid = c.pid('apiserver');
  assert.ok(apiPid && alive(apiPid));
  const r2 = await c.run('kubeadm', ['reset', '-f']);
  assert.equal(r2.code, 0, r2.stderr);
  assert.ok(!alive(apiPid!));
  assert.ok(!c.exists('etc/kubernetes/pki/ca.key'));
});

test('token and upload-certs commands need the admin credentials', async () => {
  const w = await node('wadmin');
  const r = await w.run('kubeadm', ['token', 'create']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /failed to load admin kubeconfig: open \/etc\/kubernetes\/admin\.conf: no such file or directory/);
  const up = await cp1.run('kubeadm', ['init', 'phase', 'upload-certs', '--upload-certs']);
  assert.equal(up.code, 0, up.stderr);
  assert.match(up.stdout, /\[upload-certs\] Using certificate key:\n[0-9a-f]{64}\n$/);
});

test('the apiserver log never contains a token secret or the certificate key', async () => {
  const w = await node('wlog');
  await w.run('kubeadm', joinArgs(join, w, ['--control-plane', '--certificate-key', join.certKey!]));
  const log = cp1.read('var/lib/kbs-sim/apiserver.log');
  assert.match(log, /GET \/api\/v1\/namespaces\/kube-public\/configmaps\/cluster-info/);
  assert.ok(!log.includes(join.token.split('.')[1]));
  assert.ok(!log.includes(join.certKey!));
});

test('kubectl: cordon, uncordon, drain, wait, delete node', async () => {
  const w = await node('wk');
  assert.equal((await w.run('kubeadm', joinArgs(join, w))).code, 0);
  const c = await cp1.kubectl(['cordon', 'wk']);
  assert.equal(c.stdout, 'node/wk cordoned\n');
  assert.match((await cp1.kubectl(['get', 'nodes', 'wk'])).stdout, /wk\s+Ready,SchedulingDisabled/);
  assert.equal((await cp1.kubectl(['uncordon', 'wk'])).code, 0);
  assert.match((await cp1.kubectl(['get', 'nodes', 'wk'])).stdout, /wk\s+Ready\s/);
  assert.match((await cp1.kubectl(['drain', 'wk', '--ignore-daemonsets', '--delete-emptydir-data'])).stdout, /node\/wk drained/);
  assert.equal((await cp1.kubectl(['wait', '--for=condition=Ready', 'node/wk', '--timeout=10s'])).stdout, 'node/wk condition met\n');
  assert.equal((await cp1.kubectl(['get', 'node', 'wk', '-o', 'jsonpath={.spec.unschedulable}'])).stdout, 'true');
  assert.equal((await cp1.kubectl(['delete', 'node', 'wk'])).stdout, 'node "wk" deleted\n');
  const gone = await cp1.kubectl(['get', 'node', 'wk']);
  assert.equal(gone.code, 1);
  assert.match(gone.stderr, /Error from server \(NotFound\): nodes "wk" not found/);
  // the node's own credentials cannot delete other nodes
  const other = await w.run('kubectl', ['--kubeconfig', w.file('etc/kubernetes/kubelet.conf'), 'delete', 'node', 'cp1']);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /Forbidden/);
});

test('join with a JoinConfiguration file (a type error fails, an unknown field is a warning)', async () => {
  const w = await node('wcfg');
  const cfg = (extra = '') => [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: JoinConfiguration',
    'discovery:',
    '  bootstrapToken:',
    `    apiServerEndpoint: "${join.endpoint}"`,
    `    token: ${join.token}`,
    '    caCertHashes:',
    `    - ${join.hash}`,
    'nodeRegistration:',
    '  name: wcfg',
    '  kubeletExtraArgs:',
    '  - name: node-ip',
    '    value: 127.0.0.1',
    extra,
    '',
  ].join('\n');
  writeFileSync(w.file('bad.yaml'), cfg('caCertPath: 5'));
  const bad = await w.run('kubeadm', ['join', '--config', w.file('bad.yaml')]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /json: cannot unmarshal number into Go struct field JoinConfiguration\.caCertPath of type string/);
  // documentMapToJoinConfiguration: strict errors are only warnings outside config validate
  writeFileSync(w.file('join.yaml'), cfg('tlsBootstrapTokn: x'));
  const mixed = await w.run('kubeadm', ['join', '--config', w.file('join.yaml'), '--node-name', 'x']);
  assert.equal(mixed.code, 1);
  assert.match(mixed.stderr, /can not mix '--config' with arguments \[node-name\]/);
  const ok = await w.run('kubeadm', ['join', '--config', w.file('join.yaml')]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /Kind:"JoinConfiguration"\}: strict decoding error: unknown field "tlsBootstrapTokn"/);
  assert.match(w.read('var/lib/kubelet/kubeadm-flags.env'), /--node-ip=127\.0\.0\.1/);
  assert.match((await cp1.kubectl(['get', 'nodes', '-o', 'name'])).stdout, /node\/wcfg/);
});
