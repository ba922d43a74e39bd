/**
 * The node's kubeadm record (/etc/kbs/kubeadm.json): the kubeadm version last used to init, join or
 * upgrade the node, and the records before it. Pure: parsing, validation and building.
 */
import { parseVersion } from './version.js';

export type RecordAction = 'init' | 'join' | 'upgrade';

export interface KubeadmRecord {
  version: string;
  action: RecordAction;
  /** RFC 3339 */
  at: string;
  cluster: string;
  /** reconstructed from the node's installed kubeadm and kubelet.conf, not written by a kbs action */
  inferred?: boolean;
}

export interface RecordFile extends KubeadmRecord {
  /** earlier records, oldest first */
  history: KubeadmRecord[];
}

export const RECORD_PATH = '/etc/kbs/kubeadm.json';
const ACTIONS: readonly string[] = ['init', 'join', 'upgrade'];

function asRecord(v: unknown): KubeadmRecord | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const o = v as Record<string, unknown>;
  const version = parseVersion(o.version);
  if (!version || typeof o.action !== 'string' || !ACTIONS.includes(o.action)) return undefined;
  if (typeof o.at !== 'string' || typeof o.cluster !== 'string') return undefined;
  const r: KubeadmRecord = { version: version.text, action: o.action as RecordAction, at: o.at, cluster: o.cluster };
  if (o.inferred === true) r.inferred = true;
  return r;
}

/** Parses a record file's text; a reason string when it is not a valid record. */
export function parseRecordFile(text: string): RecordFile | string {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return `not JSON: ${(e as Error).message}`;
  }
  const cur = asRecord(v);
  if (!cur) return 'not a kbs kubeadm record (needs version vX.Y.Z, action init|join|upgrade, at, cluster)';
  const hist = (v as { history?: unknown }).history;
  const history = Array.isArray(hist) ? hist.map(asRecord).filter((r): r is KubeadmRecord => !!r) : [];
  return { ...cur, history };
}

/** The record file after a new action: the current record moves into the history. */
export function nextRecordFile(prev: RecordFile | undefined, rec: KubeadmRecord): RecordFile {
  const history = prev ? [...prev.history, strip(prev)] : [];
  return { ...rec, history };
}

function strip(r: RecordFile): KubeadmRecord {
  const { history: _h, ...rest } = r;
  return rest;
}
