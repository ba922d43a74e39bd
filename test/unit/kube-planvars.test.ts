/** kbs_plan as the playbook reads it: endpoint default, resolved paths, per-node decisions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Plan } from '../../src/kube/contract.js';
import { toPlanVars } from '../../src/kube/planvars.js';
import type { ClusterSpec, NodeSpec } from '../../src/kube/spec.js';

const node = (name: string, role: NodeSpec['role'], extra: Partial<NodeSpec> = {}): NodeSpec => ({
  name, role, kubeletVersion: 'v1.37.1', address: name, kubeletExtraArgs: {}, sources: { kubeletVersion: 'default' }, ...extra,
});
const spec = (over: Partial<ClusterSpec> = {}): ClusterSpec =>
  ({
    kubernetesVersion: 'v1.37.1', podSubnets: ['10.244.0.0/16'], serviceSubnets: ['10.96.0.0/12'], dnsDomain: 'cluster.local', cgroupDriver: 'systemd',
    downloadBase: 'https://dl.k8s.io', installMethod: 'binary', apiserverExtraArgs: {}, controllerManagerExtraArgs: {}, schedulerExtraArgs: {}, kubeletConfig: {},
    controlPlanes: ['cp1'], workers: ['w1'], loadbalancers: [], nodes: { cp1: node('cp1', 'control_plane'), w1: node('w1', 'worker', { kubeadmPatches: '/inv/patches/w1' }) },
    sources: {}, ...over,
  }) as ClusterSpec;
const plan: Plan = {
  cluster: 'k-1', kubernetesVersion: 'v1.37.1', kubeadmVersion: 'v1.37.1', kubeadmSource: 'x', initHost: 'cp1', newCluster: true, notes: [],
  nodes: {
    cp1: { role: 'control_plane', action: 'init', reset: false, ready: false, kubeadmVersion: 'v1.37.1', kubeletVersion: 'v1.37.1', kubectlVersion: 'v1.37.1', reason: 'r' },
    w1: { role: 'worker', action: 'join', reset: true, ready: false, kubeadmVersion: 'v1.37.1', kubeletVersion: 'v1.36.2', kubectlVersion: 'v1.37.1', reason: 'r' },
  },
};
const ips = { cp1: { ip: '10.0.0.1', ips: ['10.0.0.1'], reason: '' }, w1: { ip: '10.0.0.2', ips: ['10.0.0.2', 'fd00::2'], reason: '' } };

test('plan vars: the endpoint defaults to the init host node IP; resolved patches and CNI paths; per-node decisions', () => {
  const v = toPlanVars(plan, spec({ cniManifest: '/inv/cni.yaml' }), ips).kbs_plan;
  assert.equal(v.endpoint, '10.0.0.1:6443');
  assert.equal(v.cni_manifest, '/inv/cni.yaml');
  assert.deepEqual(v.nodes.w1, { role: 'worker', action: 'join', reset: true, ready: false, kubeadm_version: 'v1.37.1', kubelet_version: 'v1.36.2', kubectl_version: 'v1.37.1', node_ip: '10.0.0.2', kubelet_node_ip: '10.0.0.2,fd00::2', kubelet_extra_args: {}, reason: 'r', kubeadm_patches: '/inv/patches/w1' });
  assert.equal(v.nodes.cp1.kubeadm_patches, undefined);
});

test('plan vars: control_plane_endpoint wins; an IPv6 endpoint host is bracketed', () => {
  assert.equal(toPlanVars(plan, spec({ controlPlaneEndpoint: { host: 'lb.example', port: 8443 } }), ips).kbs_plan.endpoint, 'lb.example:8443');
  assert.equal(toPlanVars(plan, spec({ controlPlaneEndpoint: { host: 'fd00::1', port: 6443 } }), ips).kbs_plan.endpoint, '[fd00::1]:6443');
  assert.equal(toPlanVars(plan, spec(), ips).kbs_plan.cni_manifest, undefined);
});

test('plan vars: the extra flags of the components and of each kubelet, as the strings kubeadm requires', () => {
  const s = spec({ apiserverExtraArgs: { 'audit-log-maxage': '30', 'anonymous-auth': 'false' }, schedulerExtraArgs: { v: '2' } });
  s.nodes.w1 = { ...s.nodes.w1, kubeletExtraArgs: { 'max-pods': '120' } };
  const v = toPlanVars(plan, s, ips).kbs_plan;
  assert.deepEqual(v.apiserver_extra_args, { 'audit-log-maxage': '30', 'anonymous-auth': 'false' });
  assert.deepEqual(v.controller_manager_extra_args, {});
  assert.deepEqual(v.scheduler_extra_args, { v: '2' });
  assert.deepEqual(v.nodes.w1.kubelet_extra_args, { 'max-pods': '120' });
  assert.deepEqual(v.nodes.cp1.kubelet_extra_args, {});
});
