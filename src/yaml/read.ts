/**
 * YAML with positions. Files are parsed as YAML 1.1, as Ansible (PyYAML) does: `yes/no` are
 * booleans and `0644` is an octal number. Every later error can point back at file:line:col.
 */
import { readFileSync, statSync } from 'node:fs';
import { Document, visit, type Tags, isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, type Alias } from 'yaml';
import { KbsError, type Position } from '../errors.js';
import { MAX_YAML_DEPTH, formatSize, maxYamlSize } from './limits.js';
import { decryptVaultNodes, registerDecryptedDocument, unvaultFileText, vaultTag } from '../vault/yaml.js';
import { markVaultValues } from '../vault/marks.js';
import { PyFloat, pyFloat as boxFloat } from '../util/pyfloat.js';
import { keyText, offsetIn, type OutlineNode, type YamlPath } from './outline.js';

export type { YamlPath };

export interface YamlFile {
  file: string;
  doc: Document;
  lc: LineCounter;
  /** the plain JS value of the document */
  value: unknown;
}

/**
 * A file's value and where its parts are: a parsed document (YamlFile), or the outline of one
 * (src/yaml/outline.ts: what the playbook loader keeps across runs, src/yaml/cache.ts).
 */
export type YamlSource = { file: string; lc: LineCounter; value: unknown } & ({ doc: Document; outline?: undefined } | { doc?: undefined; outline: OutlineNode | null });

/** `!unsafe` scalars; their text (and that of `!unsafe` lists and mappings) is protected before toJS */
const unsafeTag = {
  tag: '!unsafe',
  resolve: (s: string) => s,
};

/**
 * Ansible never templates a `!unsafe` value: text holding Jinja2 markup is wrapped in
 * `{% raw %}...{% endraw %}`, so that rendering it gives the text back, exactly once.
 */
export function protectUnsafe(text: string): string {
  return /\{\{|\{%|\{#/.test(text) ? `{% raw %}${text}{% endraw %}` : text;
}

function protectUnsafeNodes(doc: Document): void {
  const protect = (node: unknown): void => {
    if (isScalar(node)) {
      if (typeof node.value === 'string') node.value = protectUnsafe(node.value);
    } else if (isSeq(node)) node.items.forEach(protect);
    else if (isMap(node)) for (const p of node.items) protect(p.value);
  };
  visit(doc, {
    Node(_key, node) {
      if ((node as { tag?: string }).tag !== '!unsafe') return undefined;
      protect(node);
      return visit.SKIP;
    },
  });
}

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
 * `.inf` and `.nan`. A whole float (`5.0`, `1.0e+3`) is a PyFloat, so that it stays a float (and
 * prints `5.0`) as in Python.
 */
const pyFloat = {
  identify: (v: unknown) => (typeof v === 'number' && !Number.isInteger(v)) || v instanceof PyFloat,
  default: true,
  tag: 'tag:yaml.org,2002:float',
  test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  resolve(s: string): number | PyFloat {
    const v = s.replace(/_/g, '');
    if (/nan$/i.test(v)) return NaN;
    if (/inf$/i.test(v)) return v.startsWith('-') ? -Infinity : Infinity;
    if (!v.includes(':')) return boxFloat(Number(v));
    const sign = v.startsWith('-') ? -1 : 1;
    return boxFloat(sign * v.replace(/^[-+]/, '').split(':').reduce((acc, part) => acc * 60 + Number(part), 0));
  },
};

/** Tags replaced: booleans and floats (PyYAML's rules above); timestamps stay strings, as templated Ansible values read. */
const REPLACED = new Set(['tag:yaml.org,2002:bool', 'tag:yaml.org,2002:float', 'tag:yaml.org,2002:timestamp']);

function customTags(tags: Tags): Tags {
  const replaced = (t: Tags[number]) => typeof t === 'object' && t !== null && 'tag' in t && REPLACED.has(String(t.tag));
  return [...tags.filter((t) => !replaced(t)), pyTrue, pyFalse, pyFloat, unsafeTag, vaultTag];
}

/** Read a YAML (or INI) file, refusing files over the size limit before reading them; a vault-encrypted file is decrypted. */
export function readYamlText(file: string): string {
  let text: string;
  try {
    const size = statSync(file).size;
    const max = maxYamlSize();
    if (size > max) throw tooBig(file, size, max);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof KbsError) throw e;
    throw new KbsError('NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, {
      pos: { file },
      hint: 'check the path',
    });
  }
  return unvaultFileText(file, text);
}

function tooBig(file: string, size: number, max: number): KbsError {
  return new KbsError('YAML', `${file} is ${formatSize(size)}, over the ${formatSize(max)} limit for YAML files`, {
    pos: { file },
    hint: `raise the limit with --max-yaml-size or KBS_MAX_YAML_SIZE (e.g. ${formatSize(Math.ceil(size / 1024 ** 2) * 1024 ** 2)}) if the file is meant to be this big`,
  });
}

/** Parse YAML text (read from `file` when text is not given). Throws KbsError YAML / NOT_FOUND. */
export function parseYaml(file: string, text?: string): YamlFile {
  const src = text ?? readYamlText(file);
  if (text !== undefined && text.length > maxYamlSize()) throw tooBig(file, Buffer.byteLength(text), maxYamlSize());
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
    if (/Maximum call stack size exceeded/.test(err.message)) throw tooDeep({ file, line: at.line, col: at.col });
    const msg = err.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new KbsError('YAML', `YAML syntax error: ${msg}`, {
      pos: { file, line: at.line, col: at.col },
      hint: /^[ ]*\t/.test(lineOf(src, at.line)) ? 'indent with spaces: YAML does not allow tabs for indentation' : yamlHint(err.code),
    });
  }
  const yf0 = { file, doc, lc };
  const deep = tooDeepNode(doc);
  if (deep !== undefined) throw tooDeep(offsetPos(yf0, deep));
  const bad = findCollectionKey(doc);
  if (bad !== undefined) {
    const at = lc.linePos(bad);
    throw new KbsError('YAML', 'YAML syntax error: a value starting with "{{" was read as a mapping', {
      pos: { file, line: at.line, col: at.col },
      hint: 'quote the whole value: key: "{{ var }}"',
    });
  }
  checkAliases(yf0);
  decryptVaultNodes(doc, file, lc);
  protectUnsafeNodes(doc);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    const msg = (e as Error).message;
    if (/Excessive alias count/.test(msg)) {
      const alias = largestAlias(doc);
      throw new KbsError('YAML', 'YAML aliases expand to too many values (an alias of an alias of ...: a "billion laughs" document)', {
        pos: alias ? offsetPos(yf0, alias.range?.[0] ?? 0) : { file },
        hint: 'repeat the values instead of nesting aliases, or use fewer levels of aliases',
      });
    }
    throw new KbsError('YAML', `YAML error: ${msg}`, { pos: { file } });
  }
  registerDecryptedDocument(file, src, value);
  markVaultValues(doc, doc.contents, value);
  return { file, doc, lc, value };
}

/** the text of line `n` (1-based) without splitting the whole text */
function lineOf(src: string, n: number): string {
  let start = 0;
  for (let i = 1; i < n && start >= 0; i++) start = src.indexOf('\n', start) + (start >= 0 ? 1 : 0);
  if (start < 0) return '';
  const end = src.indexOf('\n', start);
  return src.slice(start, end < 0 ? undefined : end);
}

function offsetPos(yf: { file: string; lc: LineCounter }, offset: number): Position {
  const { line, col } = yf.lc.linePos(offset);
  return { file: yf.file, line, col };
}

function tooDeep(pos: Position): KbsError {
  return new KbsError('YAML', `YAML nesting too deep: more than ${MAX_YAML_DEPTH} levels of mappings and lists`, {
    pos,
    hint: 'flatten the structure; no playbook, inventory or vars file needs this many levels',
  });
}

/** offset of the first node nested deeper than MAX_YAML_DEPTH (an explicit stack: no recursion) */
function tooDeepNode(doc: Document): number | undefined {
  const stack: [unknown, number][] = [[doc.contents, 0]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth >= MAX_YAML_DEPTH) return (node as Node).range?.[0] ?? 0;
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          stack.push([item.key, depth + 1]);
          stack.push([item.value, depth + 1]);
        } else stack.push([item, depth + 1]);
      }
    }
  }
  return undefined;
}

/** Unresolved aliases and `<<` merges of something other than a mapping, with their positions. */
function checkAliases(yf: { file: string; doc: Document; lc: LineCounter }): void {
  const { doc } = yf;
  visit(doc, {
    Alias(_, node) {
      if (!node.resolve(doc)) {
        throw new KbsError('YAML', `YAML alias "*${node.source}" has no anchor "&${node.source}" before it`, {
          pos: offsetPos(yf, node.range?.[0] ?? 0),
          hint: 'define the anchor (&name) on a value above the alias, or check the spelling',
        });
      }
      return undefined;
    },
    Pair(_, pair) {
      const key = pair.key;
      if (!(isScalar(key) && typeof key.value === 'symbol' && key.source === '<<')) return undefined;
      const sources = isSeq(pair.value) ? (pair.value.items as unknown[]) : [pair.value];
      for (const src of sources) {
        const target = isAlias(src) ? src.resolve(doc) : src;
        if (!isMap(target)) {
          const at = (src as Node | null)?.range?.[0] ?? (key as Node).range?.[0] ?? 0;
          throw new KbsError('YAML', 'YAML merge "<<" needs a mapping (or an alias of one) to merge', {
            pos: offsetPos(yf, at),
            hint: 'write "<<: *anchor" where &anchor names a mapping, or a list of such aliases',
          });
        }
      }
      return undefined;
    },
  });
}

/** the alias whose target expands to the most values */
function largestAlias(doc: Document): Alias | undefined {
  const sizes = new Map<unknown, number>();
  const size = (node: unknown, depth = 0): number => {
    if (depth > MAX_YAML_DEPTH) return 1;
    if (isAlias(node)) return size(node.resolve(doc), depth + 1);
    if (!isMap(node) && !isSeq(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    let n = 1;
    for (const item of node.items as unknown[]) n += isPair(item) ? size(item.key, depth + 1) + size(item.value, depth + 1) : size(item, depth + 1);
    n = Math.min(n, Number.MAX_SAFE_INTEGER);
    sizes.set(node, n);
    return n;
  };
  let best: Alias | undefined;
  let bestSize = -1;
  visit(doc, {
    Alias(_, node) {
      const n = size(node.resolve(doc));
      if (n > bestSize) {
        best = node;
        bestSize = n;
      }
      return undefined;
    },
  });
  return best;
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
export function posAt(yf: YamlSource, path: YamlPath, which: 'key' | 'value' = 'value'): Position {
  if (yf.doc === undefined) {
    const offset = offsetIn(yf.outline, path, which);
    if (offset < 0) return { file: yf.file };
    const { line, col } = yf.lc.linePos(offset);
    return { file: yf.file, line, col };
  }
  let node: unknown = yf.doc.contents;
  let keyNode: unknown;
  let last: unknown = node;
  for (const seg of path) {
    keyNode = undefined;
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
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

