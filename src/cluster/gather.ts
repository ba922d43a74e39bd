/**
 * Reads every node before a decision: its facts (playbooks/gather-facts.yml, for node IPs) and
 * kubeadm's state (playbooks/gather.yml), both at once over one connection per node: each waits
 * on the node (the facts on many small reads, the state on kubectl's round trip to the apiserver).
 */
import type { RunOptions } from '../engine/options.js';
import type { Inventory } from '../inventory/types.js';
import type { NodeAddressFacts } from '../kube/nodeip.js';
import { parseObservation, type NodeObservation } from '../kube/observe.js';
import type { ClusterSpec } from '../kube/spec.js';
import { stripPrefix } from '../facts/index.js';
import type { Vars } from '../load/model.js';
import { ConnectionPool } from '../transport/pool.js';
import { SharedPool } from '../transport/shared.js';
import { runInternal, type InternalRun } from '../engine/internal.js';

export interface Gathered {
  /** undefined for a node that did not answer */
  obs: Record<string, NodeObservation | undefined>;
  addresses: NodeAddressFacts[];
  unreachable: string[];
  /** nodes that answered but whose state could not be read, with the reason */
  failed: Record<string, string>;
  /** every fact of the nodes that answered, as the engine keeps them (RunOptions.knownFacts) */
  facts: Record<string, Vars>;
}

/** `kubelet`: ask each kubelet its version too (kbs versions shows it; apply and plan do not decide with it). */
export async function gatherNodes(spec: ClusterSpec, inv: Inventory, opts: RunOptions, shared?: SharedPool, what: { kubelet: boolean } = { kubelet: true }): Promise<Gathered> {
  const pool = shared ?? new SharedPool(new ConnectionPool(opts.transport));
  const all = { ...opts, limit: undefined };
  let runs: InternalRun[];
  try {
    runs = await Promise.all([runInternal('gather-facts.yml', inv, all, {}, pool), runInternal('gather.yml', inv, all, { kbs_gather_kubelet: what.kubelet }, pool)]);
  } finally {
    if (!shared) await pool.close();
  }
  const facts = runs[0].results('Facts kbs decides with');
  const state = runs[1].results('kbs node state');
  const out: Gathered = { obs: {}, addresses: [], unreachable: [...new Set(runs.flatMap((r) => r.unreachable))], failed: {}, facts: {} };
  for (const name of Object.keys(spec.nodes)) {
    const st = state.get(name);
    if (st && st.status !== 'failed' && st.status !== 'unreachable') out.obs[name] = parseObservation(String(st.result.stdout ?? ''));
    else {
      out.obs[name] = undefined;
      if (st?.status === 'failed' || facts.get(name)?.status === 'failed')
        out.failed[name] = String((st ?? facts.get(name))?.result.msg ?? (st?.result.stderr as string | undefined) ?? 'failed');
    }
    const f = facts.get(name)?.result.ansible_facts as Record<string, unknown> | undefined;
    if (f && facts.get(name)?.status === 'ok') out.facts[name] = stripPrefix(f);
    const node = spec.nodes[name];
    out.addresses.push({ name, nodeIp: node.nodeIp, address: node.address, ...(f ? addressFacts(f) : { ipv4: [], ipv6: [] }) });
  }
  return out;
}

interface IpFact {
  address?: string;
  prefix?: string;
  scope?: string;
}

function addressFacts(f: Record<string, unknown>): Pick<NodeAddressFacts, 'ipv4' | 'ipv6' | 'defaultIpv4'> {
  const ipv4: NodeAddressFacts['ipv4'] = [];
  const ipv6: NonNullable<NodeAddressFacts['ipv6']> = [];
  for (const iface of (f.ansible_interfaces as string[] | undefined) ?? []) {
    const i = f[`ansible_${iface.replace(/[-.:]/g, '_')}`] as { ipv4?: IpFact; ipv4_secondaries?: IpFact[]; ipv6?: IpFact[] } | undefined;
    for (const a of [...(i?.ipv4 ? [i.ipv4] : []), ...(i?.ipv4_secondaries ?? [])])
      if (a.address && !a.address.startsWith('127.')) ipv4.push({ address: a.address, prefix: Number(a.prefix ?? 32), iface });
    for (const a of i?.ipv6 ?? []) if (a.address && a.scope === 'global') ipv6.push({ address: a.address, prefix: Number(a.prefix ?? 128), iface });
  }
  const def = (f.ansible_default_ipv4 as { address?: string } | undefined)?.address;
  return { ipv4, ipv6, defaultIpv4: def || undefined };
}
