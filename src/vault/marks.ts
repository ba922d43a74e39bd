/**
 * Where inline `!vault` values are, for the `vault_encrypted` test. kbs decrypts `!vault` values
 * when their file is read (./yaml.ts), so a decrypted value is plain text like any other; what
 * tells it apart is its place: the mapping (or list) that holds it carries a mark naming the key
 * (or index) and the text decrypted there. The mark is a symbol-keyed property: it is copied with
 * the mapping by spreads and Object.assign, merged by the variable layers (src/vars/scope.ts),
 * never printed, never serialised. A slot counts as vaulted while it still holds the decrypted
 * text, so a variable set again to other text is no longer vaulted, and a plain string equal to
 * the decrypted text elsewhere never is.
 */
import { isMap, isScalar, isSeq, type Node } from 'yaml';

export const VAULTED = Symbol.for('kbs.vaulted');
const RAW = Symbol.for('kbs.raw');

type Marks = Record<string, string>;

function marksOf(container: object): Marks | undefined {
  return (container as Record<symbol, Marks | undefined>)[VAULTED];
}

function mark(container: object, key: string, text: string): void {
  const own = Object.prototype.hasOwnProperty.call(container, VAULTED) ? marksOf(container) : undefined;
  Object.defineProperty(container, VAULTED, { value: { ...(own ?? {}), [key]: text }, enumerable: true, configurable: true, writable: true });
}

/** After a YAML document became `value`: mark each slot that held a `!vault` scalar. */
export function markVaultValues(node: unknown, value: unknown): void {
  if (!value || typeof value !== 'object') return;
  if (isMap(node)) {
    for (const p of node.items) {
      const k = isScalar(p.key) ? p.key.value : p.key;
      if (typeof k !== 'string' && typeof k !== 'number') continue;
      const key = String(k);
      const child = (value as Record<string, unknown>)[key];
      if ((p.value as { tag?: string } | null)?.tag === '!vault' && typeof child === 'string') mark(value, key, child);
      else markVaultValues(p.value as Node, child);
    }
  } else if (isSeq(node) && Array.isArray(value)) {
    node.items.forEach((item, i) => {
      if ((item as { tag?: string } | null)?.tag === '!vault' && typeof value[i] === 'string') mark(value, String(i), value[i] as string);
      else markVaultValues(item, value[i]);
    });
  }
}

/** `to` gets the marks of `from` (a copy of the mapping, a layer merged into a scope) */
export function copyVaultMarks<T extends object>(from: object, to: T): T {
  const m = marksOf(from);
  if (!m) return to;
  const own = Object.prototype.hasOwnProperty.call(to, VAULTED) && marksOf(to) !== m ? marksOf(to) : undefined;
  Object.defineProperty(to, VAULTED, { value: { ...(own ?? {}), ...m }, enumerable: true, configurable: true, writable: true });
  return to;
}

/** `out` (the merge of `layers`) gets the marks of every layer, later ones first */
export function mergeVaultMarks<T extends object>(layers: (object | undefined)[], out: T): T {
  let all: Marks | undefined;
  for (const l of layers) {
    const m = l ? marksOf(l) : undefined;
    if (m) all = { ...all, ...m };
  }
  if (all) Object.defineProperty(out, VAULTED, { value: all, enumerable: true, configurable: true, writable: true });
  return out;
}

/** Does `container[key]` hold a value decrypted from `!vault`? (a scope: its unrendered mapping) */
export function isVaultedAt(container: unknown, key: unknown): boolean {
  if (!container || typeof container !== 'object') return false;
  const raw = ((container as Record<symbol, unknown>)[RAW] as object | undefined) ?? container;
  const k = String(key);
  const m = marksOf(raw);
  if (!m || !Object.prototype.hasOwnProperty.call(m, k)) return false;
  const v = Array.isArray(raw) ? raw[Number(k)] : (raw as Record<string, unknown>)[k];
  return typeof v === 'string' && v === m[k];
}
