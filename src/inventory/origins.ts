/**
 * Where inventory variables were written. The loaders record, per vars object (a group's or a
 * host's vars in an inventory source, a group_vars/ or host_vars/ file, and the merged layers built
 * from them) and key, the YAML node or the INI line that set it. Checks that must point at a value
 * (kbs validate) read it back with varOrigin and originPos.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair } from 'yaml';
import type { Position } from '../errors.js';
import type { YamlFile, YamlPath } from '../yaml/read.js';
import { hostVarLayers } from './vars.js';
import type { Inventory } from './types.js';

export type VarOrigin = { yf: YamlFile; key: Node; value: Node | null } | { pos: Position };

const origins = new WeakMap<object, Map<string, VarOrigin>>();

export function recordOrigin(vars: object, key: string, origin: VarOrigin): void {
  let m = origins.get(vars);
  if (!m) {
    m = new Map();
    origins.set(vars, m);
  }
  m.set(key, origin);
}

/** Origins of `from`'s keys now also describe `to` (after Object.assign(to, from)). */
export function copyOrigins(from: object | undefined, to: object): void {
  const m = from && origins.get(from);
  if (!m) return;
  for (const k of Object.keys(from)) {
    const o = m.get(k);
    if (o) recordOrigin(to, k, o);
  }
}

export function originOf(vars: object, key: string): VarOrigin | undefined {
  return origins.get(vars)?.get(key);
}

/** Records every key of the YAML mapping `node` (merge keys `<<` expanded; explicit keys win) as set on `vars`. */
export function recordMapOrigins(yf: YamlFile, node: Node | null, vars: object): void {
  const map = resolveAlias(yf, node);
  if (!isMap(map)) return;
  const seen = new Set<string>();
  const merges: Node[] = [];
  for (const pair of map.items as Pair<Node, Node | null>[]) {
    const key = pair.key;
    if (isMergeKey(key)) {
      const v = resolveAlias(yf, pair.value);
      merges.push(...(isSeq(v) ? (v.items as Node[]) : v ? [v] : []));
      continue;
    }
    const name = isScalar(key) ? String(key.value) : String(key);
    seen.add(name);
    recordOrigin(vars, name, { yf, key, value: pair.value ?? null });
  }
  for (const m of merges) {
    const sub = resolveAlias(yf, m);
    if (!isMap(sub)) continue;
    for (const pair of sub.items as Pair<Node, Node | null>[]) {
      const name = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      if (seen.has(name)) continue;
      seen.add(name);
      recordOrigin(vars, name, { yf, key: pair.key, value: pair.value ?? null });
    }
  }
}

/** Where `host`'s effective value of `key` was written (the layer that wins, as hostInventoryVars merges them). */
export function varOrigin(inv: Inventory, host: string, key: string): VarOrigin | undefined {
  const layers = hostVarLayers(inv, host);
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i];
    if (Object.prototype.hasOwnProperty.call(l, key)) return originOf(l, key);
  }
  return undefined;
}

/**
 * The position of the value (or, with which='key', of the variable's name), or of an element inside
 * it: `path` walks list indexes and mapping keys. Stops at the deepest node found.
 */
export function originPos(o: VarOrigin, path: YamlPath = [], which: 'key' | 'value' = 'value'): Position {
  if ('pos' in o) return o.pos;
  const { yf } = o;
  let node: Node | null = which === 'key' && path.length === 0 ? o.key : o.value ?? o.key;
  for (const seg of which === 'key' ? [] : path) {
    const cur = resolveAlias(yf, node);
    let next: Node | null | undefined;
    if (isMap(cur)) {
      const pair = cur.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg)) as Pair<Node, Node | null> | undefined;
      next = pair ? (pair.value ?? pair.key) : undefined;
    } else if (isSeq(cur) && typeof seg === 'number') next = cur.items[seg] as Node | undefined;
    if (!next) break;
    node = next;
  }
  const offset = node?.range?.[0];
  if (offset === undefined) return { file: yf.file };
  const { line, col } = yf.lc.linePos(offset);
  return { file: yf.file, line, col };
}

/** A `<<` merge key (the yaml package reads it as a symbol when merges are on; a quoted "<<" is a plain key). */
/** The text of a scalar value as written ("1.30" for a value YAML reads as 1.3), when known. */
export function originText(o: VarOrigin): string | undefined {
  if ('pos' in o) return undefined;
  const v = o.value;
  return v && isScalar(v) && typeof v.source === 'string' ? v.source : undefined;
}

function isMergeKey(key: unknown): boolean {
  return isScalar(key) && key.source === '<<' && (typeof key.value === 'symbol' || (key.value === '<<' && key.type === 'PLAIN'));
}

function resolveAlias(yf: YamlFile, node: Node | null | undefined): Node | null {
  if (!node) return null;
  return isAlias(node) ? ((node.resolve(yf.doc) as Node | undefined) ?? null) : node;
}
