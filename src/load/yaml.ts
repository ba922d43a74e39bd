/**
 * YAML with positions. Files are parsed as YAML 1.1, as Ansible (PyYAML) does: `yes/no` are
 * booleans and `0644` is an octal number. Every later error can point back at file:line:col.
 */
import { readFileSync } from 'node:fs';
import { Document, visit, type Tags, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { KbsError, type Position } from '../errors.js';

export type YamlPath = (string | number)[];

export interface YamlFile {
  file: string;
  doc: Document;
  lc: LineCounter;
  /** the plain JS value of the document */
  value: unknown;
}

const unsafeTag = {
  tag: '!unsafe',
  resolve: (s: string) => s,
};
const vaultTag = {
  tag: '!vault',
  resolve: () => {
    throw new Error('!vault values are not supported by kbs');
  },
};

/**
 * PyYAML (and so Ansible) reads only yes/no, true/false and on/off as booleans; the yaml package's
 * 1.1 schema also takes y/Y/n/N, which would turn `when: y` or `- n` into booleans.
 */
const pyTrue = {
  identify: (v: unknown) => v === true,
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/,
  resolve: () => true,
};
const pyFalse = {
  identify: (v: unknown) => v === false,
  default: true,
  tag: 'tag:yaml.org,2002:bool',
  test: /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/,
  resolve: () => false,
};

/**
 * PyYAML's YAML 1.1 floats: a dot is required (`1e3`, `e1`, `E5` stay strings, where the yaml
 * package would read numbers or NaN), an exponent needs its sign; `_` separators, base 60,
 * `.inf` and `.nan`.
 */
const pyFloat = {
  identify: (v: unknown) => typeof v === 'number' && !Number.isInteger(v),
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve(s: string): number {
    const v = s.replace(/_/g, '');
    if (/nan$/i.test(v)) return NaN;
    if (/inf$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
    if (!v.includes(':')) return Number(v);
    const sign = v.startsWith('-') ? -1 : 1;
    return sign * v.replace(/^[-+]/, '').split(':').reduce((acc, part) => acc * 60 + Number(part), 0);
  },
};

/** Tags replaced: booleans and floats (PyYAML's rules above); timestamps stay strings, as templated Ansible values read. */
const REPLACED = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:timestamp']);

function customTags(tags: Tags): Tags {
  const replaced = (t: Tags[number]) => typeof t === 'object' && t !== null && 'tag' in t && REPLACED.has(String(t.tag));
  return [...tags.filter((t) => !replaced(t)), pyTrue, pyFalse, pyFloat, unsafeTag, vaultTag];
}

/** Parse YAML text (read from `file` when text is not given). Throws KbsError YAML / NOT_FOUND. */
export function parseYaml(file: string, text?: string): YamlFile {
  let src = text;
  if (src === undefined) {
    try {
      src = readFileSync(file, 'utf8');
    } catch (e) {
      throw new KbsError('NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
        pos: { file },
        hint: 'check the path',
      });
    }
  }
  const lc = new LineCounter();
  const doc = parseDocument(src, {
    version: '1.1',
    lineCounter: lc,
    prettyErrors: false,
    customTags,
    merge: true,
  });
  const err = doc.errors[0];
  if (err) {
    const at = lc.linePos(err.pos[0]);
    const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new KbsError('YAML', `YAML syntax error: ${msg}`, {
      pos: { file, line: at.line, col: at.col },
      hint: /^[ ]*\t/.test(src.split('\n')[at.line - 1] ?? '') ? 'indent with spaces: YAML does not allow tabs for indentation' : yamlHint(err.code),
    });
  }
  const bad = findCollectionKey(doc);
  if (bad !== undefined) {
    const at = lc.linePos(bad);
    throw new KbsError('YAML', 'YAML syntax error: a value starting with "{{" was read as a mapping', {
      pos: { file, line: at.line, col: at.col },
      hint: 'quote the whole value: key: "{{ var }}"',
    });
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    throw new KbsError('YAML', `YAML error: ${(e as Error).message}`, { pos: { file } });
  }
  return { file, doc, lc, value };
}

/** Offset of the first mapping key that is itself a collection (an unquoted "{{ x }}"). */
function findCollectionKey(doc: Document): number | undefined {
  let found: number | undefined;
  visit(doc, {
    Pair(_, pair, path) {
      if (isMap(pair.key) || isSeq(pair.key)) {
        // point at the outer "{" of "{{ x }}" (the flow map holding the collection key)
        const parent = path[path.length - 1];
        const outer = isMap(parent) && parent.flow ? parent.range?.[0] : undefined;
        found = outer ?? (pair.key as Node).range?.[0] ?? 0;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function yamlHint(code: string): string {
  switch (code) {
    case 'DUPLICATE_KEY':
      return 'a key appears twice in the same mapping; remove one';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'check the indentation and the ":" after keys';
    case 'BLOCK_AS_IMPLICIT_KEY':
      return 'a value that starts with "{{" must be quoted: "{{ var }}"';
    default:
      return 'check the YAML syntax near this position';
  }
}

/** Position of the node at `path` (the key when which='key' and the path ends in a map key). */
export function posAt(yf: YamlFile, path: YamlPath, which: 'key' | 'value' = 'value'): Position {
  let node: unknown = yf.doc.contents;
  let keyNode: unknown;
  let last: unknown = node;
  for (const seg of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyString(p.key) === String(seg));
      if (!pair) break;
      keyNode = pair.key;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      node = node.items[seg];
    } else {
      break;
    }
    if (node == null) {
      node = keyNode;
      last = keyNode;
      break;
    }
    last = node;
  }
  const target = (which === 'key' && keyNode ? keyNode : last) as Node | undefined;
  const offset = target?.range?.[0];
  if (offset === undefined) return { file: yf.file };
  const { line, col } = yf.lc.linePos(offset);
  return { file: yf.file, line, col };
}

function keyString(k: unknown): string {
  if (isScalar(k)) return String(k.value);
  return String(k);
}
