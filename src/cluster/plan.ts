/**
 * From an inventory to a decision: validate (no host), read the nodes (playbooks/gather.yml), read
 * the workstation state, decide (src/kube/contract.ts) and choose node IPs. Shared by kbs plan,
 * kbs apply and kbs versions.
 */
import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { KbsError } from '../errors.js';
import type { RunOptions } from '../engine/options.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import { decide, type ContractNode, type Plan } from '../kube/contract.js';
import { chooseNodeIps, type NodeIpChoice } from '../kube/nodeip.js';
import { parseCidr, type Family } from '../kube/net.js';
import { toPlanVars, type PlanVars } from '../kube/planvars.js';
import type { ClusterSpec } from '../kube/spec.js';
import { validateCluster } from '../kube/validate.js';
import { readState, statePath, type WorkstationState } from '../state/workstation.js';
import type { SharedPool } from '../transport/shared.js';
import type { Vars } from '../load/model.js';
import { gatherNodes, type Gathered } from './gather.js';

export interface Loaded {
  inventoryFiles: string[];
  inv: Inventory;
  spec: ClusterSpec;
  /** .kbs/state.json beside the first inventory */
  stateFile: string;
  /** .kbs/admin.conf beside the first inventory */
  kubeconfig: string;
}

/** Everything that needs no host: the inventory loaded and validated (`-e` variables win over it). */
export function loadCluster(inventories: string[], extraVars: Vars = {}): Loaded {
  const files = inventories.map((p) => resolve(p));
  const inv = loadInventory(files);
  const spec = validateCluster(inv, { extraVars });
  const stateFile = statePath(files[0]);
  return { inventoryFiles: files, inv, spec, stateFile, kubeconfig: resolve(dirname(stateFile), 'admin.conf') };
}

export interface Planned {
  plan: Plan;
  vars: PlanVars & { kbs_kubeconfig: string };
  ips: Record<string, NodeIpChoice>;
  gathered: Gathered;
  workstation?: WorkstationState;
}

export async function planCluster(l: Loaded, opts: RunOptions, shared?: SharedPool): Promise<Planned> {
  const gathered = await gatherNodes(l.spec, l.inv, opts, shared, { kubelet: false });
  const failed = Object.entries(gathered.failed);
  if (failed.length)
    throw new KbsError('TASK', `could not read the state of ${failed.map(([h, m]) => `${h} (${m})`).join(', ')}`, {
      hint: 'kbs reads the nodes as root (become); check sudo on those hosts',
    });
  const workstation = readState(l.stateFile);
  const nodes: ContractNode[] = [...l.spec.controlPlanes, ...l.spec.workers].map((name) => {
    const n = l.spec.nodes[name];
    const explicit = n.sources.kubeletVersion !== 'default';
    return { name, role: n.role, kubeletVersion: explicit ? n.kubeletVersion : undefined, kubeletSource: n.sources.kubeletVersion, obs: gathered.obs[name] };
  });
  const d = decide({
    kubernetesVersion: l.spec.kubernetesVersion,
    kubernetesSource: l.spec.sources.kubernetes_version ?? 'default',
    nodes,
    workstation: workstation?.nodes ?? {},
    newClusterId: `k-${randomBytes(4).toString('hex')}`,
  });
  if ('refusal' in d) throw new KbsError('SKEW', d.refusal.message, { hint: d.refusal.hint, detail: { hosts: d.refusal.hosts } });
  const reachable = gathered.addresses.filter((a) => a.ipv4.length || a.ipv6?.length || a.nodeIp);
  const ipRes = chooseNodeIps(reachable, subnetFamilies(l.spec.serviceSubnets));
  if ('error' in ipRes) throw new KbsError('STATE', ipRes.error, { hint: 'set node_ip for these hosts in the inventory (host_vars)', detail: { hosts: ipRes.hosts } });
  const vars = { ...toPlanVars(d.plan, l.spec, ipRes.ok), kbs_kubeconfig: l.kubeconfig };
  return { plan: d.plan, vars, ips: ipRes.ok, gathered, workstation };
}

/** The address families of the service subnets, in their order (the first is the primary). */
export function subnetFamilies(subnets: string[]): Family[] {
  const fams = subnets.map((s) => parseCidr(s)?.family).filter((f): f is Family => f !== undefined);
  return fams.length ? [...new Set(fams)] : [4];
}
