import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { SimNode, alive, binPath, controlPlaneArgs, initConfig, joinArgs, parseJoin, writeConfig } from './helpers.js';

const nodes: SimNode[] = [];
after(async () => {
  for (const n of nodes) await n.destroy();
});

async function node(name: string, opts: ConstructorParameters<typeof SimNode>[1] = {}): Promise<SimNode> {
  const n = new SimNode(name, opts);
  nodes.push(n);
  return n.start();
}

test('init writes real certificates, kubeconfigs, kubelet files and serves the apiserver', async () => {
  // RSA like real kubeadm, for this one test
  const n = await node('cp1');
  const cfg = writeConfig(n, 'init.yaml', initConfig({ node: 'cp1', port: n.port }));
  const r = await n.run('kubeadm', ['init', '--config', cfg], { KBS_SIM_KEY_ALGORITHM: 'RSA-2048' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Your Kubernetes control-plane has initialized successfully!/);

  for (const crt of ['ca', 'apiserver', 'apiserver-kubelet-client', 'front-proxy-ca', 'front-proxy-client',
    'etcd/ca', 'etcd/server', 'etcd/peer', 'apiserver-etcd-client']) {
    execSync(`openssl x509 -noout -in ${n.file(`etc/kubernetes/pki/${crt}.crt`)}`);
  }
  execSync(`openssl verify -CAfile ${n.file('etc/kubernetes/pki/ca.crt')} ${n.file('etc/kubernetes/pki/apiserver.crt')}`);
  const text = execSync(`openssl x509 -noout -text -in ${n.file('etc/kubernetes/pki/apiserver.crt')}`, { encoding: 'utf8' });
  assert.match(text, /rsaEncryption/);
  assert.match(text, /DNS:kubernetes\.default\.svc\.cluster\.local/);
  assert.match(text, /IP Address:10\.96\.0\.1/);
  assert.match(text, /IP Address:127\.0\.0\.1/);
  assert.ok(n.exists('etc/kubernetes/pki/sa.key') && n.exists('etc/kubernetes/pki/sa.pub'));

  // the join line's hash is sha256 of the CA's DER SubjectPublicKeyInfo
  const hash = execSync(
    `openssl x509 -pubkey -noout -in ${n.file('etc/kubernetes/pki/ca.crt')} | openssl pkey -pubin -outform der | sha256sum`,
    { encoding: 'utf8', shell: '/bin/bash' },
  ).split(' ')[0];
  assert.match(r.stdout, new RegExp(`--discovery-token-ca-cert-hash sha256:${hash}`));
  assert.match(r.stdout, /kubeadm join 127\.0\.0\.1:\d+ --token [a-z0-9]{6}\.[a-z0-9]{16} \\/);

  for (const f of ['admin.conf', 'super-admin.conf', 'kubelet.conf', 'controller-manager.conf', 'scheduler.conf']) {
    assert.match(n.read(`etc/kubernetes/${f}`), /client-certificate-data: /, f);
  }
  for (const m of ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd']) {
    assert.ok(n.exists(`etc/kubernetes/manifests/${m}.yaml`), m);
  }
  assert.match(n.read('etc/kubernetes/manifests/kube-apiserver.yaml'), /image: registry\.k8s\.io\/kube-apiserver:v1\.35\.4/);
  assert.match(n.read('var/lib/kubelet/config.yaml'), /kind: KubeletConfiguration/);
  assert.match(n.read('var/lib/kubelet/config.yaml'), /cgroupDriver: systemd/);
  // 1.35: NodeLocalCRISocket (beta, on) moves the endpoint from the flags to instance-config.yaml (flags.go)
  assert.doesNotMatch(n.read('var/lib/kubelet/kubeadm-flags.env'), /--container-runtime-endpoint/);
  assert.match(n.read('var/lib/kubelet/config.yaml'), /^containerRuntimeEndpoint: unix:\/\/\/var\/run\/containerd\/containerd\.sock$/m);

  // the apiserver outlives kubeadm and answers with the admin credentials
  const pid = n.pid('apiserver');
  assert.ok(pid && alive(pid));
  assert.equal((await n.kubectl(['get', '--raw', '/healthz'])).stdout, 'ok');
  assert.equal((await n.kubectl(['get', '--raw', '/readyz'])).stdout, 'ok');
  assert.equal(JSON.parse((await n.kubectl(['get', '--raw', '/version'])).stdout).gitVersion, 'v1.35.4');
  const cm = JSON.parse((await n.kubectl(['-n', 'kube-system', 'get', 'cm', 'kubeadm-config', '-o', 'json'])).stdout);
  assert.match(cm.data.ClusterConfiguration, /kubernetesVersion: v1\.35\.4/);
  assert.match(cm.data.ClusterConfiguration, /apiVersion: kubeadm\.k8s\.io\/v1beta4/);
  const nodesOut = await n.kubectl(['get', 'nodes']);
  assert.match(nodesOut.stdout, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\ncp1\s+Ready\s+control-plane\s+\S+\s+v1\.35\.4\n$/);
  const nodesJson = JSON.parse((await n.kubectl(['get', 'nodes', '-o', 'json'])).stdout);
  assert.equal(nodesJson.items[0].status.nodeInfo.kubeletVersion, 'v1.35.4');
  // several resource types at once, as kubectl prints them: one List, the types in the order given
  const both = JSON.parse((await n.kubectl(['-n', 'kube-system', 'get', 'nodes,configmaps', '-o', 'json'])).stdout);
  assert.equal(both.kind, 'List');
  assert.deepEqual(both.items.map((i: { kind: string; metadata: { name: string } }) => `${i.kind}/${i.metadata.name}`), ['Node/cp1', 'ConfigMap/kube-proxy', 'ConfigMap/kubeadm-config', 'ConfigMap/kubelet-config']);
  assert.match(both.items[2].data.ClusterConfiguration, /kubernetesVersion: v1\.35\.4/);

  // no anonymous access beyond health and discovery
  const anonConf = writeConfig(n, 'anon.conf', n.read('etc/kubernetes/admin.conf').replace(/^\s+client-(certificate|key)-data: .*\n/gm, ''));
  assert.doesNotMatch(n.read('anon.conf'), /client-key-data/);
  const anon = await n.run('kubectl', ['--kubeconfig', anonConf, 'get', 'nodes']);
  assert.equal(anon.code, 1);
  assert.match(anon.stderr, /Error from server \(Unauthorized\)/);
  // a node's own credentials read kubeadm's ConfigMaps by name but cannot list the namespace's
  const asNode = await n.run('kubectl', ['--kubeconfig', '/etc/kubernetes/kubelet.conf', '-n', 'kube-system', 'get', 'nodes,configmaps', '-o', 'json']);
  assert.equal(asNode.code, 1, asNode.stdout);
  assert.match(asNode.stderr, /Error from server \(Forbidden\).*list resource "configmaps"/);
  assert.equal((await n.run('kubectl', ['--kubeconfig', anonConf, 'get', '--raw', '/healthz'])).stdout, 'ok');

  // a second init is refused by preflight
  const again = await n.run('kubeadm', ['init', '--config', cfg]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^error execution phase preflight: \[preflight\] Some fatal errors occurred:/m);
  assert.match(again.stderr, new RegExp(`\\[ERROR Port-${n.port}\\]: Port ${n.port} is in use`));
  assert.match(again.stderr, /\[ERROR FileAvailable--etc-kubernetes-manifests-kube-apiserver\.yaml\]: \/etc\/kubernetes\/manifests\/kube-apiserver\.yaml already exists/);
  // checks.go InitNodeChecks: the stacked etcd data dir must be empty (no check on the manifests dir itself)
  assert.match(again.stderr, /\[ERROR DirAvailable--var-lib-etcd\]: \/var\/lib\/etcd is not empty/);

  // reset cleans up and stops the apiserver and the kubelet
  const kubeletPid = n.pid('kubelet');
  const reset = await n.run('kubeadm', ['reset', '-f']);
  assert.equal(reset.code, 0, reset.stderr);
  assert.ok(!alive(pid!), 'apiserver stopped');
  assert.ok(!kubeletPid || !alive(kubeletPid), 'kubelet stopped');
  for (const f of ['etc/kubernetes/admin.conf', 'etc/kubernetes/kubelet.conf', 'etc/kubernetes/pki/ca.crt',
    'etc/kubernetes/manifests/kube-apiserver.yaml', 'var/lib/kubelet/config.yaml', 'var/lib/kbs-sim/cluster.json']) {
    assert.ok(!n.exists(f), `${f} removed`);
  }
  // and the machine can be initialised again
  const third = await n.run('kubeadm', ['init', '--config', cfg]);
  assert.equal(third.code, 0, third.stderr);
});

test('init refuses kubernetesVersion outside [kubeadm minor - 1, kubeadm minor]', async () => {
  const n = await node('cpv');
  const old = writeConfig(n, 'old.yaml', initConfig({ node: 'cpv', port: n.port, version: 'v1.33.9' }));
  const r = await n.run('kubeadm', ['init', '--config', old]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /this version of kubeadm only supports deploying clusters with the control plane version >= 1\.34\.0\. Current version: v1\.33\.9/);
  const flags = await n.run('kubeadm', ['init', '--kubernetes-version', '1.32.0']);
  assert.equal(flags.code, 1);
  assert.match(flags.stderr, /control plane version >= 1\.34\.0/);
});

test('a kubernetesVersion one minor newer than kubeadm is only a warning (checks.go KubernetesVersionCheck)', async () => {
  const n = await node('cpw');
  const newer = writeConfig(n, 'new.yaml', initConfig({ node: 'cpw', port: n.port, version: 'v1.36.2' }));
  const r = await n.run('kubeadm', ['init', '--config', newer]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\[WARNING KubernetesVersion\]: Kubernetes version is greater than kubeadm version\. Please consider to upgrade kubeadm\. Kubernetes version: 1\.36\.2\. Kubeadm version: 1\.35\.x/);
  assert.match(n.read('etc/kubernetes/manifests/kube-apiserver.yaml'), /kube-apiserver:v1\.36\.2/);
});

test('strict decoding: unknown fields (errors for config validate), wrong kinds and API versions', async () => {
  const n = await node('cps');
  // config validate decodes strictly (util/config/common.go ValidateConfig); init only warns about unknown
  // fields (documentMapToInitConfiguration, strictErrors=false) — test/sim/strict-config.test.ts runs that init
  const unknown = writeConfig(n, 'u.yaml', initConfig({ node: 'cps', port: n.port, extraCluster: 'foo: bar' }));
  const r = await n.run('kubeadm', ['config', 'validate', '--config', unknown]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Kind:"ClusterConfiguration"\}: strict decoding error: unknown field "foo"/);
  const nested = writeConfig(n, 'n.yaml', initConfig({ node: 'cps', port: n.port, extraInit: 'localAPIEndpoint2: {}' }).replace('  name: cps', '  name: cps\n  nmae: typo'));
  const r2 = await n.run('kubeadm', ['config', 'validate', '--config', nested]);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /strict decoding error: unknown field "localAPIEndpoint2", unknown field "nodeRegistration\.nmae"|strict decoding error: unknown field "nodeRegistration\.nmae", unknown field "localAPIEndpoint2"/);
  // v1beta4 exists from kubeadm 1.31 (cmd/kubeadm/app/apis/kubeadm/v1beta4)
  const b4 = writeConfig(n, 'b4.yaml', initConfig({ node: 'cps', port: n.port, api: 'v1beta4', version: 'v1.30.14' }));
  const r3 = await n.run(binPath('v1.30.14', 'kubeadm'), ['init', '--config', b4]);
  assert.equal(r3.code, 1);
  assert.match(r3.stderr, /no kind "InitConfiguration" is registered for version "kubeadm\.k8s\.io\/v1beta4"/);
  const old = writeConfig(n, 'b2.yaml', initConfig({ node: 'cps', port: n.port }).replace(/v1beta4/g, 'v1beta2'));
  const r4 = await n.run('kubeadm', ['init', '--config', old]);
  assert.equal(r4.code, 1);
  assert.match(r4.stderr, /your configuration file uses an old API spec: "kubeadm\.k8s\.io\/v1beta2"/);
  // v1beta3: deprecated from 1.31 (a warning), removed in 1.36 (util/config/common.go: old API versions)
  const b3 = writeConfig(n, 'b3.yaml', initConfig({ node: 'cps', port: n.port, api: 'v1beta3' }));
  // the deprecation is a warning where deprecated APIs are not allowed (init, config images); config validate allows them
  const dep = await n.run('kubeadm', ['config', 'images', 'list', '--config', b3]);
  assert.equal(dep.code, 0, dep.stderr);
  assert.match(dep.stderr, /your configuration file uses a deprecated API spec: "kubeadm\.k8s\.io\/v1beta3"/);
  for (const v of ['v1.36.2', 'v1.37.1'] as const) {
    const gone = await n.run(binPath(v, 'kubeadm'), ['config', 'validate', '--config', b3]);
    assert.equal(gone.code, 1, v);
    assert.match(gone.stderr, /your configuration file uses an old API spec: "kubeadm\.k8s\.io\/v1beta3" \(kind: "InitConfiguration"\)\. Please use kubeadm v1\.35 instead and run 'kubeadm config migrate/);
  }
  const badType = writeConfig(n, 't.yaml', initConfig({ node: 'cps', port: n.port }).replace(`bindPort: ${n.port}`, 'bindPort: "x"'));
  const r5 = await n.run('kubeadm', ['init', '--config', badType]);
  assert.equal(r5.code, 1);
  assert.match(r5.stderr, /cannot unmarshal string into Go struct field APIEndpoint\.localAPIEndpoint\.bindPort of type int32/);
  const mixed = await n.run('kubeadm', ['init', '--config', unknown, '--kubernetes-version', 'v1.35.4']);
  assert.equal(mixed.code, 1);
  assert.match(mixed.stderr, /can not mix '--config' with arguments \[kubernetes-version\]/);
  // kubeadm config validate uses the same decoder
  const ok = writeConfig(n, 'ok.yaml', initConfig({ node: 'cps', port: n.port }));
  assert.equal((await n.run('kubeadm', ['config', 'validate', '--config', ok])).stdout, 'ok\n');
  assert.equal((await n.run('kubeadm', ['config', 'validate', '--config', unknown])).code, 1);
});

test('v1beta4 is accepted by kubeadm v1.31.13 (extraArgs as name/value lists)', async () => {
  const n = await node('cp31', { kubeadm: 'v1.31.13' });
  const cfg = writeConfig(n, 'b4.yaml', initConfig({
    node: 'cp31', port: n.port, api: 'v1beta4', version: 'v1.31.13',
    extraCluster: 'apiServer:\n  extraArgs:\n  - name: audit-log-maxage\n    value: "7"',
  }));
  const r = await n.run('kubeadm', ['init', '--config', cfg]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(n.read('etc/kubernetes/manifests/kube-apiserver.yaml'), /--audit-log-maxage=7/);
  const cm = JSON.parse((await n.kubectl(['-n', 'kube-system', 'get', 'cm', 'kubeadm-config', '-o', 'json'])).stdout);
  assert.match(cm.data.ClusterConfiguration, /apiVersion: kubeadm\.k8s\.io\/v1beta4/);
  assert.match(cm.data.ClusterConfiguration, /- name: audit-log-maxage\n\s+value: "7"/);
  assert.ok(n.exists('etc/kubernetes/super-admin.conf'));
});

test('preflight: ip_forward and the container runtime are errors, swap a warning; ignorable by name', async () => {
  const n = await node('cpp', { swap: true, ipForward: '0', cri: false });
  const cfg = writeConfig(n, 'init.yaml', initConfig({ node: 'cpp', port: n.port }));
  const r = await n.run('kubeadm', ['init', '--config', cfg]);
  assert.equal(r.code, 1);
  // checks.go SwapCheck returns a warning; the kubelet then refuses to run (failSwapOn)
  assert.match(r.stderr, /\[WARNING Swap\]: swap is supported for cgroup v2 only/);
  assert.doesNotMatch(r.stderr, /ERROR Swap/);
  assert.match(r.stderr, /\[ERROR FileContent--proc-sys-net-ipv4-ip_forward\]: \/proc\/sys\/net\/ipv4\/ip_forward contents are not set to 1/);
  assert.match(r.stderr, /\[ERROR CRI\]: container runtime is not running/);
  assert.match(r.stderr, /you can make a check non-fatal with `--ignore-preflight-errors=\.\.\.`/);
  const r2 = await n.run('kubeadm', ['init', '--config', cfg, '--ignore-preflight-errors=CRI']);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /\[WARNING CRI\]/);
  assert.match(r2.stderr, /ERROR FileContent--proc-sys-net-ipv4-ip_forward/);
  const r3 = await n.run('kubeadm', ['init', '--config', cfg, '--ignore-preflight-errors=all']);
  assert.equal(r3.code, 1);
  assert.match(r3.stderr, /The kubelet is not healthy after/);
  assert.match(n.read('var/lib/kbs-sim/kubelet.log'), /running with swap on is not supported, please disable swap or set --fail-swap-on flag to false/);
});

test('init waits for the kubelet and fails when it cannot run', async () => {
  const n = await node('cpk');
  const cfg = writeConfig(n, 'init.yaml', initConfig({ node: 'cpk', port: n.port }));
  // a kubelet newer than the control plane is refused by preflight
  n.setKubelet('v1.36.2');
  const r = await n.run('kubeadm', ['init', '--config', cfg]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[ERROR KubeletVersion\]: the kubelet version is higher than the control plane version.*Kubelet version: "1\.36\.2" Control plane version: "1\.35\.4"/);
  // no kubelet at all: preflight error; ignored, the wait for a healthy kubelet fails
  rmSync(n.file('usr/local/bin/kubelet'));
  const r2 = await n.run('kubeadm', ['init', '--config', cfg, '--ignore-preflight-errors=KubeletVersion'], { KBS_SIM_KUBELET_TIMEOUT: '1' });
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /\[WARNING KubeletVersion\]: couldn't get kubelet version/);
  assert.match(r2.stderr, /The kubelet is not healthy after 1s/);
  assert.match(r2.stderr, /error execution phase wait-control-plane/);
});

test('external etcd: no local etcd; client certs checked by preflight and shared by upload-certs', async () => {
  const n = await node('cpe');
  const ext = [
    'etcd:',
    '  external:',
    '    endpoints: ["https://10.0.0.9:2379"]',
    '    caFile: /etc/etcd/ca.crt',
    '    certFile: /etc/etcd/client.crt',
    '    keyFile: /etc/etcd/client.key',
  ].join('\n');
  const cfg = writeConfig(n, 'ext.yaml', initConfig({ node: 'cpe', port: n.port, controlPlaneEndpoint: `127.0.0.1:${n.port}`, extraCluster: ext }));
  const r = await n.run('kubeadm', ['init', '--config', cfg, '--upload-certs']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[ERROR ExternalEtcdClientCertificates\]: \/etc\/etcd\/ca\.crt doesn't exist/);
  mkdirSync(n.file('etc/etcd'), { recursive: true });
  for (const f of ['ca.crt', 'client.crt', 'client.key']) writeFileSync(n.file(`etc/etcd/${f}`), `${f} of the external etcd\n`);
  const ok = await n.run('kubeadm', ['init', '--config', cfg, '--upload-certs']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.ok(!n.exists('etc/kubernetes/manifests/etcd.yaml'));
  assert.ok(!n.exists('etc/kubernetes/pki/etcd/ca.crt'));
  assert.match(n.read('etc/kubernetes/manifests/kube-apiserver.yaml'), /--etcd-servers=https:\/\/10\.0\.0\.9:2379/);
  const j = parseJoin(ok.stdout);
  const c = await node('cpe2');
  const cj = await c.run('kubeadm', joinArgs(j, c, controlPlaneArgs(c, j.certKey)));
  assert.equal(cj.code, 0, cj.stderr);
  assert.equal(c.read('etc/etcd/client.key'), 'client.key of the external etcd\n');
});
