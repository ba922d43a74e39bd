/** The version contract as a table: inventory wishes + what the nodes hold → per-node decision or refusal. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decide, type ContractInput, type ContractNode, type NodePlan } from '../../src/kube/contract.js';
import type { NodeObservation } from '../../src/kube/observe.js';
import type { RecordFile } from '../../src/kube/record.js';

const fresh = (): NodeObservation => ({
  kubeadmInstalled: [],
  marks: { kubeletConf: false, bootstrapKubeletConf: false, caCrt: false, adminConf: false, apiserverManifest: false, kubeletConfig: false },
});
const rec = (version: string, action: RecordFile['action'] = 'join'): RecordFile => ({ version, action, at: '2026-12-01T10:00:00Z', cluster: 'k-1', history: [] });
/** a control plane that init or join completed on */
const cpDone = (version: string, action: RecordFile['action'], k8s = version, nodes = ['cp1', 'cp2', 'w1', 'w2']): NodeObservation => ({
  ...fresh(),
  record: rec(version, action),
  kubeadmVersion: version,
  kubeadmInstalled: [version],
  marks: { kubeletConf: true, bootstrapKubeletConf: false, caCrt: true, adminConf: true, apiserverManifest: true, kubeletConfig: true },
  cluster: { kubernetesVersion: k8s, nodes: Object.fromEntries(nodes.map((n) => [n, { ready: true }])) },
});
const workerDone = (version: string): NodeObservation => ({
  ...fresh(),
  record: rec(version),
  kubeadmVersion: version,
  marks: { ...fresh().marks, kubeletConf: true, caCrt: true, kubeletConfig: true },
});
const halfJoined = (): NodeObservation => ({ ...fresh(), marks: { ...fresh().marks, caCrt: true, kubeletConfig: true } });

function input(over: Partial<ContractInput> & { obs?: Record<string, NodeObservation | undefined>; kubelet?: Record<string, string> } = {}): ContractInput {
  const want = over.kubernetesVersion ?? 'v1.37.1';
  const names: [string, ContractNode['role']][] = [['cp1', 'control_plane'], ['w1', 'worker'], ['w2', 'worker']];
  const nodes: ContractNode[] = names.map(([name, role]) => ({
    name,
    role,
    kubeletVersion: over.kubelet?.[name],
    kubeletSource: over.kubelet?.[name] ? `host_vars/${name}.yml:1` : 'kubernetes_version (default)',
    obs: over.obs && name in over.obs ? over.obs[name] : fresh(),
  }));
  return { kubernetesVersion: want, kubernetesSource: 'inventory.yml:3', nodes, workstation: over.workstation ?? {}, newClusterId: 'k-new', ...(over.nodes ? { nodes: over.nodes } : {}) };
}

type Row = {
  name: string;
  in: ContractInput;
  /** host → [action, kubeadm, reset?] */
  want?: Record<string, [string, string, boolean?]>;
  refuse?: RegExp;
  note?: RegExp;
  check?: (plan: NonNullable<Extract<ReturnType<typeof decide>, { plan: unknown }>['plan']>) => void;
};

const rows: Row[] = [
  {
    name: 'new cluster: the first control plane inits with kubernetes_version, the rest join with it',
    in: input(),
    want: { cp1: ['init', 'v1.37.1'], w1: ['join', 'v1.37.1'], w2: ['join', 'v1.37.1'] },
    check: (p) => {
      assert.equal(p.cluster, 'k-new');
      assert.equal(p.newCluster, true);
      assert.match(p.nodes.cp1.reason, /new cluster.*inventory\.yml:3/);
    },
  },
  {
    name: 'existing cluster: a new worker joins with the cluster kubeadm from cp1 record, not the inventory version',
    in: input({ kubernetesVersion: 'v1.37.1', obs: { cp1: cpDone('v1.36.2', 'init', 'v1.36.2', ['cp1']), w1: { ...fresh(), kubeadmInstalled: ['v1.35.4'], kubeadmVersion: 'v1.35.4' } }, kubelet: { w1: 'v1.35.4', w2: 'v1.36.2' } }),
    want: { cp1: ['none', 'v1.36.2'], w1: ['join', 'v1.36.2'], w2: ['join', 'v1.36.2'] },
    note: /does not upgrade/,
    check: (p) => {
      assert.equal(p.cluster, 'k-1');
      assert.match(p.nodes.w1.reason, /record on cp1 \(init at 2026-12-01T10:00:00Z\)/);
      assert.equal(p.nodes.w1.kubeletVersion, 'v1.35.4');
      assert.equal(p.nodes.w1.kubectlVersion, 'v1.36.2');
    },
  },
  {
    name: 'second run on a built cluster: nothing to do',
    in: input({ obs: { cp1: cpDone('v1.37.1', 'init', 'v1.37.1', ['cp1', 'w1', 'w2']), w1: workerDone('v1.37.1'), w2: workerDone('v1.37.1') } }),
    want: { cp1: ['none', 'v1.37.1'], w1: ['none', 'v1.37.1'], w2: ['none', 'v1.37.1'] },
    check: (p) => assert.deepEqual(Object.values(p.nodes).map((n) => n.ready), [true, true, true]),
  },
  {
    name: 'readiness as the cluster reported it: a NotReady node, a joining node, and an API that answered in part are not ready',
    in: input({
      obs: {
        cp1: { ...cpDone('v1.37.1', 'init', 'v1.37.1', ['cp1', 'w1']), cluster: { kubernetesVersion: 'v1.37.1', nodes: { cp1: { ready: true }, w1: { ready: false } } } },
        w1: workerDone('v1.37.1'),
      },
    }),
    want: { cp1: ['none', 'v1.37.1'], w1: ['none', 'v1.37.1'], w2: ['join', 'v1.37.1'] },
    check: (p) => assert.deepEqual([p.nodes.cp1.ready, p.nodes.w1.ready, p.nodes.w2.ready], [true, false, false]),
  },
  {
    name: 'the cluster API answered in part: no node counts as ready',
    in: input({
      obs: {
        cp1: { ...cpDone('v1.37.1', 'init', 'v1.37.1', ['cp1', 'w1', 'w2']), cluster: { kubernetesVersion: 'v1.37.1', nodes: { cp1: { ready: true } }, error: 'nodes: connection refused' } },
        w1: workerDone('v1.37.1'),
        w2: workerDone('v1.37.1'),
      },
    }),
    check: (p) => assert.deepEqual(Object.values(p.nodes).map((n) => n.ready), [false, false, false]),
  },
  {
    name: 'a half-joined worker (ca.crt and config.yaml, no kubelet.conf) is reset and joined again',
    in: input({ obs: { cp1: cpDone('v1.37.1', 'init', 'v1.37.1', ['cp1', 'w1']), w1: workerDone('v1.37.1'), w2: halfJoined() } }),
    want: { cp1: ['none', 'v1.37.1'], w1: ['none', 'v1.37.1'], w2: ['join', 'v1.37.1', true] },
  },
  {
    name: 'a worker with kubelet.conf but no Node object in the cluster is not joined: reset and join',
    in: input({ obs: { cp1: cpDone('v1.37.1', 'init', 'v1.37.1', ['cp1', 'w1']), w1: workerDone('v1.37.1'), w2: workerDone('v1.37.1') } }),
    want: { w2: ['join', 'v1.37.1', true] },
  },
  {
    name: 'init killed before its record was written: no second init, the record is inferred from the installed kubeadm',
    in: input({ obs: { cp1: { ...cpDone('v1.37.1', 'init', 'v1.37.1', ['cp1']), record: undefined } } }),
    want: { cp1: ['none', 'v1.37.1'], w1: ['join', 'v1.37.1'] },
    check: (p) => {
      assert.equal(p.nodes.cp1.inferred?.inferred, true);
      assert.equal(p.nodes.cp1.inferred?.version, 'v1.37.1');
      assert.match(p.nodes.w1.reason, /inferred on cp1/);
    },
  },
  {
    name: 'a half-done init (files, no apiserver manifest) is reset and init runs again',
    in: input({ obs: { cp1: { ...fresh(), marks: { ...fresh().marks, caCrt: true, kubeletConfig: true } } } }),
    want: { cp1: ['init', 'v1.37.1', true] },
  },
  {
    name: 'refused: kubelet newer than the control plane',
    in: input({ kubelet: { w1: 'v1.38.0' } }),
    refuse: /w1: kubelet v1\.38\.0 is newer than the control plane v1\.37\.1 \(kubelet_version from host_vars\/w1\.yml:1\)/,
  },
  {
    name: 'refused: kubelet four minors older',
    in: input({ kubelet: { w2: 'v1.33.0' } }),
    refuse: /w2: kubelet v1\.33\.0 is 4 minors older/,
  },
  {
    name: 'kubelet_version unset: the kubelet follows the control plane, not a newer kubernetes_version',
    in: input({ kubernetesVersion: 'v1.37.1', obs: { cp1: cpDone('v1.36.2', 'init', 'v1.36.2', ['cp1']) } }),
    check: (p) => assert.equal(p.nodes.w1.kubeletVersion, 'v1.36.2'),
  },
  {
    name: 'allowed: kubelet three minors older',
    in: input({ kubelet: { w2: 'v1.34.6' } }),
    want: { w2: ['join', 'v1.37.1'] },
  },
  {
    name: 'refused: downgrade below the cluster version',
    in: input({ kubernetesVersion: 'v1.36.2', obs: { cp1: cpDone('v1.37.1', 'init') } }),
    refuse: /older than the cluster's v1\.37\.1.*does not downgrade/,
  },
  {
    name: 'refused: skipping a minor',
    in: input({ kubernetesVersion: 'v1.37.1', obs: { cp1: cpDone('v1.35.4', 'init') } }),
    refuse: /2 minors newer than the cluster's v1\.35\.4/,
  },
  {
    name: 'refused: a join while the control planes disagree (upgrade in progress)',
    in: {
      ...input(),
      nodes: [
        { name: 'cp1', role: 'control_plane', kubeletVersion: 'v1.37.1', kubeletSource: 'd', obs: cpDone('v1.37.1', 'upgrade', 'v1.37.1') },
        { name: 'cp2', role: 'control_plane', kubeletVersion: 'v1.37.1', kubeletSource: 'd', obs: cpDone('v1.36.2', 'join', 'v1.37.1') },
        { name: 'w1', role: 'worker', kubeletVersion: 'v1.37.1', kubeletSource: 'd', obs: fresh() },
      ],
    },
    refuse: /control planes disagree.*cp1: v1\.37\.1 \(upgrade\), cp2: v1\.36\.2 \(join\).*upgrade is in progress/,
  },
  {
    name: 'control planes disagree but nobody joins: a note, no refusal',
    in: {
      ...input(),
      nodes: [
        { name: 'cp1', role: 'control_plane', kubeletVersion: 'v1.37.1', kubeletSource: 'd', obs: cpDone('v1.37.1', 'upgrade', 'v1.37.1', ['cp1', 'cp2']) },
        { name: 'cp2', role: 'control_plane', kubeletVersion: 'v1.37.1', kubeletSource: 'd', obs: cpDone('v1.36.2', 'join', 'v1.37.1', ['cp1', 'cp2']) },
      ],
    },
    want: { cp1: ['none', 'v1.37.1'], cp2: ['none', 'v1.36.2'] },
    note: /upgrade is in progress/,
  },
  {
    name: 'node record lost on the control plane and no kubeadm on PATH: the cluster configuration gives the version',
    in: input({ obs: { cp1: { ...cpDone('v1.36.2', 'init', 'v1.36.2', ['cp1']), record: undefined, kubeadmVersion: undefined } }, kubernetesVersion: 'v1.36.2' }),
    want: { w1: ['join', 'v1.36.2'] },
  },
  {
    name: 'workstation state and node record disagree: the node wins, a note says so',
    in: input({ obs: { cp1: cpDone('v1.37.1', 'init', 'v1.37.1', ['cp1']) }, workstation: { cp1: rec('v1.36.2', 'init') } }),
    want: { w1: ['join', 'v1.37.1'] },
    note: /workstation state says init with v1\.36\.2.*node's record wins/,
  },
  {
    name: 'the first control plane unreachable: the workstation state keeps the cluster from a second init',
    in: input({ obs: { cp1: undefined }, workstation: { cp1: rec('v1.37.1', 'init') } }),
    want: { cp1: ['join', 'v1.37.1'], w1: ['join', 'v1.37.1'] },
    check: (p) => assert.equal(p.newCluster, false),
  },
  {
    name: 'the kubeadm-config disagrees with the records: a note',
    in: input({ obs: { cp1: cpDone('v1.37.1', 'init', 'v1.35.4', ['cp1']) }, kubernetesVersion: 'v1.36.2' }),
    note: /records say kubeadm v1\.37\.1, but the cluster configuration says kubernetesVersion v1\.35\.4/,
  },
];

for (const r of rows) {
  test(`contract: ${r.name}`, () => {
    const d = decide(r.in);
    if (r.refuse) {
      assert.ok('refusal' in d, `expected a refusal, got ${JSON.stringify(d)}`);
      assert.match(d.refusal.message, r.refuse);
      assert.ok(d.refusal.hint.length > 0);
      return;
    }
    assert.ok('plan' in d, `expected a plan, got ${JSON.stringify(d)}`);
    for (const [host, [action, kubeadm, reset]] of Object.entries(r.want ?? {})) {
      const n: NodePlan = d.plan.nodes[host];
      assert.equal(n.action, action, `${host} action`);
      assert.equal(n.kubeadmVersion, kubeadm, `${host} kubeadm`);
      assert.equal(n.reset, reset ?? false, `${host} reset`);
    }
    if (r.note) assert.ok(d.plan.notes.some((n) => r.note!.test(n)), `notes: ${d.plan.notes.join(' | ')}`);
    r.check?.(d.plan);
  });
}
