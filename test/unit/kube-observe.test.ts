/** What the gather task prints, read back: the node's marks and record, and the cluster's own view. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseApiView, parseClusterView, parseObservation, type ApiRead } from '../../src/kube/observe.js';

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

// the apiserver's own lists: the items of a NodeList carry no kind
const nodeList = (...names: [string, string][]) =>
  JSON.stringify({ kind: 'NodeList', apiVersion: 'v1', metadata: {}, items: names.map(([n, r]) => { const { kind: _k, apiVersion: _a, ...rest } = node(n, r); return rest; }) });
const status = (code: number, message: string) => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, code });
const apiRead = (over: Partial<ApiRead>): ApiRead => ({
  rc: 0,
  nodesHttp: '200',
  configHttp: '200',
  nodes: nodeList(['cp1', 'True'], ['w1', 'False']),
  config: JSON.stringify(cm('kubeadm-config', { ClusterConfiguration: CONFIG })),
  error: '',
  ...over,
});

test('the cluster view read from the apiserver directly: a NodeList and the kubeadm-config ConfigMap', () => {
  assert.deepEqual(parseApiView(apiRead({})), {
    nodes: { cp1: { ready: true, kubeletVersion: 'v1.37.1' }, w1: { ready: false, kubeletVersion: 'v1.37.1' } },
    kubernetesVersion: 'v1.37.1',
    controlPlaneEndpoint: 'lb.example:6443',
  });
});

test('the cluster view from the apiserver: no answer, refused credentials, no or bad kubeadm-config', () => {
  const down = parseApiView(apiRead({ rc: 7, nodesHttp: '000', configHttp: '000', nodes: '', config: '', error: "curl: (7) Failed to connect to 10.0.0.1 port 6443 after 0 ms: Couldn't connect to server\n" }));
  assert.deepEqual(down, { nodes: {}, error: "apiserver: curl: (7) Failed to connect to 10.0.0.1 port 6443 after 0 ms: Couldn't connect to server" });
  assert.deepEqual(parseApiView(apiRead({ rc: 28, nodesHttp: '000', configHttp: '000', nodes: '', config: '' })).error, 'apiserver: no answer (curl exit status 28)');
  assert.deepEqual(parseApiView(apiRead({ nodesHttp: '401', nodes: status(401, 'Unauthorized') })), { nodes: {}, error: 'apiserver: GET /api/v1/nodes: HTTP 401 Unauthorized' });
  assert.match(parseApiView(apiRead({ nodes: '<html>proxy error</html>' })).error ?? '', /^apiserver: GET \/api\/v1\/nodes: not a NodeList: <html>/);
  const noCfg = parseApiView(apiRead({ configHttp: '404', config: status(404, 'configmaps "kubeadm-config" not found') }));
  assert.deepEqual(noCfg.nodes.cp1, { ready: true, kubeletVersion: 'v1.37.1' });
  assert.match(noCfg.error ?? '', /^kubeadm-config: no ConfigMap/);
  assert.equal(parseApiView(apiRead({ configHttp: '403', config: status(403, 'configmaps "kubeadm-config" is forbidden') })).error, 'kubeadm-config: HTTP 403 configmaps "kubeadm-config" is forbidden');
  assert.match(parseApiView(apiRead({ config: JSON.stringify(cm('kubeadm-config', { ClusterConfiguration: 'kind: [' })) })).error ?? '', /^kubeadm-config: kind: \[/);
});

test('the gather output with the apiserver read directly: status lines, then its sections', () => {
  const r = apiRead({});
  const out = [
    'record_b64=',
    'kubeadm_versions=v1.37.1 ',
    'file:/etc/kubernetes/admin.conf=yes',
    'api_rc=0',
    'api_http=200 200 ',
    '---api-error---',
    '',
    '---nodes---',
    r.nodes,
    '---kubeadm-config---',
    r.config,
    '---end---',
    '',
  ].join('\n');
  const o = parseObservation(out);
  assert.equal(o.marks.adminConf, true);
  assert.deepEqual(o.cluster, parseApiView(r));
  const refused = parseObservation(['api_rc=7', 'api_http=000 000 ', '---api-error---', 'curl: (7) Failed to connect', '', '---nodes---', '', '---kubeadm-config---', '', '---end---', ''].join('\n'));
  assert.deepEqual(refused.cluster, { nodes: {}, error: 'apiserver: curl: (7) Failed to connect' });
});
