/**
 * kubeadm patches (`--patches DIR`, `patches.directory`) in the simulated kubeadm, as the roles use
 * them (a per-host folder copied to /etc/kbs/patches, `patches.directory: /etc/kbs/patches`).
 * Source of every expectation: kubernetes/kubernetes cmd/kubeadm/app/util/patches/patches.go (read at
 * 94341df30b4a), app/phases/kubelet/config.go WriteConfigToDisk, app/util/staticpod PatchStaticPod,
 * app/cmd/phases/join/kubelet.go; the patch libraries gopkg.in/evanphx/json-patch.v4 v4.12.0 and
 * apimachinery's strategicpatch.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SimNode, initCluster, initConfig, writeConfig } from './helpers.js';

const nodes: SimNode[] = [];
after(async () => {
  for (const n of nodes) await n.destroy();
});

async function node(name: string, opts: ConstructorParameters<typeof SimNode>[1] = {}): Promise<SimNode> {
  const n = new SimNode(name, opts);
  nodes.push(n);
  return n.start();
}

const DIR = '/etc/kbs/patches';
const SMP = '"application/strategic-merge-patch+json"';

/** Writes the files of a patches folder (name -> content) into the node's /etc/kbs/patches. */
function patchDir(n: SimNode, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    const p = n.file(path.join(DIR, name));
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, text);
  }
}

async function initWithPatches(n: SimNode, version?: string) {
  const cfg = writeConfig(
    n,
    'init.yaml',
    initConfig({ version, node: n.name, port: n.port, extraInit: `patches:\n  directory: ${DIR}` }),
  );
  return n.run('kubeadm', ['init', '--config', cfg]);
}

function applied(stdout: string, target: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('[patches] Applied patch of type') && l.endsWith(`to target "${target}"`));
}

test('init applies the patches of every target, in lexical file order, skipping files it cannot name', async () => {
  // patches.go: files `target[suffix][+patchtype].extension` (json|yaml), walked in lexical order; a
  // name without a known extension or target is a warning ("[patches] Ignoring file ...") and skipped;
  // strategic merge is the default type; several YAML documents in one file are several patches;
  // every applied patch prints "[patches] Applied patch of type "<content type>" to target "<target>"".
  const n = await node('pcp1');
  patchDir(n, {
    'kubeletconfiguration.yaml': 'maxPods: 42\nevictionHard:\n  memory.available: 5%\n',
    // json (RFC 6902): a flag appended to the apiserver's command; two files applied in name order
    'kube-apiserver0+json.yaml': '- op: add\n  path: /spec/containers/0/command/-\n  value: --profiling=false\n'
      + '- op: add\n  path: /metadata/labels/kbs-order\n  value: first\n',
    'kube-apiserver1+json.json': '[{"op": "replace", "path": "/metadata/labels/kbs-order", "value": "second"}]',
    // merge (RFC 7386): null deletes a key
    'kube-scheduler+merge.json': '{"metadata": {"annotations": {"kbs/merged": "yes"}, "labels": {"tier": null}}}',
    // strategic, two documents; containers are merged by name, env by name
    'kube-controller-manager.yaml': 'spec:\n  containers:\n  - name: kube-controller-manager\n    env:\n    - name: A\n      value: "1"\n'
      + '---\nmetadata:\n  annotations:\n    kbs/second-document: "yes"\n',
    'sub/etcd+strategic.yaml': 'metadata:\n  labels:\n    kbs/walked: "yes"\n',
    // the CoreDNS Deployment of the addon phase: its containers merged by name
    'corednsdeployment.yaml': 'spec:\n  template:\n    spec:\n      containers:\n      - name: coredns\n        args: ["-conf", "/etc/coredns/Corefile"]\n',
    'README.md': 'not a patch\n',
    'kube-proxy.yaml': 'spec: {}\n',
  });
  const r = await initWithPatches(n);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^\[patches\] Reading patches from path "\/etc\/kbs\/patches"$/m);
  assert.match(r.stdout, /^\[patches\] Ignoring file "README\.md": the file extension must be one of \[json yaml\]$/m);
  assert.match(r.stdout, /^\[patches\] Ignoring file "kube-proxy\.yaml": unknown target, must be one of \[etcd kube-apiserver kube-controller-manager kube-scheduler kubeletconfiguration corednsdeployment\]$/m);
  assert.match(r.stdout, /^\[patches\] Found the following patch files: \[corednsdeployment\.yaml kube-apiserver0\+json\.yaml kube-apiserver1\+json\.json kube-controller-manager\.yaml kube-scheduler\+merge\.json kubeletconfiguration\.yaml etcd\+strategic\.yaml\]$/m);
  assert.match(r.stdout, /^\[patches\] Ignored the following files: \[README\.md kube-proxy\.yaml\]$/m);
  assert.equal(r.stdout.match(/Reading patches from path/g)?.length, 1, 'the directory is read once (pathCache)');

  const api = n.read('etc/kubernetes/manifests/kube-apiserver.yaml');
  assert.match(api, /- "?--profiling=false"?\n/);
  assert.match(api, /- "?--secure-port=\d+"?\n/, 'the other flags stay');
  assert.match(api, /kbs-order: second/, 'kube-apiserver1+json.json applied after kube-apiserver0+json.yaml');
  assert.equal(applied(r.stdout, 'kube-apiserver').length, 2);
  assert.match(applied(r.stdout, 'kube-apiserver')[0], /"application\/json-patch\+json"/);

  const sch = n.read('etc/kubernetes/manifests/kube-scheduler.yaml');
  assert.match(sch, /kbs\/merged: "?yes"?/);
  assert.doesNotMatch(sch, /tier: control-plane/, 'a null in a merge patch deletes the key');
  assert.match(applied(r.stdout, 'kube-scheduler')[0], /"application\/merge-patch\+json"/);

  const kcm = n.read('etc/kubernetes/manifests/kube-controller-manager.yaml');
  assert.match(kcm, /env:\n\s+- name: A\n\s+value: "1"/);
  assert.match(kcm, /image: registry\.k8s\.io\/kube-controller-manager:v1\.35\.4/, 'the container merged by name keeps its image');
  assert.equal(kcm.match(/image: /g)?.length, 1, 'no second container');
  assert.match(kcm, /kbs\/second-document: "?yes"?/);
  assert.equal(applied(r.stdout, 'kube-controller-manager').length, 2, 'one line per document');
  assert.match(n.read('etc/kubernetes/manifests/etcd.yaml'), /kbs\/walked: "?yes"?/, 'sub-directories are walked');

  // kubeletconfiguration: only the node's /var/lib/kubelet/config.yaml, not the cluster's ConfigMap
  const kubelet = n.read('var/lib/kubelet/config.yaml');
  assert.match(kubelet, /^maxPods: 42$/m);
  assert.match(kubelet, /memory\.available: "?5%"?/);
  assert.match(kubelet, /^nodeStatusUpdateFrequency: 1s$/m, 'the rest of the configuration stays');
  const cm = JSON.parse((await n.kubectl(['-n', 'kube-system', 'get', 'cm', 'kubelet-config', '-o', 'json'])).stdout);
  assert.doesNotMatch(cm.data.kubelet, /maxPods/);
  // 1.35: NodeLocalCRISocket (beta, on) writes instance-config.yaml and applies it as one more strategic patch
  assert.equal(n.read('var/lib/kubelet/instance-config.yaml'), 'containerRuntimeEndpoint: "unix:///var/run/containerd/containerd.sock"\n');
  assert.match(kubelet, /^containerRuntimeEndpoint: unix:\/\/\/var\/run\/containerd\/containerd\.sock$/m);
  assert.deepEqual(applied(r.stdout, 'kubeletconfiguration'), [
    `[patches] Applied patch of type ${SMP} to target "kubeletconfiguration"`,
    `[patches] Applied patch of type ${SMP} to target "kubeletconfiguration"`,
  ]);
  const dns = JSON.parse((await n.kubectl(['get', '--raw', '/apis/apps/v1/namespaces/kube-system/deployments/coredns'])).stdout);
  assert.deepEqual(dns.spec.template.spec.containers.map((c: { name: string; args?: string[]; image: string }) => [c.name, c.args, /coredns:/.test(c.image)]),
    [['coredns', ['-conf', '/etc/coredns/Corefile'], true]]);
  assert.ok(r.stdout.indexOf('to target "corednsdeployment"') < r.stdout.indexOf('[addons] Applied essential addon: CoreDNS'));
  // the patched kubelet is the one that runs: the node registered
  const nodesOut = await n.kubectl(['get', 'nodes', 'pcp1', '-o', 'name']);
  assert.equal(nodesOut.stdout.trim(), 'node/pcp1');
});

test('init on 1.31 (no NodeLocalCRISocket): the kubelet patch alone, no instance-config.yaml', async () => {
  // config.go WriteConfigToDisk applies instance-config.yaml only with the NodeLocalCRISocket gate
  // (alpha 1.32 off, beta 1.34 on, GA 1.36); kubeadm 1.31 has no such gate.
  const n = await node('pcp31', { kubeadm: 'v1.31.13', kubelet: 'v1.31.13' });
  patchDir(n, { 'kubeletconfiguration+merge.yaml': 'maxPods: 31\n' });
  const r = await initWithPatches(n, 'v1.31.13');
  assert.equal(r.code, 0, r.stderr);
  assert.match(n.read('var/lib/kubelet/config.yaml'), /^maxPods: 31$/m);
  assert.ok(!n.exists('var/lib/kubelet/instance-config.yaml'));
  assert.match(n.read('var/lib/kubelet/kubeadm-flags.env'), /--container-runtime-endpoint=unix:\/\/\/var\/run\/containerd\/containerd\.sock/,
    'without the gate the endpoint stays a flag');
  assert.deepEqual(applied(r.stdout, 'kubeletconfiguration'), [
    '[patches] Applied patch of type "application/merge-patch+json" to target "kubeletconfiguration"',
  ]);
});

test('a "+" without a known patch type is an error, not a warning', async () => {
  // parseFilename: "unknown or missing patch type after '+'" is returned as an error, so the walk
  // stops and the first phase that patches (etcd/local in init) fails.
  const n = await node('pbad');
  patchDir(n, { 'kube-apiserver+foo.yaml': 'metadata: {}\n' });
  const r = await initWithPatches(n);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^error execution phase etcd\/local: error creating local etcd static pod manifest file: failed to patch static Pod manifest file for "etcd": could not list patch files for path "\/etc\/kbs\/patches": unknown or missing patch type after '\+', must be one of \[json merge strategic\]$/m);
  assert.ok(!n.exists('etc/kubernetes/manifests/etcd.yaml'), 'nothing written for the failing component');
});

test('a patch that does not apply fails the phase with the patch and the library error', async () => {
  // ApplyPatchesToTarget: "could not apply the following patch of type %q to target %q:\n%s\n" wrapping
  // json-patch v4's error; the patch is shown as the JSON kubeadm converted it to.
  const n = await node('pinv');
  patchDir(n, { 'kube-apiserver+json.yaml': '- op: remove\n  path: /spec/nope\n' });
  const r = await initWithPatches(n);
  assert.equal(r.code, 1);
  assert.ok(
    r.stderr.includes(
      'error execution phase control-plane/apiserver: failed to patch static Pod manifest file for "kube-apiserver": '
        + 'could not apply the following patch of type "application/json-patch+json" to target "kube-apiserver":\n'
        + '[{"op":"remove","path":"/spec/nope"}]\n'
        + ": error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value",
    ),
    r.stderr,
  );
  assert.ok(n.exists('etc/kubernetes/manifests/etcd.yaml'), 'etcd (an earlier phase) was written');
  assert.ok(!n.exists('etc/kubernetes/manifests/kube-apiserver.yaml'));
  // a strategic patch whose list element lacks the merge key: strategicpatch's error
  const m = await node('pinv2');
  patchDir(m, { 'etcd.yaml': 'spec:\n  containers:\n  - image: x\n' });
  const r2 = await initWithPatches(m);
  assert.equal(r2.code, 1);
  assert.match(r2.stderr, /: map: map\[image:x\] does not contain declared merge key: name$/m);
});

let cp: SimNode;
let w: SimNode;

test('join of a worker applies its kubeletconfiguration patch (JoinConfiguration patches.directory)', async () => {
  // join/kubelet.go: WriteInstanceConfigToDisk (NodeLocalCRISocket) then WriteConfigToDisk with
  // data.PatchesDir(): the patched KubeletConfiguration is the node's /var/lib/kubelet/config.yaml.
  cp = await node('pjcp');
  const j = await initCluster(cp);
  w = await node('pjw1');
  patchDir(w, { 'kubeletconfiguration+strategic.yaml': 'maxPods: 77\n' });
  const cfg = writeConfig(w, 'join.yaml', [
    'apiVersion: kubeadm.k8s.io/v1beta4',
    'kind: JoinConfiguration',
    'discovery:',
    '  bootstrapToken:',
    `    apiServerEndpoint: ${j.endpoint}`,
    `    token: ${j.token}`,
    '    caCertHashes:',
    `    - ${j.hash}`,
    'nodeRegistration:',
    '  name: pjw1',
    'patches:',
    `  directory: ${DIR}`,
    '',
  ].join('\n'));
  const r = await w.run('kubeadm', ['join', '--config', cfg]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(w.read('var/lib/kubelet/config.yaml'), /^maxPods: 77$/m);
  assert.equal(w.read('var/lib/kubelet/instance-config.yaml'), 'containerRuntimeEndpoint: "unix:///var/run/containerd/containerd.sock"\n');
  assert.equal(applied(r.stdout, 'kubeletconfiguration').length, 2, 'the patch, then instance-config.yaml');
  // join writes instance-config.yaml, then config.yaml, then the flags file
  const order = ['/instance-config.yaml"', '/config.yaml"', '/kubeadm-flags.env"'].map((f) =>
    r.stdout.split('\n').findIndex((l) => l.startsWith('[kubelet-start] Writing') && l.endsWith(f)));
  assert.ok(order[0] >= 0 && order[0] < order[1] && order[1] < order[2], r.stdout);
  assert.doesNotMatch(cp.read('var/lib/kubelet/config.yaml'), /maxPods/, 'the control plane is not patched');
});

test('upgrade node re-applies the patches given to it (--patches), else writes the cluster configuration', async () => {
  // phases/upgrade: WriteConfigToDisk(cfg, kubeletDir, patchesDir) from the kubelet-config ConfigMap, and the
  // static pods rebuilt with CreateStaticPodFiles(..., patchesDir, ...).
  const again = await w.run('kubeadm', ['upgrade', 'node', '--patches', DIR]);
  assert.equal(again.code, 0, again.stderr);
  assert.match(w.read('var/lib/kubelet/config.yaml'), /^maxPods: 77$/m);
  assert.equal(applied(again.stdout, 'kubeletconfiguration').length, 2);
  const plain = await w.run('kubeadm', ['upgrade', 'node']);
  assert.equal(plain.code, 0, plain.stderr);
  assert.doesNotMatch(w.read('var/lib/kubelet/config.yaml'), /maxPods/, 'no patches: the cluster configuration');
  assert.equal(applied(plain.stdout, 'kubeletconfiguration').length, 1, 'instance-config.yaml only');

  patchDir(cp, { 'kube-apiserver+json.json': '[{"op": "add", "path": "/spec/containers/0/command/-", "value": "--profiling=false"}]' });
  const up = await cp.run('kubeadm', ['upgrade', 'node', '--patches', DIR]);
  assert.equal(up.code, 0, up.stderr);
  assert.match(cp.read('etc/kubernetes/manifests/kube-apiserver.yaml'), /- "?--profiling=false"?\n/);
  assert.equal(applied(up.stdout, 'kube-apiserver').length, 1);
});

test('upgrade moves --container-runtime-endpoint from kubeadm-flags.env to a missing instance-config.yaml', async () => {
  // phases/upgrade (NodeLocalCRISocket on, no instance-config.yaml, as on a node made by kubeadm < 1.34):
  // the flag's value goes to instance-config.yaml and kubeadm-flags.env is rewritten without it.
  rmSync(w.file('var/lib/kubelet/instance-config.yaml'));
  writeFileSync(w.file('var/lib/kubelet/kubeadm-flags.env'),
    'KUBELET_KUBEADM_ARGS="--container-runtime-endpoint=unix:///run/other.sock --node-ip=10.1.2.3"\n');
  const r = await w.run('kubeadm', ['upgrade', 'node']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(w.read('var/lib/kubelet/kubeadm-flags.env'), 'KUBELET_KUBEADM_ARGS="--node-ip=10.1.2.3"\n');
  assert.equal(w.read('var/lib/kubelet/instance-config.yaml'), 'containerRuntimeEndpoint: "unix:///run/other.sock"\n');
  assert.match(w.read('var/lib/kubelet/config.yaml'), /^containerRuntimeEndpoint: unix:\/\/\/run\/other\.sock$/m);
});
