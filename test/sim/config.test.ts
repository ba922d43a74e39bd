/**
 * `kubeadm config validate` decodes every document strictly against kubeadm's types
 * (cmd/kubeadm/app/apis/kubeadm/v1beta4/types.go; app/util/config/common.go validateKnownGVKs;
 * util/marshal.go SplitYAMLDocuments) after YAML→JSON as sigs.k8s.io/yaml does it: an unquoted 4 or
 * yes is a number or a bool, never a string; YAML 1.1 yes/on are booleans.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { binPath, run } from './helpers.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'kbs-sim-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const B4 = 'apiVersion: kubeadm.k8s.io/v1beta4';
const INIT = `${B4}\nkind: InitConfiguration\n`;
const CLUSTER = `${B4}\nkind: ClusterConfiguration\n`;

async function validate(name: string, yaml: string, args = ['config', 'validate', '--config']) {
  const f = path.join(dir, `${name}.yaml`);
  writeFileSync(f, yaml);
  return run(binPath('v1.35.4', 'kubeadm'), [...args, f], { PATH: process.env.PATH, HOME: dir });
}

const refused: [string, string, RegExp][] = [
  ['extraArgs value a number', `${CLUSTER}apiServer:\n  extraArgs:\n  - name: v\n    value: 4\n`, /cannot unmarshal number into Go struct field Arg\.apiServer\.extraArgs\.value of type string/],
  ['an all-digit certificateKey', `${INIT}certificateKey: ${'1'.repeat(64)}\n`, /cannot unmarshal number into Go struct field InitConfiguration\.certificateKey of type string/],
  ['a boolean node name', `${INIT}nodeRegistration:\n  name: yes\n`, /cannot unmarshal bool into Go struct field NodeRegistrationOptions\.nodeRegistration\.name of type string/],
  ['an unknown apiVersion', `${INIT}---\napiVersion: foo.io/v1\nkind: Bar\n`, /unknown configuration APIs: \[\]schema\.GroupVersionKind\{schema\.GroupVersionKind\{Group:"foo\.io", Version:"v1", Kind:"Bar"\}\}/],
  ['a foreign kind in kubeadm\'s group', `${B4}\nkind: NodeConfiguration\n`, /unknown configuration APIs: \[\]schema\.GroupVersionKind\{schema\.GroupVersionKind\{Group:"kubeadm\.k8s\.io", Version:"v1beta4", Kind:"NodeConfiguration"\}\}/],
  ['a kind given twice', `${INIT}---\n${INIT}`, /invalid configuration: kind "InitConfiguration" is specified twice in YAML file/],
  ['a bad token ttl', `${INIT}bootstrapTokens:\n- token: abcdef.0123456789abcdef\n  ttl: 5x\n`, /time: invalid duration "5x"/],
  ['a bad timeout', `${INIT}timeouts:\n  kubeletHealthCheck: soon\n`, /time: invalid duration "soon"/],
  ['a featureGates value not a bool', `${CLUSTER}featureGates:\n  Foo: "enabled"\n`, /cannot unmarshal string into Go struct field ClusterConfiguration\.featureGates of type bool/],
  ['an extraEnvs value a number', `${CLUSTER}apiServer:\n  extraEnvs:\n  - name: X\n    value: 1\n`, /cannot unmarshal number into Go struct field EnvVar\.apiServer\.extraEnvs\.value of type string/],
  ['an UpgradeConfiguration typo beside a ClusterConfiguration', `${CLUSTER}---\n${B4}\nkind: UpgradeConfiguration\napply:\n  forceUpgrad: true\n`, /strict decoding error: unknown field "apply\.forceUpgrad"/],
  ['an UpgradeConfiguration string bool beside a ClusterConfiguration', `${CLUSTER}---\n${B4}\nkind: UpgradeConfiguration\nplan:\n  printConfig: "true"\n`, /cannot unmarshal string into Go struct field UpgradePlanConfiguration\.plan\.printConfig of type bool/],
  ['an UpgradeConfiguration diff contextLines string beside a ClusterConfiguration', `${CLUSTER}---\n${B4}\nkind: UpgradeConfiguration\ndiff:\n  contextLines: "3"\n`, /of type int/],
];
for (const [what, yaml, want] of refused) {
  test(`config validate refuses ${what}`, async () => {
    const r = await validate(what.replace(/\W+/g, '-'), yaml);
    assert.notEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, want);
  });
}

const accepted: [string, string][] = [
  ['ResetConfiguration timeouts (v1beta4 has them)', `${B4}\nkind: ResetConfiguration\ntimeouts:\n  kubeletHealthCheck: 4m0s\n`],
  ['YAML 1.1 booleans', `${CLUSTER}featureGates:\n  Foo: yes\n  Bar: off\n---\n${INIT}dryRun: on\n`],
  ['a full UpgradeConfiguration', `${B4}\nkind: UpgradeConfiguration\napply:\n  kubernetesVersion: v1.35.4\n  forceUpgrade: true\n  ignorePreflightErrors: [all]\n  patches: {directory: /etc/kubeadm/patches}\nnode:\n  etcdUpgrade: false\nplan:\n  allowRCUpgrades: false\ndiff:\n  contextLines: 3\ntimeouts:\n  upgradeManifests: 5m\n`],
  ['quoted numbers in string fields', `${CLUSTER}apiServer:\n  extraArgs:\n  - name: v\n    value: "4"\n  extraEnvs:\n  - name: X\n    value: "1"\n`],
];
for (const [what, yaml] of accepted) {
  test(`config validate accepts ${what}`, async () => {
    const r = await validate(what.replace(/\W+/g, '-'), yaml);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'ok\n');
  });
}

test('a document of an unknown API is only a warning for the other commands', async () => {
  const r = await validate('images', `${CLUSTER}---\napiVersion: foo.io/v1\nkind: Bar\n`, ['config', 'images', 'list', '--config']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /\[config\] WARNING: Ignored configuration document with GroupVersionKind foo\.io\/v1, Kind=Bar/);
});
