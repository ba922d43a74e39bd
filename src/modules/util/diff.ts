/** --diff output as Ansible builds it: content before/after, or file state as sorted JSON. */
import type { DiffEntry } from '../types.js';

/** Ansible's max_diff_size default */
export const MAX_DIFF_BYTES = 104448;

export function isBinary(b: Buffer): boolean {
  return b.subarray(0, 8192).includes(0);
}

/** A content diff, or a note when either side is binary or too large. */
export function contentDiff(before: Buffer | undefined, after: Buffer, beforeHeader: string, afterHeader: string): DiffEntry {
  const b = before ?? Buffer.alloc(0);
  if (b.length > MAX_DIFF_BYTES || after.length > MAX_DIFF_BYTES) {
    return { before_header: beforeHeader, after_header: afterHeader, before: '', after: `(diff skipped: larger than ${MAX_DIFF_BYTES} bytes)\n` };
  }
  if (isBinary(b) || isBinary(after)) {
    return { before_header: beforeHeader, after_header: afterHeader, before: '', after: '(diff skipped: binary content)\n' };
  }
  return { before_header: beforeHeader, after_header: afterHeader, before: b.toString('utf8'), after: after.toString('utf8') };
}

/** JSON with sorted keys and 4-space indent, as Ansible prints dict diffs. */
export function stateText(o: Record<string, unknown>): string {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) sorted[k] = o[k];
  return JSON.stringify(sorted, null, 4) + '\n';
}

export function stateDiff(before: Record<string, unknown>, after: Record<string, unknown>, header?: string): DiffEntry {
  const d: DiffEntry = { before: stateText(before), after: stateText(after) };
  if (header) {
    d.before_header = header;
    d.after_header = header;
  }
  return d;
}
