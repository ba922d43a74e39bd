/** --diff output as Ansible builds it: content before/after, or file state as sorted JSON. */
import type { DiffEntry } from '../types.js';

/** Ansible's max_diff_size default */
export const MAX_DIFF_BYTES = 104448;

export function isBinary(b: Buffer): boolean {
  return b.subarray(0, 8192).includes(0);
}

/**
 * A content diff as Ansible's copy and template actions build it (_get_diff_data): the old content
 * under the destination's name when the file exists (none when it is new: `before` empty and no
 * header), `dst_binary` or `dst_larger` instead when it is binary or larger than max_diff_size
 * (`beforeSize`: its size when its content was not read); then the new content under
 * `afterHeader`, or `src_larger` / `src_binary`. The callback prints those notes in place of a diff.
 */
export function contentDiff(before: Buffer | undefined, after: Buffer, beforeHeader: string, afterHeader: string, beforeSize?: number): DiffEntry {
  const d: DiffEntry = {};
  if (before === undefined && beforeSize === undefined) d.before = '';
  else if (before !== undefined && isBinary(before)) d.dst_binary = 1;
  else if ((beforeSize ?? before?.length ?? 0) > MAX_DIFF_BYTES) d.dst_larger = MAX_DIFF_BYTES;
  else {
    d.before_header = beforeHeader;
    d.before = (before ?? Buffer.alloc(0)).toString('utf8');
  }
  if (after.length > MAX_DIFF_BYTES) d.src_larger = MAX_DIFF_BYTES;
  else if (after.includes(0)) d.src_binary = 1;
  else {
    d.after_header = afterHeader;
    d.after = after.toString('utf8');
  }
  return d;
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
