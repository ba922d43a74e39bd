/**
 * The workstation's copy of the node records: .kbs/state.json beside the inventory, written
 * atomically. It is a cache of the nodes' own records (/etc/kbs/kubeadm.json): when it is lost it is
 * rebuilt from them, and where the two disagree the node wins (src/kube/contract.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { KbsError } from '../errors.js';
import { parseRecordFile, type RecordFile } from '../kube/record.js';
import { writeFileAtomic } from '../util/atomic.js';

export interface WorkstationState {
  cluster?: string;
  updated?: string;
  nodes: Record<string, RecordFile>;
}

/** .kbs/state.json in the folder of the (first) inventory */
export function statePath(inventory: string): string {
  return join(dirname(resolve(inventory)), '.kbs', 'state.json');
}

export function readState(path: string): WorkstationState | undefined {
  if (!existsSync(path)) return undefined;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KbsError('STATE', `the workstation state ${path} is not valid JSON: ${(e as Error).message}`, {
      hint: 'delete it: kbs rebuilds it from the nodes\' records (kbs versions INVENTORY)',
    });
  }
  const o = (raw ?? {}) as { cluster?: unknown; updated?: unknown; nodes?: Record<string, unknown> };
  const nodes: Record<string, RecordFile> = {};
  for (const [name, r] of Object.entries(o.nodes ?? {})) {
    const rec = parseRecordFile(JSON.stringify(r));
    if (typeof rec !== 'string') nodes[name] = rec;
  }
  return { cluster: typeof o.cluster === 'string' ? o.cluster : undefined, updated: typeof o.updated === 'string' ? o.updated : undefined, nodes };
}

export function writeState(path: string, st: WorkstationState): void {
  writeFileAtomic(path, JSON.stringify({ ...st, updated: new Date().toISOString() }, null, 2) + '\n', 0o600);
}
