/**
 * Host patterns with Ansible's semantics: names, groups, `all`/`*`, globs (`web*`, `db?`, `[ab]`),
 * regexes (`~web\d+`), unions (`a:b`, `a,b`), intersections (`a:&b`), exclusions (`a:!b`), and
 * subscripts (`g[0]`, `g[1:3]` inclusive, `g[2:]`, `g[-1]`). Unions are applied first, then
 * intersections, then exclusions; a pattern of only `&`/`!` parts starts from `all`.
 * The result is unique and in Ansible's order (InventoryManager.get_hosts): the terms in the order
 * written, each term's hosts as it matches them (a group's own hosts, then its children's, breadth
 * first: see groupHosts; then host names in inventory order), intersections and exclusions keeping
 * that order: `db:web` is db's hosts then web's, `d1,x1` runs d1 first (a play's order and its
 * serial batches). Subscripts index a term's hosts in that order, so `g[0]` is `groups['g'][0]`.
 * Out of scope: host names containing ':' (IPv6 addresses), and regexes containing ':', ',' or
 * spaces (they split the pattern, as in Ansible).
 */
import { KbsError } from '../errors.js';
import type { Inventory } from './types.js';
import { globToRegExp } from '../util/glob.js';
import { magicVars } from './vars.js';

export interface PatternResult {
  hosts: string[];
  warnings: string[];
}

const SUBSCRIPT = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

export function resolvePattern(inv: Inventory, pattern: string | string[]): PatternResult {
  const terms = splitPattern(pattern);
  const warnings: string[] = [];
  const regular = terms.filter((t) => t[0] !== '&' && t[0] !== '!');
  const inter = terms.filter((t) => t[0] === '&');
  const excl = terms.filter((t) => t[0] === '!');
  let hosts = new Set<string>();
  for (const t of regular.length ? regular : ['all']) {
    for (const h of inv.hosts.has(t) ? [t] : matchOne(inv, t, warnings)) hosts.add(h);
  }
  for (const t of inter) {
    const that = new Set(matchOne(inv, t.slice(1), warnings));
    hosts = new Set([...hosts].filter((h) => that.has(h)));
  }
  for (const t of excl) {
    for (const h of matchOne(inv, t.slice(1), warnings)) hosts.delete(h);
  }
  return { hosts: [...hosts], warnings };
}

/** Split into terms: on ',' and, outside [...], on ':' and whitespace. */
export function splitPattern(pattern: string | string[]): string[] {
  const pieces = (Array.isArray(pattern) ? pattern : [pattern]).flatMap((p) => String(p).split(','));
  const terms: string[] = [];
  for (const piece of pieces) {
    if (/[[\]]/.test(piece.replace(/\[[^\]]*\]/g, ''))) {
      throw new KbsError('PATTERN', `unbalanced "[" or "]" in host pattern "${piece.trim()}"`, {
        hint: 'subscripts are written group[0] or group[1:3]',
      });
    }
    terms.push(...(piece.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? []));
  }
  if (terms.length === 0) {
    throw new KbsError('PATTERN', `empty host pattern${Array.isArray(pattern) ? '' : ` "${pattern}"`}`, {
      hint: 'use "all" to target every host',
    });
  }
  for (const t of terms) {
    if (t === '!' || t === '&' || t === '~' || /^[!&]~?$/.test(t)) {
      throw new KbsError('PATTERN', `"${t}" in a host pattern needs a name after it`, { hint: 'e.g. all:!db or web:&prod' });
    }
  }
  return terms;
}

/** Hosts matched by one term (without its & or ! prefix), in definition order. */
function matchOne(inv: Inventory, term: string, warnings: string[]): string[] {
  let expr = term;
  let sub: { start: number; end?: number; single: boolean } | undefined;
  if (term[0] !== '~') {
    const m = SUBSCRIPT.exec(term);
    if (m) {
      expr = m[1];
      if (m[2] !== undefined) sub = { start: Number(m[2]), single: true };
      else {
        sub = { start: Number(m[3]), end: m[5] === '' ? undefined : Number(m[5]), single: false };
        if (m[4] === '-') warnings.push(`Use [x:y] inclusive subscripts instead of [x-y] in "${term}"`);
      }
    }
  }
  const re = compile(expr);
  const magic = magicVars(inv);
  // Ansible's order: hosts of the matching groups (group order), then matching host names
  const found = new Set<string>();
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) for (const h of magic.groups[g] ?? []) found.add(h);
  if (groups.length === 0 || /^~|[.?*[]/.test(expr)) {
    for (const h of inv.hosts.keys()) if (re.test(h)) found.add(h);
  }
  if (found.size === 0 && inv.implicitLocalhost && expr === inv.implicitLocalhost.name) found.add(expr);
  if (found.size === 0) {
    if (groups.length === 0 && expr !== 'all') warnings.push(`Could not match supplied host pattern, ignoring: ${expr}`);
    return [];
  }
  const hosts = [...found];
  if (!sub) return hosts;
  if (sub.single) {
    const i = sub.start < 0 ? hosts.length + sub.start : sub.start;
    if (i < 0 || i >= hosts.length) {
      warnings.push(`Host pattern "${term}" is out of range: "${expr}" has ${hosts.length} host(s)`);
      return [];
    }
    return [hosts[i]];
  }
  const out = hosts.slice(sub.start, sub.end === undefined ? undefined : sub.end + 1);
  if (out.length === 0) warnings.push(`Host pattern "${term}" is out of range: "${expr}" has ${hosts.length} host(s)`);
  return out;
}

/** A matcher for a name, glob, or ~regex (regexes match at the start, like Python's re.match). */
function compile(expr: string): RegExp {
  if (expr[0] === '~') {
    try {
      return new RegExp(`^(?:${expr.slice(1).replace(/\(\?P</g, '(?<')})`);
    } catch (e) {
      throw new KbsError('PATTERN', `invalid regular expression in host pattern "${expr}": ${(e as Error).message}`, {
        hint: 'patterns starting with ~ are regular expressions',
      });
    }
  }
  return globToRegExp(expr);
}

