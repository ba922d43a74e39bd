/** After an apply (and for kbs versions): read the nodes' records and keep them in the workstation state. */
import type { RunOptions } from '../engine/options.js';
import type { RecordFile } from '../kube/record.js';
import { versionRows, type VersionRow } from '../kube/versions.js';
import { readState, writeState } from '../state/workstation.js';
import { gatherNodes } from './gather.js';
import type { Loaded } from './plan.js';

export async function saveRecords(l: Loaded, opts: RunOptions): Promise<{ nodes: Record<string, RecordFile>; rows: VersionRow[]; rebuilt: boolean }> {
  const g = await gatherNodes(l.spec, l.inv, opts);
  const prev = readState(l.stateFile);
  const nodes = [...l.spec.controlPlanes, ...l.spec.workers].map((name) => ({ name, role: l.spec.nodes[name].role }));
  const { rows, state } = versionRows(nodes, g.obs, prev?.nodes ?? {});
  const cluster = Object.values(state).map((r) => r.cluster).find(Boolean) ?? prev?.cluster;
  writeState(l.stateFile, { cluster, nodes: state });
  return { nodes: state, rows, rebuilt: !prev };
}
