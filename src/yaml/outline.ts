/**
 * A YAML document's outline: where each mapping key and each value starts, and the tags written
 * on them; all that the playbook loader asks of a parsed file besides its value (positions for
 * messages, `!unsafe` marks). Plain arrays, so that it can be kept across runs with the value
 * (src/yaml/cache.ts) and a later run need not parse the file again.
 *
 *   node  = [offset, kind, children?, tag?]   offset -1 when unknown
 *   kind  = 0 other (scalar, alias), 1 mapping (children: [key text, key offset (-2: no key node),
 *           node | null][]),
 *           2 sequence (children: (node | null)[])
 */
import { isMap, isPair, isScalar, isSeq, type Document } from 'yaml';

export type OutlineNode = [number, 0 | 1 | 2, OutlinePair[] | (OutlineNode | null)[] | undefined, string | undefined];
export type OutlinePair = [string, number, OutlineNode | null];
export type YamlPath = (string | number)[];

interface RangedNode {
  range?: [number, number, number];
  tag?: string;
}

/** the text posAt compares a path's segment with (yaml's key node, or a plain key) */
export function keyText(k: unknown): string {
  if (isScalar(k)) return String(k.value);
  return String(k);
}

/** a mapping pair without a key node (`? : v`), told apart from a key whose position is unknown (-1) */
const NO_KEY = -2;

function start(n: unknown): number {
  return (n as RangedNode | null)?.range?.[0] ?? -1;
}

/** The outline of a parsed document (its contents). */
export function outlineOf(doc: Document): OutlineNode | null {
  const walk = (n: unknown): OutlineNode | null => {
    if (n === null || n === undefined) return null;
    const tag = (n as RangedNode).tag;
    if (isMap(n)) {
      const pairs: OutlinePair[] = [];
      for (const p of n.items) if (isPair(p)) pairs.push([keyText(p.key), p.key === null || p.key === undefined ? NO_KEY : start(p.key), walk(p.value)]);
      return [start(n), 1, pairs, tag];
    }
    if (isSeq(n)) return [start(n), 2, n.items.map(walk), tag];
    return [start(n), 0, undefined, tag];
  };
  return walk(doc.contents);
}

/**
 * The offset of the node at `path` (of its key when which='key' and the path ends in a mapping
 * key), as src/yaml/read.ts's posAt finds it in the document: the deepest node the path reaches;
 * a key whose value is empty gives the key's; an index past a list's end gives -1 (unknown).
 */
export function offsetIn(root: OutlineNode | null, path: YamlPath, which: 'key' | 'value' = 'value'): number {
  let node: OutlineNode | null = root;
  /** the offset of the last mapping key on the path; NO_KEY when the last step was no key */
  let keyAt = NO_KEY;
  let last = root ? root[0] : -1;
  for (const seg of path) {
    keyAt = NO_KEY;
    if (node && node[1] === 1) {
      const pair = (node[2] as OutlinePair[]).find((p) => p[0] === String(seg));
      if (!pair) break;
      keyAt = pair[1];
      node = pair[2];
    } else if (node && node[1] === 2 && typeof seg === 'number') {
      node = (node[2] as (OutlineNode | null)[])[seg] ?? null;
    } else break;
    if (node === null) {
      last = keyAt === NO_KEY ? -1 : keyAt;
      break;
    }
    last = node[0];
  }
  return which === 'key' && keyAt !== NO_KEY ? keyAt : last;
}

/** The tag written on the node at `path` (as yaml's getIn finds it: mapping keys and list indexes only). */
export function tagIn(root: OutlineNode | null, path: YamlPath): string | undefined {
  let node: OutlineNode | null = root;
  for (const seg of path) {
    if (!node) return undefined;
    if (node[1] === 1) node = (node[2] as OutlinePair[]).find((p) => p[0] === String(seg))?.[2] ?? null;
    else if (node[1] === 2) {
      // as yaml's YAMLSeq.get: an integer, or text that reads as one
      const i = typeof seg === 'string' && seg ? Number(seg) : seg;
      if (typeof i !== 'number' || !Number.isInteger(i) || i < 0) return undefined;
      node = (node[2] as (OutlineNode | null)[])[i] ?? null;
    } else return undefined;
  }
  return node?.[3];
}

/** a well-formed outline node (read back from a file that may have been edited) */
export function isOutline(n: unknown, depth = 0): n is OutlineNode | null {
  if (n === null) return true;
  if (!Array.isArray(n) || n.length !== 4 || typeof n[0] !== 'number' || depth > 200) return false;
  if (n[3] !== undefined && typeof n[3] !== 'string') return false;
  if (n[1] === 0) return n[2] === undefined;
  if (!Array.isArray(n[2])) return false;
  if (n[1] === 1) return (n[2] as unknown[]).every((p) => Array.isArray(p) && p.length === 3 && typeof p[0] === 'string' && typeof p[1] === 'number' && isOutline(p[2], depth + 1));
  if (n[1] === 2) return (n[2] as unknown[]).every((c) => isOutline(c, depth + 1));
  return false;
}
