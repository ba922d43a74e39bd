/**
 * What templates compile to, kept across runs (compiled.ts) in `tpl-PLACE-BUILD.bin` beside the
 * code cache (src/util/persisted.ts; docs/cli.md, "Code cache"), keyed by the template's text.
 * Only the templates of playbook and role files are kept, never one holding a secret (compiled.ts).
 */
import { PersistedMap, toKeep as keepOf } from '../util/persisted.js';

export interface PersistedTemplate {
  /** the generated JavaScript (codegen.ts generateCode) */
  code: string;
  single?: { lead: string; trail: string; text?: boolean };
  names: { filters: string[]; tests: string[] };
}

/** the file's size limit (the sum of its texts and code, ~) */
const MAX_BYTES = 4 * 1024 * 1024;

function wellFormed(e: unknown): e is PersistedTemplate {
  const t = e as PersistedTemplate;
  return !!t && typeof t.code === 'string' && !!t.names && Array.isArray(t.names.filters) && Array.isArray(t.names.tests) && t.names.filters.every((n) => typeof n === 'string') && t.names.tests.every((n) => typeof n === 'string') && (t.single === undefined || (typeof t.single.lead === 'string' && typeof t.single.trail === 'string'));
}

const sizeOf = (key: string, e: PersistedTemplate) => key.length + e.code.length + 64;

const kept = new PersistedMap<PersistedTemplate>({ kind: 'tpl', wellFormed, sizeOf, maxBytes: MAX_BYTES });

/** an entry of another shape is compiled again (and replaced) */
export function persisted(key: string): PersistedTemplate | undefined {
  return kept.get(key);
}

export function persist(key: string, entry: PersistedTemplate): void {
  kept.set(key, entry);
}

/** What the file keeps: everything, or only what the run used when everything is over `maxBytes`. */
export function toKeep(all: Map<string, PersistedTemplate>, usedKeys: Set<string>, maxBytes = MAX_BYTES): Map<string, PersistedTemplate> {
  return keepOf(all, usedKeys, sizeOf, maxBytes);
}
