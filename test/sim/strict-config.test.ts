/**
 * Strict config decoding against kubeadm's types, KubeletConfiguration and KubeProxyConfiguration included.
 * Each case states what real kubeadm does and where (paths in kubernetes/kubernetes unless named):
 * - `config validate` = util/config/common.go ValidateConfig: validateKnownGVKs refuses a GVK neither the
 *   kubeadm scheme nor componentconfigs.Scheme knows; with an Init/ClusterConfiguration,
 *   documentMapToInitConfiguration(strictErrors=true) decodes every document with
 *   util/config/strict VerifyUnmarshalStrict (apimachinery's strict YAML serializer: sigs.k8s.io/json,
 *   case-sensitive, unknown fields and type errors are errors).
 * - init and the other commands (strictErrors=false): the strict check is only a klog warning, then the
 *   non-strict UniversalDecoder decodes (componentconfigs/configset.go for the kubelet and kube-proxy
 *   documents): unknown fields are dropped, type errors fail.
 * - YAML → JSON is sigs.k8s.io/yaml over go-yaml v2 (YAML 1.1: yes/no/on/off/y/n are booleans; its
 *   goyaml.v2/resolve.go), so an unquoted 4 or 0123…-digits is a number, never a string.
 * The kubelet and kube-proxy field tables are generated per minor from their staging repositories' types.go
 * (test/sim/gen_component_tables.py); the kubeadm tables from v1beta3/v1beta4 types.go (see README).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SimNode, binPath, initConfig, run, writeConfig } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kbs-sim-strict-'));
const nodes: SimNode[] = [];
after(async () => {
  for (const n of nodes) await n.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const B4 = 'apiVersion: kubeadm.k8s.io/v1beta4';
const B3 = 'apiVersion: kubeadm.k8s.io/v1beta3';
const INIT = `${B4}\nkind: InitConfiguration\n`;
const CLUSTER = `${B4}\nkind: ClusterConfiguration\n`;
const KUBELET = `---\napiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n`;
const PROXY = `---\napiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\n`;
const JOIN = `${B4}\nkind: JoinConfiguration\ndiscovery:\n  bootstrapToken:\n    apiServerEndpoint: "10.0.0.10:6443"\n    token: "abcdef.0123456789abcdef"\n    caCertHashes: ["sha256:${'0'.repeat(64)}"]\n`;
const GVK = (kind: string, group = 'kubeadm.k8s.io', version = 'v1beta4') =>
  `schema\\.GroupVersionKind\\{Group:"${group.replace(/\./g, '\\.')}", Version:"${version}", Kind:"${kind}"\\}`;

let seq = 0;
async function kubeadm(version: string, args: string[], yaml: string) {
  const f = path.join(dir, `c${seq++}.yaml`);
  writeFileSync(f, yaml);
  return run(binPath(version, 'kubeadm'), [...args, f], { PATH: process.env.PATH, HOME: dir });
}
const validate = (version: string, yaml: string) => kubeadm(version, ['config', 'validate', '--config'], yaml);

// [what, kubeadm version, config, what kubeadm prints]
const refused: [string, string, string, RegExp][] = [
  // kubelet/config/v1beta1/types.go: failSwapOn bool; a misspelt field is a strict error
  ['a misspelt KubeletConfiguration field', 'v1.35.4', `${CLUSTER}${KUBELET}failSwapOnn: false\n`,
    new RegExp(`${GVK('KubeletConfiguration', 'kubelet.config.k8s.io', 'v1beta1')}: strict decoding error: unknown field "failSwapOnn"`)],
  // sigs.k8s.io/json matches field names case-sensitively
  ['a KubeletConfiguration field in the wrong case', 'v1.35.4', `${CLUSTER}${KUBELET}FailSwapOn: false\n`,
    /strict decoding error: unknown field "FailSwapOn"/],
  // maxPods int32: encoding/json's UnmarshalTypeError names the struct and the field's JSON path
  ['a quoted number for KubeletConfiguration.maxPods (int32)', 'v1.35.4', `${CLUSTER}${KUBELET}maxPods: "110"\n`,
    /json: cannot unmarshal string into Go struct field KubeletConfiguration\.maxPods of type int32/],
  ['a string for KubeletConfiguration.failSwapOn (bool)', 'v1.34.6', `${CLUSTER}${KUBELET}failSwapOn: "false"\n`,
    /json: cannot unmarshal string into Go struct field KubeletConfiguration\.failSwapOn of type bool/],
  // metav1.Duration.UnmarshalJSON decodes into a string first, then time.ParseDuration
  ['a bare number for a kubelet duration', 'v1.35.4', `${CLUSTER}${KUBELET}nodeStatusUpdateFrequency: 10\n`,
    /json: cannot unmarshal number into Go value of type string/],
  ['a malformed kubelet duration', 'v1.36.2', `${CLUSTER}${KUBELET}nodeStatusUpdateFrequency: 10x\n`,
    /time: invalid duration "10x"/],
  ['a misspelt nested kubelet field', 'v1.35.4', `${CLUSTER}${KUBELET}authentication:\n  x509:\n    clientCAFil: /etc/kubernetes/pki/ca.crt\n`,
    /unknown field "authentication\.x509\.clientCAFil"/],
  // evictionHard map[string]string
  ['a number in KubeletConfiguration.evictionHard (map[string]string)', 'v1.35.4', `${CLUSTER}${KUBELET}evictionHard:\n  nodefs.inodesFree: 5\n`,
    /json: cannot unmarshal number into Go struct field KubeletConfiguration\.evictionHard of type string/],
  // registerWithTaints []core/v1.Taint: value string
  ['a number as a registerWithTaints value', 'v1.35.4', `${CLUSTER}${KUBELET}registerWithTaints:\n- key: a\n  value: 1\n  effect: NoSchedule\n`,
    /json: cannot unmarshal number into Go struct field Taint\.registerWithTaints\.value of type string/],
  // crashLoopBackOff is not in kubelet's v1beta1 types at v0.31.13 (it is at v0.34.6: accepted below)
  ['a kubelet field newer than the kubeadm (1.31)', 'v1.31.13', `${CLUSTER}${KUBELET}crashLoopBackOff:\n  maxContainerRestartPeriod: 1m\n`,
    /unknown field "crashLoopBackOff"/],
  // kube-proxy/config/v1alpha1/types.go
  ['a misspelt KubeProxyConfiguration field', 'v1.35.4', `${CLUSTER}${PROXY}mod: ipvs\n`,
    new RegExp(`${GVK('KubeProxyConfiguration', 'kubeproxy.config.k8s.io', 'v1alpha1')}: strict decoding error: unknown field "mod"`)],
  ['a quoted number for conntrack.maxPerCore (*int32)', 'v1.35.4', `${CLUSTER}${PROXY}conntrack:\n  maxPerCore: "32768"\n`,
    /json: cannot unmarshal string into Go struct field KubeProxyConntrackConfiguration\.conntrack\.maxPerCore of type int32/],
  ['a malformed kube-proxy duration', 'v1.37.1', `${CLUSTER}${PROXY}iptables:\n  syncPeriod: 30 seconds\n`,
    /time: invalid duration "30 seconds"/],
  // componentconfigs.Scheme knows kubeproxy.config.k8s.io/v1alpha1 and kubelet.config.k8s.io/v1beta1 only
  ['an unknown kube-proxy API version', 'v1.35.4', `${CLUSTER}---\napiVersion: kubeproxy.config.k8s.io/v1alpha2\nkind: KubeProxyConfiguration\n`,
    new RegExp(`unknown configuration APIs: \\[\\]schema\\.GroupVersionKind\\{${GVK('KubeProxyConfiguration', 'kubeproxy.config.k8s.io', 'v1alpha2')}\\}`)],
  ['an unknown kubelet API version', 'v1.35.4', `${CLUSTER}---\napiVersion: kubelet.config.k8s.io/v1\nkind: KubeletConfiguration\n`,
    /unknown configuration APIs: .*Group:"kubelet\.config\.k8s\.io", Version:"v1", Kind:"KubeletConfiguration"/],
  // v1beta4 Arg{Name, Value string}
  ['an extraArgs value a number (v1beta4)', 'v1.34.6', `${CLUSTER}scheduler:\n  extraArgs:\n  - name: v\n    value: 4\n`,
    /json: cannot unmarshal number into Go struct field Arg\.scheduler\.extraArgs\.value of type string/],
  // v1beta3 extraArgs map[string]string (the map's values carry the map field's path)
  ['an extraArgs value a number (v1beta3)', 'v1.30.14', `${B3}\nkind: ClusterConfiguration\napiServer:\n  extraArgs:\n    v: 4\n`,
    /json: cannot unmarshal number into Go struct field APIServer\.apiServer\.extraArgs of type string/],
  // an all-digit key is a YAML integer
  ['an unquoted all-digit certificateKey (init)', 'v1.35.4', `${INIT}certificateKey: ${'12'.repeat(32)}\n`,
    /json: cannot unmarshal number into Go struct field InitConfiguration\.certificateKey of type string/],
  ['an unquoted all-digit certificateKey (join)', 'v1.35.4', `${JOIN}controlPlane:\n  certificateKey: ${'3'.repeat(64)}\n`,
    /json: cannot unmarshal number into Go struct field JoinControlPlane\.controlPlane\.certificateKey of type string/],
  // util/marshal.go SplitYAMLDocuments: a Kind may appear once, whatever its version
  ['one kind in two API versions', 'v1.35.4', `${B3}\nkind: InitConfiguration\n---\n${INIT}`,
    /invalid configuration: kind "InitConfiguration" is specified twice in YAML file/],
  // bootstraptoken/v1 BootstrapTokenString.UnmarshalJSON: \A([a-z0-9]{6})\.([a-z0-9]{16})\z
  ['a bootstrap token in capitals', 'v1.35.4', `${INIT}bootstrapTokens:\n- token: ABCDEF.0123456789abcdef\n`,
    /the bootstrap token "ABCDEF\.0123456789abcdef" was not of the form "\\\\A\(\[a-z0-9\]\{6\}\)\\\\\.\(\[a-z0-9\]\{16\}\)\\\\z"/],
  ['a bootstrap token ttl as a number', 'v1.35.4', `${INIT}bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  ttl: 24\n`,
    /json: cannot unmarshal number into Go value of type string/],
  // BootstrapToken.expires *metav1.Time: RFC 3339
  ['a bootstrap token expiry that is not RFC 3339', 'v1.35.4', `${INIT}bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  expires: tomorrow\n`,
    /parsing time "tomorrow" as "2006-01-02T15:04:05Z07:00"/],
  ['a malformed certificateValidityPeriod', 'v1.35.4', `${CLUSTER}certificateValidityPeriod: 1y\n`,
    /time: invalid duration "1y"/],
  // v1beta4 ClusterConfiguration.proxy does not exist in v1beta3
  ['a v1beta4-only field in v1beta3', 'v1.35.4', `${B3}\nkind: ClusterConfiguration\nproxy:\n  disabled: true\n`,
    /Version:"v1beta3", Kind:"ClusterConfiguration"\}: strict decoding error: unknown field "proxy"/],
  // kubeadm 1.30 registers no v1beta4 (cmd/kubeadm/app/apis/kubeadm/v1beta4 is registered from 1.31)
  ['v1beta4 with kubeadm 1.30', 'v1.30.14', `${INIT}`,
    /unknown configuration APIs: .*Version:"v1beta4", Kind:"InitConfiguration"/],
];

for (const [what, version, yaml, want] of refused) {
  test(`config validate (${version}) refuses ${what}`, async () => {
    const r = await validate(version, yaml);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, want);
    assert.equal(r.stdout, '');
  });
}

// what roles/kubeadm_init and roles/kubeadm_join render (read from their templates: to_json scalars,
// v1beta4 extraArgs as {name, value} lists, the KubeletConfiguration merged with kubelet_config)
const rolesInit = (api: 'v1beta3' | 'v1beta4', version: string) => {
  const args = (m: Record<string, string>) =>
    api === 'v1beta4' ? JSON.stringify(Object.entries(m).map(([name, value]) => ({ name, value }))) : JSON.stringify(m);
  return [
    `apiVersion: kubeadm.k8s.io/${api}`, 'kind: InitConfiguration', 'localAPIEndpoint:', '  advertiseAddress: "10.0.0.11"',
    '  bindPort: 6443', 'nodeRegistration:', '  name: "cp1"', '  criSocket: "unix:///run/containerd/containerd.sock"',
    `  kubeletExtraArgs: ${args({ 'node-ip': '10.0.0.11', 'max-pods': '120' })}`, 'patches:', '  directory: /etc/kbs/patches',
    '---', `apiVersion: kubeadm.k8s.io/${api}`, 'kind: ClusterConfiguration', `kubernetesVersion: "${version}"`,
    'controlPlaneEndpoint: "10.0.0.10:6443"', 'networking:', '  podSubnet: "10.244.0.0/16"', '  serviceSubnet: "10.96.0.0/12"',
    '  dnsDomain: "cluster.local"', `apiServer:\n  extraArgs: ${args({ 'audit-log-maxage': '30' })}`,
    `controllerManager:\n  extraArgs: ${args({ 'node-monitor-grace-period': '8s' })}`, `scheduler:\n  extraArgs: ${args({})}`,
    '---', 'apiVersion: kubelet.config.k8s.io/v1beta1', 'cgroupDriver: systemd',
    'containerRuntimeEndpoint: unix:///run/containerd/containerd.sock', 'failSwapOn: false', 'kind: KubeletConfiguration',
    'maxPods: 150', 'nodeStatusUpdateFrequency: 1s', '',
  ].join('\n');
};

const accepted: [string, string, string][] = [
  ['what roles/kubeadm_init renders (v1beta3)', 'v1.30.14', rolesInit('v1beta3', 'v1.30.14')],
  ...(['v1.31.13', 'v1.34.6', 'v1.35.4', 'v1.36.2', 'v1.37.1'] as const).map(
    (v): [string, string, string] => ['what roles/kubeadm_init renders (v1beta4)', v, rolesInit('v1beta4', v)]),
  ['what roles/kubeadm_join renders for a control plane', 'v1.35.4',
    `${JOIN}nodeRegistration:\n  name: "cp2"\n  criSocket: "unix:///run/containerd/containerd.sock"\n  kubeletExtraArgs: [{"name": "node-ip", "value": "10.0.0.12"}]\ncontrolPlane:\n  localAPIEndpoint:\n    advertiseAddress: "10.0.0.12"\n    bindPort: 6443\n  certificateKey: "${'1'.repeat(64)}"\n`],
  // go-yaml v2 resolves YAML 1.1 booleans (sigs.k8s.io/yaml goyaml.v2/resolve.go)
  ['YAML 1.1 booleans in KubeletConfiguration', 'v1.35.4', `${CLUSTER}${KUBELET}failSwapOn: no\nserializeImagePulls: off\nrotateCertificates: yes\n`],
  ['crashLoopBackOff with kubeadm 1.34 (kubelet v0.34.6 types)', 'v1.34.6', `${CLUSTER}${KUBELET}crashLoopBackOff:\n  maxContainerRestartPeriod: 1m\n`],
  // resource.Quantity takes strings and bare numbers; logsapi.TimeOrMetaDuration a duration or nanoseconds
  ['quantities, reserved memory and logging', 'v1.35.4',
    `${CLUSTER}${KUBELET}kubeReserved:\n  cpu: 100m\nreservedMemory:\n- numaNode: 0\n  limits:\n    memory: 1Gi\n    hugepages-2Mi: 0\nlogging:\n  format: text\n  flushFrequency: 5000000000\n  verbosity: 2\n`],
  ['a full KubeProxyConfiguration', 'v1.36.2',
    `${CLUSTER}${PROXY}mode: ipvs\nipvs:\n  scheduler: rr\n  strictARP: true\nconntrack:\n  maxPerCore: 0\n  tcpEstablishedTimeout: 24h0m0s\nclientConnection:\n  qps: 5.5\n  burst: 10\niptables:\n  syncPeriod: 30s\nlogging:\n  flushFrequency: 5s\nfeatureGates:\n  SomeGate: true\n`],
  // ValidateConfig decodes the component configs only through documentMapToInitConfiguration
  ['a JoinConfiguration with a KubeletConfiguration it never decodes', 'v1.35.4', `${JOIN}${KUBELET}failSwapOnn: false\n`],
  ['a valid bootstrap token, ttl and RFC 3339 expiry, nulls', 'v1.35.4',
    `${INIT}bootstrapTokens:\n- token: "abcdef.0123456789abcdef"\n  ttl: 0s\n  expires: "2030-01-02T15:04:05Z"\n  usages: ~\nnodeRegistration:\n  taints: null\n`],
];

for (const [what, version, yaml] of accepted) {
  test(`config validate (${version}) accepts ${what}`, async () => {
    const r = await validate(version, yaml);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
  });
}

test('outside config validate an unknown field is a warning and a type error still fails (images list)', async () => {
  const warnOnly = await kubeadm('v1.35.4', ['config', 'images', 'list', '--config'], `${CLUSTER}foo: bar\n${KUBELET}failSwapOnn: false\n`);
  assert.equal(warnOnly.code, 0, warnOnly.stderr);
  assert.match(warnOnly.stderr, /^W\d{4} .*\] error unmarshaling configuration .*Kind:"ClusterConfiguration"\}: strict decoding error: unknown field "foo"$/m);
  assert.match(warnOnly.stderr, /Kind:"KubeletConfiguration"\}: strict decoding error: unknown field "failSwapOnn"/);
  assert.match(warnOnly.stdout, /registry\.k8s\.io\/kube-apiserver:v1\.35\.4/);
  const typed = await kubeadm('v1.35.4', ['config', 'images', 'list', '--config'], `${CLUSTER}${KUBELET}maxPods: "110"\n`);
  assert.equal(typed.code, 1);
  assert.match(typed.stderr, /^json: cannot unmarshal string into Go struct field KubeletConfiguration\.maxPods of type int32$/m);
  // a kubelet document of another version: componentconfigs/configset.go UnsupportedConfigVersionError
  const other = await kubeadm('v1.35.4', ['config', 'images', 'list', '--config'], `${CLUSTER}---\napiVersion: kubelet.config.k8s.io/v1beta2\nkind: KubeletConfiguration\n`);
  assert.equal(other.code, 1);
  assert.match(other.stderr, /unsupported apiVersion "kubelet\.config\.k8s\.io\/v1beta2", you may have to do manual conversion to "kubelet\.config\.k8s\.io\/v1beta1"/);
});

test('an UpgradeConfiguration is decoded by upgrade --config (warnings) and not by config validate on its own', async () => {
  // util/config/common.go ValidateConfig decodes Init/Cluster, Join and Reset configurations only
  const typo = `${B4}\nkind: UpgradeConfiguration\napply:\n  forceUpgrad: true\n`;
  const v = await validate('v1.35.4', typo);
  assert.equal(v.code, 0, v.stderr);
  // util/config/upgradeconfiguration.go: strict errors are warnings, type errors fail, other kinds are ignored
  const plan = await kubeadm('v1.35.4', ['upgrade', 'plan', '--kubeconfig', path.join(dir, 'none.conf'), '--config'], `${typo}---\n${INIT}`);
  assert.match(plan.stderr, /Kind:"UpgradeConfiguration"\}: strict decoding error: unknown field "apply\.forceUpgrad"/);
  assert.match(plan.stderr, /\[config\] WARNING: Ignored configuration document with GroupVersionKind kubeadm\.k8s\.io\/v1beta4, Kind=InitConfiguration/);
  const typed = await kubeadm('v1.35.4', ['upgrade', 'plan', '--config'], `${B4}\nkind: UpgradeConfiguration\nplan:\n  printConfig: "yes"\n`);
  assert.equal(typed.code, 1);
  assert.match(typed.stderr, /json: cannot unmarshal string into Go struct field UpgradePlanConfiguration\.plan\.printConfig of type bool/);
});

test('kubeadm init: an unknown KubeletConfiguration field is a warning and dropped; a mistyped one stops init first', async () => {
  const n = new SimNode('strictinit');
  nodes.push(n);
  await n.start();
  const typed = writeConfig(n, 'typed.yaml', initConfig({ node: 'strictinit', port: n.port }) + 'maxPods: "110"\n');
  const bad = await n.run('kubeadm', ['init', '--config', typed]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /json: cannot unmarshal string into Go struct field KubeletConfiguration\.maxPods of type int32/);
  assert.ok(!n.exists('etc/kubernetes/manifests/kube-apiserver.yaml'), 'nothing written before decoding');
  const unknown = writeConfig(n, 'unknown.yaml', initConfig({ node: 'strictinit', port: n.port }) + 'maxPodz: 7\n');
  const ok = await n.run('kubeadm', ['init', '--config', unknown]);
  assert.equal(ok.code, 0, ok.stderr);
  assert.match(ok.stderr, /Kind:"KubeletConfiguration"\}: strict decoding error: unknown field "maxPodz"/);
  const written = n.read('var/lib/kubelet/config.yaml');
  assert.match(written, /nodeStatusUpdateFrequency: 1s/);
  assert.doesNotMatch(written, /maxPodz/);
});

test('kubeadm init: a malformed bootstrap token in the file fails decoding (exit 1), before validation', async () => {
  // bootstraptoken/v1 BootstrapTokenString.UnmarshalJSON; validation's "the bootstrap token is invalid" is never reached
  const r = await kubeadm('v1.35.4', ['config', 'images', 'list', '--config'], `${INIT}bootstrapTokens:\n- token: not-a-token\n`);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^the bootstrap token "not-a-token" was not of the form /m);
});
