/**
 * The kubeadm version contract: from the inventory's wishes, what kbs read on the nodes and the
 * workstation's records, decide for every node which kubeadm it uses, what it does (init, join,
 * nothing) and why — or refuse. Pure: no I/O, tested with tables (test/unit/kube-contract.test.ts).
 *
 * The rule kbs keeps is stricter than kubeadm's own: a node joins with exactly the kubeadm version
 * of the cluster's last init or upgrade apply (kubeadm itself accepts a binary one minor newer
 * than the cluster, and older binaries fail to decode newer configurations).
 */
import type { NodeObservation } from './observe.js';
import type { KubeadmRecord, RecordFile } from './record.js';
import { compareVersions, kubeadmCanDeploy, kubeletSkewProblem, minorDelta, mustVersion } from './version.js';

export type NodeRole = 'control_plane' | 'worker';
export type NodeAction = 'init' | 'join' | 'none';

export interface ContractNode {
  name: string;
  role: NodeRole;
  /** the kubelet version the inventory asks for; undefined: the control plane's version */
  kubeletVersion?: string;
  /** where that came from ("host_vars/w1.yml:2", "kubernetes_version (default)") */
  kubeletSource: string;
  /** what kbs read on the node; undefined when the node did not answer */
  obs?: NodeObservation;
}

export interface ContractInput {
  kubernetesVersion: string;
  kubernetesSource: string;
  /** control planes first (inventory order), then workers */
  nodes: ContractNode[];
  /** per node, the records the workstation kept (.kbs/state.json) */
  workstation: Record<string, RecordFile>;
  /** the id a new cluster gets */
  newClusterId: string;
}

export interface NodePlan {
  role: NodeRole;
  action: NodeAction;
  /** a failed earlier init or join left kubeadm's marks: `kubeadm reset` first */
  reset: boolean;
  kubeadmVersion: string;
  kubeletVersion: string;
  kubectlVersion: string;
  reason: string;
  /**
   * the node's Node object was Ready when kbs read the cluster (its API answered in full); false
   * for a node that inits or joins. The pod network role waits for the nodes only when a node was
   * not Ready or the run can have changed it (docs/cluster.md, "CNI").
   */
  ready: boolean;
  /** a record to write on a joined node that has none (reconstructed, marked inferred) */
  inferred?: KubeadmRecord;
}

export interface Plan {
  cluster: string;
  /** the control plane's version: the cluster's, or the inventory's for a new cluster */
  kubernetesVersion: string;
  /** the cluster's kubeadm version (what every join uses) */
  kubeadmVersion: string;
  /** where kubeadmVersion came from */
  kubeadmSource: string;
  initHost: string;
  newCluster: boolean;
  nodes: Record<string, NodePlan>;
  /** disagreements between sources and other things the operator should know */
  notes: string[];
}

export interface Refusal {
  message: string;
  hint: string;
  hosts: string[];
}

export type Decision = { plan: Plan } | { refusal: Refusal };

/** A node that init or join completed on (kubeadm's marks, and its Node object when the cluster answered). */
export function isJoined(n: ContractNode, nodeNames?: Set<string>): boolean {
  const m = n.obs?.marks;
  if (!m) return false;
  const base = n.role === 'control_plane' ? m.kubeletConf && m.adminConf && m.apiserverManifest : m.kubeletConf && !m.bootstrapKubeletConf;
  if (!base) return false;
  return nodeNames ? nodeNames.has(n.name) : true;
}

/** Marks a failed init or join leaves behind (join's preflight refuses them until `kubeadm reset`). */
export function isHalfDone(n: ContractNode): boolean {
  const m = n.obs?.marks;
  return !!m && (m.kubeletConf || m.bootstrapKubeletConf || m.caCrt || m.kubeletConfig || m.adminConf || m.apiserverManifest);
}

interface ClusterSource {
  version: string;
  source: string;
}

export function decide(input: ContractInput): Decision {
  const want = mustVersion(input.kubernetesVersion);
  const cps = input.nodes.filter((n) => n.role === 'control_plane');
  const notes: string[] = [];
  // the cluster's own view (kubeadm-config and Nodes), from the first control plane that gave one
  const view = cps.map((n) => n.obs?.cluster).find((c) => c && !c.error) ?? cps.map((n) => n.obs?.cluster).find((c) => !!c);
  if (view?.error) notes.push(`the cluster's API answered only in part: ${view.error}`);
  const nodeNames = view && !view.error ? new Set(Object.keys(view.nodes)) : undefined;
  const joined = new Set(input.nodes.filter((n) => isJoined(n, nodeNames)).map((n) => n.name));
  const joinedCps = cps.filter((n) => joined.has(n.name));
  const unreachableCps = cps.filter((n) => !n.obs);
  const wsKnowsCluster = cps.some((n) => input.workstation[n.name]);
  const exists = joinedCps.length > 0 || (unreachableCps.length > 0 && wsKnowsCluster);

  // records (node first, workstation second), inferred ones for joined nodes without a record
  const records: Record<string, { rec: KubeadmRecord; where: string }> = {};
  const inferred: Record<string, KubeadmRecord> = {};
  for (const n of input.nodes) {
    if (n.obs?.record) records[n.name] = { rec: n.obs.record, where: `record on ${n.name}` };
    else if (!n.obs && input.workstation[n.name]) records[n.name] = { rec: input.workstation[n.name], where: `workstation state for ${n.name}` };
    else if (n.obs && joined.has(n.name)) {
      const version = n.obs.kubeadmVersion ?? view?.kubernetesVersion;
      if (version) {
        const rec: KubeadmRecord = { version, action: n.name === cps[0]?.name ? 'init' : 'join', at: '', cluster: '', inferred: true };
        inferred[n.name] = rec;
        records[n.name] = { rec, where: `inferred on ${n.name} from its installed kubeadm and kubelet.conf` };
      }
    }
    const ws = input.workstation[n.name];
    if (n.obs?.record && ws && (ws.version !== n.obs.record.version || ws.action !== n.obs.record.action))
      notes.push(`${n.name}: the workstation state says ${ws.action} with ${ws.version}, the node's record says ${n.obs.record.action} with ${n.obs.record.version}; the node's record wins`);
  }

  let cluster: ClusterSource | undefined;
  let clusterId = input.newClusterId;
  if (exists) {
    const cpRecs = cps.filter((n) => (joined.has(n.name) || !n.obs) && records[n.name]).map((n) => ({ name: n.name, ...records[n.name] }));
    const versions = [...new Set(cpRecs.map((r) => r.rec.version))];
    if (versions.length > 1) {
      const list = cpRecs.map((r) => `${r.name}: ${r.rec.version} (${r.rec.action})`).join(', ');
      if (input.nodes.some((n) => !joined.has(n.name) && n.obs))
        return refuse(
          `the control planes disagree on the cluster's kubeadm version (${list}): an upgrade is in progress, so no node can join now`,
          'finish the upgrade on every control plane (kubeadm upgrade node), then run kbs apply again',
          cpRecs.map((r) => r.name),
        );
      notes.push(`the control planes disagree on the cluster's kubeadm version (${list}): an upgrade is in progress`);
    }
    const newest = cpRecs.sort((a, b) => compareVersions(mustVersion(b.rec.version), mustVersion(a.rec.version)))[0];
    if (newest) cluster = { version: newest.rec.version, source: `${newest.where} (${newest.rec.action}${newest.rec.at ? ' at ' + newest.rec.at : ''})` };
    else if (view?.kubernetesVersion) cluster = { version: view.kubernetesVersion, source: "the cluster's kubeadm-config (ClusterConfiguration.kubernetesVersion)" };
    if (!cluster)
      return refuse(
        'the cluster exists but kbs cannot tell its kubeadm version: no control plane has a record and the cluster configuration could not be read',
        'make sure a control plane answers (kubectl get cm kubeadm-config -n kube-system works there), then run kbs apply again',
        cps.map((n) => n.name),
      );
    if (view?.kubernetesVersion && !kubeadmCanDeploy(mustVersion(cluster.version), mustVersion(view.kubernetesVersion)))
      notes.push(`the records say kubeadm ${cluster.version}, but the cluster configuration says kubernetesVersion ${view.kubernetesVersion}`);
    const ids = [...new Set(Object.values(records).map((r) => r.rec.cluster).filter(Boolean))];
    if (ids.length > 1) notes.push(`the records name more than one cluster id: ${ids.join(', ')}`);
    clusterId = ids[0] ?? Object.values(input.workstation).map((r) => r.cluster)[0] ?? input.newClusterId;
  }

  // the control plane's version and the inventory's wish
  const cpVersion = exists ? mustVersion(view?.kubernetesVersion ?? cluster!.version) : want;
  if (exists) {
    const c = mustVersion(cluster!.version);
    const d = minorDelta(want, cpVersion);
    if (compareVersions(want, cpVersion) < 0)
      return refuse(
        `kubernetes_version ${want.text} (${input.kubernetesSource}) is older than the cluster's ${cpVersion.text} (${cluster!.source}): kbs does not downgrade a cluster`,
        `set kubernetes_version to ${cpVersion.text} or newer`,
        [],
      );
    if (d > 1)
      return refuse(
        `kubernetes_version ${want.text} (${input.kubernetesSource}) is ${d} minors newer than the cluster's ${cpVersion.text}: upgrades go one minor at a time`,
        `set kubernetes_version to v${cpVersion.major}.${cpVersion.minor + 1}.x first`,
        [],
      );
    if (compareVersions(want, cpVersion) > 0)
      notes.push(`kubernetes_version ${want.text} is newer than the cluster's ${cpVersion.text}: kbs apply does not upgrade; joins use the cluster's kubeadm ${c.text}`);
  }

  const problems = input.nodes
    .map((n) => ({ n, p: n.kubeletVersion ? kubeletSkewProblem(mustVersion(n.kubeletVersion), cpVersion) : undefined }))
    .filter((x) => x.p);
  if (problems.length)
    return refuse(
      problems.map((x) => `${x.n.name}: ${x.p} (kubelet_version from ${x.n.kubeletSource})`).join('; '),
      `set kubelet_version between v${cpVersion.major}.${Math.max(0, cpVersion.minor - 3)} and ${cpVersion.text}`,
      problems.map((x) => x.n.name),
    );

  const initHost = exists ? (joinedCps[0] ?? cps[0]).name : cps[0].name;
  const clusterKubeadm = exists ? cluster!.version : want.text;
  const nodes: Record<string, NodePlan> = {};
  for (const n of input.nodes) {
    const common = { role: n.role, kubeletVersion: n.kubeletVersion ?? cpVersion.text, kubectlVersion: cpVersion.text };
    if (joined.has(n.name)) {
      const r = records[n.name];
      nodes[n.name] = {
        ...common,
        action: 'none',
        reset: false,
        ready: !!(view && !view.error && view.nodes[n.name]?.ready),
        kubeadmVersion: r?.rec.version ?? clusterKubeadm,
        reason: `already part of the cluster; kubeadm ${r?.rec.version ?? clusterKubeadm} from the ${r ? r.where : 'cluster'}`,
        ...(inferred[n.name] ? { inferred: { ...inferred[n.name], cluster: clusterId } } : {}),
      };
    } else if (!exists && n.name === initHost) {
      nodes[n.name] = {
        ...common,
        action: 'init',
        reset: isHalfDone(n),
        ready: false,
        kubeadmVersion: want.text,
        reason: `new cluster: kubeadm ${want.text} for kubernetes_version from ${input.kubernetesSource}` + (isHalfDone(n) ? '; an earlier init left files behind: kubeadm reset first' : ''),
      };
    } else {
      const why = exists ? `the cluster's kubeadm version, from the ${cluster!.source}` : `the version ${initHost} inits the cluster with (kubernetes_version from ${input.kubernetesSource})`;
      nodes[n.name] = {
        ...common,
        action: 'join',
        reset: isHalfDone(n),
        ready: false,
        kubeadmVersion: clusterKubeadm,
        reason: `joins with kubeadm ${clusterKubeadm}: ${why}` + (isHalfDone(n) ? '; an earlier join left files behind: kubeadm reset first' : '') + (n.obs ? '' : '; the node did not answer when kbs read it'),
      };
    }
  }
  return {
    plan: {
      cluster: clusterId,
      kubernetesVersion: cpVersion.text,
      kubeadmVersion: clusterKubeadm,
      kubeadmSource: exists ? cluster!.source : `kubernetes_version from ${input.kubernetesSource} (new cluster)`,
      initHost,
      newCluster: !exists,
      nodes,
      notes,
    },
  };
}

function refuse(message: string, hint: string, hosts: string[]): Decision {
  return { refusal: { message, hint, hosts } };
}

