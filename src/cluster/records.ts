/** After an apply (and for kbs versions): read the nodes' records and keep them in the workstation state. */
import type { HostStats } from '../engine/events.js';
import type { RunOptions } from '../engine/options.js';
import type { NodeObservation } from '../kube/observe.js';
import { parseObservation } from '../kube/observe.js';
import type { RecordFile } from '../kube/record.js';
import { versionRows, type VersionRow } from '../kube/versions.js';
import { readState, writeState } from '../state/workstation.js';
import type { SharedPool } from '../transport/shared.js';
import { gatherNodes } from './gather.js';
import { runInternal } from '../engine/internal.js';
import type { Loaded } from './plan.js';

export interface Saved {
  nodes: Record<string, RecordFile>;
  rows: VersionRow[];
  rebuilt: boolean;
}

/** kbs versions: everything about each node's kubeadm (gather.yml), and the state rebuilt from it. */
export async function saveRecords(l: Loaded, opts: RunOptions): Promise<Saved> {
  const g = await gatherNodes(l.spec, l.inv, opts);
  return keep(l, g.obs);
}

/**
 * kbs apply, after its playbook: only the records (playbooks/records.yml). The playbook wrote one on
 * every node in the cluster, inferred ones included, so the records alone make the state. A node
 * the playbook changed nothing on (in the recap without a change, failure or rescue) still holds
 * the record read before the playbook (`before`, from the read of the nodes; only the playbook
 * writes records, and the lock keeps other applies out): it is not read again.
 */
export async function saveAppliedRecords(
  l: Loaded,
  opts: RunOptions,
  shared?: SharedPool,
  before?: { stats: Record<string, HostStats>; obs: Record<string, NodeObservation | undefined> },
): Promise<Record<string, RecordFile>> {
  const names = [...l.spec.controlPlanes, ...l.spec.workers];
  const obs: Record<string, NodeObservation | undefined> = {};
  const toRead = names.filter((name) => {
    const st = before?.stats[name];
    const same = st && before?.obs[name] && st.changed + st.failed + st.unreachable + st.rescued + st.ignored === 0;
    if (same) obs[name] = before.obs[name];
    return !same;
  });
  if (toRead.length) {
    const run = await runInternal('records.yml', l.inv, { ...opts, limit: undefined }, { kbs_records_hosts: toRead }, shared);
    const read = run.results('kbs node record');
    for (const name of toRead) {
      const r = read.get(name);
      obs[name] = r && r.status === 'ok' ? parseObservation(String(r.result.stdout ?? '')) : undefined;
    }
  }
  return keep(l, obs).nodes;
}

function keep(l: Loaded, obs: Record<string, NodeObservation | undefined>): Saved {
  const prev = readState(l.stateFile);
  const nodes = [...l.spec.controlPlanes, ...l.spec.workers].map((name) => ({ name, role: l.spec.nodes[name].role }));
  const { rows, state } = versionRows(nodes, obs, prev?.nodes ?? {});
  const cluster = Object.values(state).map((r) => r.cluster).find(Boolean) ?? prev?.cluster;
  writeState(l.stateFile, { cluster, nodes: state });
  return { nodes: state, rows, rebuilt: !prev };
}
