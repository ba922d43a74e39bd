/** What the gather task prints, read back: the node's marks and record, and the cluster's own view. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClusterView, parseObservation } from '../../src/kube/observe.js';

const node = (name: string, ready: string, kubelet = 'v1.37.1') => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name },
  status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready }], nodeInfo: { kubeletVersion: kubelet } },
});
const cm = (name: string, data: Record<string, string>) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'kube-system' }, data });
const list = (...items: unknown[]) => JSON.stringify({ apiVersion: 'v1', kind: 'List', items }, null, 4);
const CONFIG = 'apiVersion: kubeadm.k8s.io/v1beta4\nkind: ClusterConfiguration\nkubernetesVersion: v1.37.1\ncontrolPlaneEndpoint: lb.example:6443\n';

test('the cluster view: Nodes (Ready or not, kubelet version) and the ClusterConfiguration from one List', () => {
  const v = parseClusterView(list(node('cp1', 'True'), node('w1', 'False', 'v1.36.2'), cm('coredns', { Corefile: '.:53 {}' }), cm('kubeadm-config', { ClusterConfiguration: CONFIG })));
  assert.deepEqual(v, {
    nodes: { cp1: { ready: true, kubeletVersion: 'v1.37.1' }, w1: { ready: false, kubeletVersion: 'v1.36.2' } },
    kubernetesVersion: 'v1.37.1',
    controlPlaneEndpoint: 'lb.example:6443',
  });
});

test('the cluster view: kubectl failed, or kubeadm-config is missing or unreadable', () => {
  assert.deepEqual(parseClusterView('The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?\n'), {
    nodes: {},
    error: 'kubectl: The connection to the server 10.0.0.1:6443 was refused - did you specify the right host or port?',
  });
  const none = parseClusterView(list(node('cp1', 'True')));
  assert.deepEqual(none.nodes, { cp1: { ready: true, kubeletVersion: 'v1.37.1' } });
  assert.match(none.error ?? '', /^kubeadm-config: no ConfigMap/);
  assert.match(parseClusterView(list(cm('kubeadm-config', { ClusterConfiguration: 'kind: [' }))).error ?? '', /^kubeadm-config: kind: \[/);
});

test('the gather output: key lines, then the cluster section of a control plane', () => {
  const out = [
    'record_b64=',
    'kubeadm_versions=v1.36.2 v1.37.1 ',
    'file:/etc/kubernetes/kubelet.conf=yes',
    'file:/etc/kubernetes/admin.conf=yes',
    'kubeadm_version=v1.37.1',
    '---cluster---',
    list(node('cp1', 'True'), cm('kubeadm-config', { ClusterConfiguration: CONFIG })),
    '',
    '---end---',
    '',
  ].join('\n');
  const o = parseObservation(out);
  assert.deepEqual(o.kubeadmInstalled, ['v1.36.2', 'v1.37.1']);
  assert.equal(o.kubeadmVersion, 'v1.37.1');
  assert.equal(o.marks.kubeletConf, true);
  assert.equal(o.marks.caCrt, false);
  assert.deepEqual(o.cluster?.nodes, { cp1: { ready: true, kubeletVersion: 'v1.37.1' } });
  assert.equal(o.cluster?.kubernetesVersion, 'v1.37.1');
  assert.equal(parseObservation('kubeadm_versions=\n').cluster, undefined, 'a worker has no cluster section');
});
