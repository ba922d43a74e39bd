/**
 * `-e` variables win over the inventory in kbs validate, plan and apply, as in Ansible: the spec
 * (and so the plan) is built from them, and a bad `-e` value is refused like a bad inventory value,
 * named as an extra variable. No host is contacted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';
import { checkCluster } from '../../src/kube/validate.js';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/local.js';

const INV = `all:
  vars:
    kubernetes_version: v1.36.2
    pod_subnet: 10.244.0.0/16
  children:
    control_plane:
      hosts:
        cp1: {ansible_host: 192.0.2.11}
    workers:
      hosts:
        w1: {ansible_host: 192.0.2.21, kubelet_version: v1.36.2}
`;

function inventory(): string {
  const dir = tempDir('kbs-extra-');
  writeFileSync(join(dir, 'inventory.yml'), INV);
  return join(dir, 'inventory.yml');
}

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false, env: process.env });
  return { code, stdout, stderr };
}

test('an extra variable overrides the inventory value and is named as the source', () => {
  const inv = loadInventory(inventory());
  const plain = checkCluster(inv);
  assert.equal(plain.spec?.kubernetesVersion, 'v1.36.2');
  const v = checkCluster(inv, { extraVars: { kubernetes_version: 'v1.37.1', kubelet_version: 'v1.37.1', pod_subnet: '10.32.0.0/12' } });
  assert.deepEqual(v.errors, []);
  assert.equal(v.spec?.kubernetesVersion, 'v1.37.1');
  // -e wins over a host variable too (Ansible: extra vars have the highest precedence)
  assert.equal(v.spec?.nodes.w1.kubeletVersion, 'v1.37.1');
  assert.equal(v.spec?.sources.kubernetes_version, 'an extra variable (-e)');
  assert.match(JSON.stringify(v.spec), /10\.32\.0\.0\/12/);
});

test('templates in the inventory see the extra variables', () => {
  const inv = loadInventory(inventory());
  const v = checkCluster(inv, { extraVars: { minor: '37', kubernetes_version: 'v1.{{ minor }}.1', kubelet_version: '{{ kubernetes_version }}' } });
  assert.deepEqual(v.errors, []);
  assert.equal(v.spec?.kubernetesVersion, 'v1.37.1');
  assert.equal(v.spec?.nodes.w1.kubeletVersion, 'v1.37.1');
});

test('a bad extra variable is refused before any host is contacted: exit 4, named as -e', async () => {
  const file = inventory();
  const r = await cli(['validate', file, '-e', 'kubernetes_version=v1.3x']);
  assert.equal(r.code, 4, r.stderr);
  assert.match(r.stderr, /kubernetes_version/);
  assert.match(r.stderr, /^-e \(extra variables\): error: kubernetes_version "v1\.3x"/);
  // the skew checks see the overridden values: a kubelet newer than the control plane
  const ok = await cli(['validate', file, '-e', 'kubernetes_version=v1.37.1']);
  assert.equal(ok.code, 0, ok.stderr);
  const skew = await cli(['validate', file, '-e', '{"kubelet_version": "v1.37.1"}']);
  assert.equal(skew.code, 4, skew.stdout);
  assert.match(skew.stderr, /newer than the control plane|newer/);
});
