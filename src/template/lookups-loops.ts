/**
 * The lookups behind Ansible's `with_<name>` loops that compute lists (as ansible-core 2.14's
 * lookup plugins do): sequence, together, nested, indexed_items, subelements, flattened,
 * fileglob, inventory_hostnames, varnames. Each takes the rendered terms and returns the items.
 */
import fs from 'node:fs';
import path from 'node:path';
import { InventoryBuilder } from '../inventory/builder.js';
import { resolvePattern, splitPattern } from '../inventory/pattern.js';
import { globToRegExp } from '../util/glob.js';
import { parseKvTerm } from './lookup-kv.js';
import { searchBases } from './lookup-paths.js';
import { type Dict, hasKey, isDict, makeTuple, pyPercentFormat, pyStr, pyType, templateError, truthy } from './python.js';
import type { KbsContext } from './runtime.js';
import { scandir } from '../util/scandir.js';

type Lookup = (ctx: KbsContext, terms: unknown[], kw: Dict) => unknown[];

/** Ansible's LookupBase._flatten: lists among the terms are spliced in (one level) */
function flatten(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
}

/** the flattened lookup: lists at any depth are spliced in */
function flattenDeep(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? flattenDeep(t) : [t]));
}

// ---------------------------------------------------------------- sequence

const SHORTCUT = /^((0[xX]?)?[0-9a-fA-F]+-)?(0[xX]?)?[0-9a-fA-F]+(\/(0[xX]?)?[0-9a-fA-F]+)?(:(.+))?$/;

/** Python's int(x, 0): decimal, 0x hex, 0o / 0 octal */
function pyInt(v: unknown, what: string): number {
  const s = pyStr(v).trim();
  let n: number;
  if (/^[-+]?0[xX][0-9a-fA-F]+$/.test(s)) n = parseInt(s, 16);
  else if (/^[-+]?0[oO]?[0-7]+$/.test(s) && s.replace(/^[-+]/, '') !== '0') n = parseInt(s.replace(/0[oO]?/, ''), 8);
  else if (/^[-+]?\d+$/.test(s)) n = parseInt(s, 10);
  else throw templateError(`can't parse ${what}=${s} as integer`);
  return n;
}

interface SeqSpec {
  start: number;
  end?: number;
  count?: number;
  stride: number;
  format: string;
}

function parseSequence(term: string): SeqSpec {
  const spec: SeqSpec = { start: 1, stride: 1, format: '%d' };
  const kv = parseKvTerm(term);
  if (kv.raw) {
    const m = SHORTCUT.exec(kv.raw.trim());
    if (!m || Object.keys(kv.params).length) throw templateError(`unrecognized arguments to with_sequence: '${term}'`, "use start=N end=N stride=N format=FMT, count=N, or the short form 'START-END/STRIDE:FORMAT'");
    const [, startPart, , , stridePart, , fmtPart, fmt] = m;
    const body = kv.raw.trim().replace(/:.*$/, '').replace(/\/.*$/, '');
    const endText = startPart ? body.slice(startPart.length) : body;
    if (startPart) spec.start = pyInt(startPart.slice(0, -1), 'start');
    spec.end = pyInt(endText, 'end');
    if (stridePart) spec.stride = pyInt(stridePart.slice(1), 'stride');
    if (fmtPart) spec.format = fmt;
  }
  for (const [k, v] of Object.entries(kv.params)) {
    if (k === 'start' || k === 'end' || k === 'count' || k === 'stride') spec[k] = pyInt(v, k);
    else if (k === 'format') spec.format = pyStr(v);
    else throw templateError(`unrecognized arguments to with_sequence: ['${k}']`);
  }
  return spec;
}

function sequenceItems(spec: SeqSpec): string[] {
  let { end } = spec;
  if (spec.count !== undefined && end !== undefined) throw templateError("can't specify both count and end in with_sequence");
  if (spec.count === undefined && end === undefined) throw templateError('must specify count or end in with_sequence');
  if (spec.count !== undefined) {
    if (spec.count === 0) return [];
    end = spec.start + spec.count * spec.stride - 1;
  }
  const stop = end as number;
  if (spec.stride > 0 && stop < spec.start) throw templateError('to count backwards make stride negative');
  if (spec.stride < 0 && stop > spec.start) throw templateError('to count forward don\'t make stride negative');
  if (spec.format.split('%').length - 1 - 2 * (spec.format.split('%%').length - 1) !== 1) throw templateError(`bad formatting string: ${spec.format}`);
  const out: string[] = [];
  if (spec.stride === 0) return out;
  const adjust = spec.stride > 0 ? 1 : -1;
  for (let i = spec.start; spec.stride > 0 ? i < stop + adjust : i > stop + adjust; i += spec.stride) {
    out.push(pyPercentFormat(spec.format, i));
    if (out.length > 100000) throw templateError('with_sequence: more than 100000 items');
  }
  return out;
}

// ---------------------------------------------------------------- files and hosts

/** glob.glob of one pattern in a folder: the files (not folders) matching, in the file system's order */
function globFiles(dir: string, pattern: string): string[] {
  let names: string[];
  try {
    names = scandir(dir);
  } catch {
    return [];
  }
  const re = globToRegExp(pattern);
  return names
    .filter((n) => re.test(n) && (pattern.startsWith('.') || !n.startsWith('.')))
    .map((n) => path.join(dir, n))
    .filter((p) => {
      try {
        return fs.statSync(p).isFile();
      } catch {
        return false;
      }
    });
}

function fileglob(ctx: KbsContext, terms: unknown[]): unknown[] {
  const out: string[] = [];
  for (const t of flatten(terms)) {
    const term = pyStr(t);
    const base = path.basename(term);
    let dirs: string[];
    if (base !== term) {
      const dir = path.dirname(term);
      dirs = path.isAbsolute(dir) ? [dir] : searchBases(ctx).flatMap((b) => [path.join(b, 'files', dir), path.join(b, dir)]).filter((d) => fs.existsSync(d)).slice(0, 1);
    } else dirs = searchBases(ctx).flatMap((b) => [path.join(b, 'files'), b]);
    for (const d of dirs) {
      const found = globFiles(d, base);
      if (found.length) {
        out.push(...found);
        break;
      }
    }
  }
  return out;
}

/** hosts matching a pattern, over the groups the play sees (as Ansible's lookup builds its own inventory from `groups`) */
function inventoryHostnames(ctx: KbsContext, terms: unknown[]): unknown[] {
  const groups = ctx.resolve('groups');
  if (!isDict(groups)) return [];
  // as Ansible's lookup: every host of `all` first (in that order), then each group's hosts
  const b = new InventoryBuilder();
  const all = groups.all;
  for (const h of Array.isArray(all) ? all : []) b.addHost('all', String(h), undefined);
  for (const g of Object.keys(groups)) {
    const hosts = groups[g];
    if (g === 'all' || !Array.isArray(hosts)) continue;
    b.group(g);
    for (const h of hosts) b.addHost(g, String(h), undefined);
  }
  try {
    // Ansible lists the hosts of a union in the order of its parts (kbs's `hosts:` keeps inventory order)
    const inv = b.finish([]);
    const pattern = flatten(terms).map(pyStr);
    const chosen = new Set(resolvePattern(inv, pattern).hosts);
    const ordered = new Set<string>();
    for (const part of splitPattern(pattern)) {
      if (part[0] === '&' || part[0] === '!') continue;
      for (const h of resolvePattern(inv, part).hosts) if (chosen.has(h)) ordered.add(h);
    }
    for (const h of chosen) ordered.add(h);
    return [...ordered];
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------- lists

function subelements(_ctx: KbsContext, terms: unknown[]): unknown[] {
  if (terms.length < 2 || terms.length > 3) throw templateError('subelements lookup expects a list of two or three items');
  const [first, key, flags] = terms;
  if (typeof key !== 'string') throw templateError('subelements lookup expects a string as its second item (the key)');
  let skipMissing = false;
  if (terms.length === 3) {
    if (!isDict(flags)) throw templateError('the optional third item of a subelements lookup must be a dictionary');
    for (const k of Object.keys(flags)) if (k !== 'skip_missing') throw templateError(`the optional third item of a subelements lookup must be a dictionary with the key 'skip_missing' only, not '${k}'`);
    skipMissing = truthy(flags.skip_missing);
  }
  let elements: unknown[];
  if (isDict(first)) {
    if (hasKey(first, 'skipped') && first.skipped !== false) return [];
    elements = Object.values(first);
  } else if (Array.isArray(first)) elements = first;
  else throw templateError('subelements lookup expects a list or a dictionary as its first item');
  const out: unknown[] = [];
  const keys = key.split('.');
  for (const el of elements) {
    if (isDict(el) && hasKey(el, 'skipped') && el.skipped === true) continue;
    if (!isDict(el)) throw templateError(`subelements lookup got an item that is not a dictionary: ${pyStr(el)}`);
    let sub: unknown = el;
    let missing = false;
    keys.forEach((k, i) => {
      if (missing) return;
      if (!isDict(sub) || !hasKey(sub, k)) {
        if (skipMissing) missing = true;
        else throw templateError(`could not find '${k}' key in iterated item '${pyStr(el)}'`, "add {skip_missing: true} as the third item to skip such items");
        return;
      }
      sub = sub[k];
      if (i < keys.length - 1 && !isDict(sub)) throw templateError(`the key ${k} should point to a dictionary, got '${pyStr(sub)}'`);
    });
    if (missing) continue;
    if (!Array.isArray(sub)) throw templateError(`the key ${key} should point to a list, got '${pyStr(sub)}' (${pyType(sub)})`);
    for (const s of sub) out.push(makeTuple([el, s]));
  }
  return out;
}

function together(_ctx: KbsContext, terms: unknown[]): unknown[] {
  if (!terms.length) throw templateError('with_together requires at least one element in each list');
  const lists = terms.map((t) => (Array.isArray(t) ? t : [t]));
  const n = Math.max(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_x, i) => flatten(lists.map((l) => (i < l.length ? l[i] : null))));
}

function nested(_ctx: KbsContext, terms: unknown[]): unknown[] {
  if (!terms.length) throw templateError('with_nested requires at least one element in the nested list');
  const lists = terms.map((t) => (Array.isArray(t) ? t : [t]));
  let result: unknown[][] = lists[0].map((x) => [x]);
  for (const l of lists.slice(1)) result = result.flatMap((r) => l.map((x) => [...r, x]));
  return result.map((r) => flatten(r));
}

function varnames(ctx: KbsContext, terms: unknown[]): unknown[] {
  const names = Object.keys(ctx.vars);
  const out: string[] = [];
  for (const t of terms) {
    if (typeof t !== 'string') throw templateError(`Invalid setting identifier, "${pyStr(t)}" is not a string, it is a ${pyType(t)}`);
    let re: RegExp;
    try {
      re = new RegExp(t);
    } catch (e) {
      throw templateError(`Unable to use "${t}" as a search parameter: ${(e as Error).message}`);
    }
    out.push(...names.filter((n) => re.test(n)));
  }
  return out;
}

export const LOOP_LOOKUPS: Record<string, Lookup> = {
  sequence: (_ctx, terms) => flatten(terms).flatMap((t) => sequenceItems(parseSequence(pyStr(t)))),
  together,
  nested,
  indexed_items(_ctx, terms) {
    return flatten(terms).map((x, i) => makeTuple([i, x]));
  },
  subelements,
  flattened: (_ctx, terms) => flattenDeep(terms),
  fileglob,
  inventory_hostnames: inventoryHostnames,
  varnames,
};
