/**
 * `kbs versions`: per node, the recorded kubeadm version and where the record came from, what is
 * installed, and every disagreement; and the workstation state rebuilt from the nodes. Pure.
 */
import type { NodeObservation } from './observe.js';
import type { RecordFile } from './record.js';

export type RecordSource = 'node' | 'workstation' | 'inferred' | 'none';

export interface VersionRow {
  node: string;
  role: string;
  reachable: boolean;
  record?: { version: string; action: string; at: string; cluster: string; inferred?: boolean };
  source: RecordSource;
  kubeadmInstalled: string[];
  kubeadmInUse?: string;
  kubelet?: string;
  joined: boolean;
  disagreements: string[];
}

export function versionRows(
  nodes: { name: string; role: string }[],
  obs: Record<string, NodeObservation | undefined>,
  ws: Record<string, RecordFile>,
): { rows: VersionRow[]; state: Record<string, RecordFile> } {
  const rows: VersionRow[] = [];
  const state: Record<string, RecordFile> = {};
  for (const { name, role } of nodes) {
    const o = obs[name];
    const w = ws[name];
    const m = o?.marks;
    const joined = !!m && (role === 'control_plane' ? m.kubeletConf && m.adminConf : m.kubeletConf);
    const dis: string[] = [];
    let record: RecordFile | undefined;
    let source: RecordSource = 'none';
    if (o?.record) {
      record = o.record;
      source = o.record.inferred ? 'inferred' : 'node';
      if (w && (w.version !== o.record.version || w.action !== o.record.action || w.at !== o.record.at))
        dis.push(`workstation state: ${w.action} with ${w.version} at ${w.at}; the node: ${o.record.action} with ${o.record.version} at ${o.record.at}`);
    } else if (!o && w) {
      record = w;
      source = 'workstation';
      dis.push('the node did not answer: shown from the workstation state');
    } else if (o && joined && o.kubeadmVersion) {
      record = { version: o.kubeadmVersion, action: role === 'control_plane' && m?.apiserverManifest ? 'init' : 'join', at: '', cluster: w?.cluster ?? '', inferred: true, history: [] };
      source = 'inferred';
      dis.push('joined, but no record on the node: inferred from its installed kubeadm and kubelet.conf (kbs apply writes it)');
    }
    if (o?.recordError) dis.push(`/etc/kbs/kubeadm.json is unreadable: ${o.recordError}`);
    if (o && record && o.kubeadmVersion && o.kubeadmVersion !== record.version)
      dis.push(`kubeadm on PATH is ${o.kubeadmVersion}, the record says ${record.version}`);
    if (o && !joined && o.record) dis.push('the node has a record but is not joined (reset, or a failed join)');
    if (record && source !== 'inferred') state[name] = record;
    const { history: _h, ...rec } = record ?? ({} as RecordFile);
    rows.push({
      node: name,
      role,
      reachable: !!o,
      record: record ? rec : undefined,
      source,
      kubeadmInstalled: o?.kubeadmInstalled ?? [],
      kubeadmInUse: o?.kubeadmVersion,
      kubelet: o?.kubeletVersion,
      joined,
      disagreements: dis,
    });
  }
  return { rows, state };
}

export function versionsText(rows: VersionRow[]): string {
  const w = Math.max(4, ...rows.map((r) => r.node.length));
  const out = [`${'NODE'.padEnd(w)}  ${'RECORD'.padEnd(9)}  ${'ACTION'.padEnd(7)}  ${'AT'.padEnd(20)}  ${'SOURCE'.padEnd(11)}  ${'KUBEADM INSTALLED'.padEnd(22)}  KUBELET`];
  for (const r of rows) {
    out.push(
      `${r.node.padEnd(w)}  ${(r.record?.version ?? '-').padEnd(9)}  ${(r.record?.action ?? '-').padEnd(7)}  ${(r.record?.at || '-').padEnd(20)}  ${(r.reachable ? r.source : r.source + '*').padEnd(11)}  ${(r.kubeadmInstalled.join(',') || '-').padEnd(22)}  ${r.kubelet ?? '-'}`,
    );
  }
  const dis = rows.flatMap((r) => r.disagreements.map((d) => `  ${r.node}: ${d}`));
  if (dis.length) out.push('', 'disagreements:', ...dis);
  return out.join('\n') + '\n';
}
