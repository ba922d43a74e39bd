/**
 * What playbook and role files parse to, kept across runs in `yaml-PLACE-BUILD.bin` beside the code
 * cache (src/util/persisted.ts; docs/cli.md, "Code cache"): for a file's text (its SHA-256), the
 * value, the outline (src/yaml/outline.ts) and where its lines start. A later run of the same
 * files reads them back instead of parsing again (parsing the cluster playbook and its roles is
 * ~40 ms of CPU at every start). Only plain data is kept: a file whose value holds anything else
 * (a `!vault` value, a float kept as Python prints it, a date) is parsed at every run, and so is
 * a vault-encrypted file or one holding a secret kbs knows of.
 */
import { createHash } from 'node:crypto';
import { LineCounter } from 'yaml';
import { PersistedMap } from '../util/persisted.js';
import { hasSecrets, redactText } from '../vault/redact.js';
import { isOutline, type OutlineNode } from './outline.js';

export interface ParsedEntry {
  value: unknown;
  outline: OutlineNode | null;
  /** the offsets where the text's lines start (yaml's LineCounter) */
  lines: number[];
  /** the text's length, for the file's size limit */
  size: number;
}

const MAX_BYTES = 8 * 1024 * 1024;

function wellFormed(e: unknown): e is ParsedEntry {
  const p = e as ParsedEntry;
  return !!p && typeof p === 'object' && typeof p.size === 'number' && Array.isArray(p.lines) && p.lines.every((n) => typeof n === 'number') && isPlain(p.value) && isOutline(p.outline);
}

const kept = new PersistedMap<ParsedEntry>({ kind: 'yaml', wellFormed, sizeOf: (k, e) => k.length + 2 * e.size + 64, maxBytes: MAX_BYTES });

const keyOf = (text: string) => createHash('sha256').update(text).digest('hex');

/** The kept parse of this text, with a LineCounter for its positions; undefined when there is none. */
export function keptParse(text: string): { value: unknown; outline: OutlineNode | null; lc: LineCounter } | undefined {
  const e = kept.get(keyOf(text));
  if (!e) return undefined;
  const lc = new LineCounter();
  for (const n of e.lines) lc.addNewLine(n);
  return { value: e.value, outline: e.outline, lc };
}

/** Keep a parse for later runs, when it is plain data and the text holds no secret. */
export function keepParse(text: string, value: unknown, outline: OutlineNode | null, lc: LineCounter): void {
  if (!isPlain(value) || (hasSecrets() && redactText(text) !== text)) return;
  kept.set(keyOf(text), { value, outline, lines: [...lc.lineStarts], size: text.length });
}

/** strings, numbers, booleans, null, and lists and plain mappings of them (no symbol-keyed marks) */
export function isPlain(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return true;
  if (typeof v !== 'object' || depth > 200 || Object.getOwnPropertySymbols(v).length) return false;
  if (Array.isArray(v)) {
    if (Object.keys(v).length !== v.length) return false;
    return v.every((x) => isPlain(x, depth + 1));
  }
  if (Object.getPrototypeOf(v) !== Object.prototype || Object.prototype.hasOwnProperty.call(v, '__proto__')) return false;
  for (const k of Object.keys(v)) if (!isPlain((v as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}
