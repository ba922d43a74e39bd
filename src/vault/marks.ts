/**
 * Where inline `!vault` values are, for the `vault_encrypted` test. kbs decrypts `!vault` values
 * when their file is read (./yaml.ts), so a decrypted value is plain text like any other; what
 * tells it apart is its place: the mapping (or list) that holds it carries a mark naming the key
 * (or index) and a hash of the text decrypted there (not the text: a mark is a copy that output
 * masking does not look at). The mark is a symbol-keyed property: it is copied with
 * the mapping by spreads and Object.assign, merged by the variable layers (src/vars/scope.ts),
 * never printed, never serialised. A slot counts as vaulted while it still holds the decrypted
 * text, so a variable set again to other text is no longer vaulted, and a plain string equal to
 * the decrypted text elsewhere never is.
 */
import { createHash } from 'node:crypto';
import { isAlias, isMap, isScalar, isSeq, type Document } from 'yaml';
import { addMark, marksOf as slotMarksOf, mergeMarks, setMarks } from '../util/slotmarks.js';

export const VAULTED = Symbol.for('kbs.vaulted');
const RAW = Symbol.for('kbs.raw');

const marksOf = (container: object) => slotMarksOf(VAULTED, container);

const digest = (text: string) => createHash('sha256').update(text).digest('hex');

function mark(container: object, key: string, text: string): void {
  addMark(VAULTED, container, key, digest(text));
}

const isVaultNode = (n: unknown) => (n as { tag?: string } | null)?.tag === '!vault';
/** `<<`: YAML 1.1's merge key, a string or the yaml library's symbol */
const isMergeKey = (k: unknown) => k === '<<' || (typeof k === 'symbol' && k.description === '<<');

/**
 * After a YAML document became `value`: mark each slot that held a `!vault` scalar, also through
 * an alias (`*name`) and the mappings a merge key (`<<: *name`) brings in.
 */
export function markVaultValues(doc: Document, node: unknown, value: unknown, seen = new Set<object>()): void {
  if (!value || typeof value !== 'object' || seen.has(value)) return;
  seen.add(value);
  const real = (n: unknown) => (isAlias(n) ? n.resolve(doc) : n);
  const n = real(node);
  if (isMap(n)) {
    const keyOf = (p: { key: unknown }) => (isScalar(p.key) ? p.key.value : p.key);
    // the keys written in the mapping, then those its merges bring (the first merge that has a key gives it)
    const own = n.items.filter((p) => !isMergeKey(keyOf(p)));
    const merged = n.items.filter((p) => isMergeKey(keyOf(p))).flatMap((p) => {
      const from = real(p.value);
      return (isSeq(from) ? from.items.map(real) : [from]).flatMap((m) => (isMap(m) ? m.items : []));
    });
    const taken = new Set<string>();
    for (const p of [...own, ...merged]) {
      const k = keyOf(p);
      if (typeof k !== 'string' && typeof k !== 'number') continue;
      const key = String(k);
      if (taken.has(key)) continue;
      taken.add(key);
      const child = (value as Record<string, unknown>)[key];
      if (isVaultNode(real(p.value)) && typeof child === 'string') mark(value, key, child);
      else markVaultValues(doc, p.value, child, seen);
    }
  } else if (isSeq(n) && Array.isArray(value)) {
    n.items.forEach((item, i) => {
      if (isVaultNode(real(item)) && typeof value[i] === 'string') mark(value, String(i), value[i] as string);
      else markVaultValues(doc, item, value[i], seen);
    });
  }
}

/** `to` gets the marks of `from` (a copy of the mapping, a layer merged into a scope) */
export function copyVaultMarks<T extends object>(from: object, to: T): T {
  const m = marksOf(from);
  if (!m) return to;
  const own = Object.prototype.hasOwnProperty.call(to, VAULTED) && marksOf(to) !== m ? marksOf(to) : undefined;
  setMarks(VAULTED, to, { ...own, ...m });
  return to;
}

/** `out` (the merge of `layers`) gets the marks of every layer, later ones first */
export function mergeVaultMarks<T extends object>(layers: (object | undefined)[], out: T): T {
  return mergeMarks(VAULTED, layers, out);
}

/** Does `container[key]` hold a value decrypted from `!vault`? (a scope: its unrendered mapping) */
export function isVaultedAt(container: unknown, key: unknown): boolean {
  if (!container || typeof container !== 'object') return false;
  const raw = ((container as Record<symbol, unknown>)[RAW] as object | undefined) ?? container;
  const k = String(key);
  const m = marksOf(raw);
  if (!m || !Object.prototype.hasOwnProperty.call(m, k)) return false;
  const v = Array.isArray(raw) ? raw[Number(k)] : (raw as Record<string, unknown>)[k];
  return typeof v === 'string' && digest(v) === m[k];
}
