/**
 * Ansible's inline argument syntax: `path=/x state=touch msg="a b"`. Splits on whitespace outside
 * quotes and outside Jinja2 markup ({{ }}, {% %}, {# #}).
 */

import { KbsError, type Position } from '../errors.js';

export interface Token {
  text: string;
  start: number;
  end: number;
}

/** Split into tokens; an unclosed quote or Jinja2 block is an error, as in Ansible's split_args. */
export function splitArgs(s: string, pos?: Position): Token[] {
  const out: Token[] = [];
  let quote: string | undefined;
  let depth = 0;
  let start = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    const two = s.slice(i, i + 2);
    if (start < 0) {
      if (/\s/.test(c)) continue;
      start = i;
    }
    if (quote) {
      // as Ansible's _get_quote_state: a quote after a backslash does not count (so "x\\" is unclosed)
      if (c === quote && s[i - 1] !== '\\') quote = undefined;
      continue;
    }
    if (two === '{{' || two === '{%' || two === '{#') {
      depth++;
      i++;
      continue;
    }
    if (depth > 0 && (two === '}}' || two === '%}' || two === '#}')) {
      depth--;
      i++;
      continue;
    }
    if (depth > 0) continue;
    if ((c === '"' || c === "'") && s[i - 1] !== '\\') quote = c;
    else if (/\s/.test(c)) {
      out.push({ text: s.slice(start, i), start, end: i });
      start = -1;
    }
  }
  if (quote || depth > 0) {
    const what = quote ? `an unclosed ${quote === '"' ? 'double' : 'single'} quote` : 'an unclosed Jinja2 block ({{, {% or {#)';
    throw new KbsError('SCHEMA', `cannot split the arguments: ${what} in ${JSON.stringify(s.length > 80 ? s.slice(0, 77) + '...' : s)}`, {
      pos,
      hint: quote
        ? `close the quote, or escape a literal ${quote} with a backslash (or write the arguments as a mapping)`
        : 'close the block with }}, %} or #}',
    });
  }
  if (start >= 0) out.push({ text: s.slice(start), start, end: s.length });
  return out;
}

/** Position of the "=" of a k=v token, or -1 (a quoted or templated "=" does not count). */
function eqIndex(tok: string): number {
  // a templated key: `{{ name }}=value` (set_fact)
  if (tok.startsWith('{{')) {
    const close = tok.indexOf('}}');
    return close > 0 && tok[close + 2] === '=' ? close + 2 : -1;
  }
  for (let i = 0; i < tok.length; i++) {
    const c = tok[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c === '"' || c === "'" || c === '{') return -1;
    if (c === '=') return i;
  }
  return -1;
}

/** Ansible's unquote: one pair of matching outer quotes removed, unless the closing one is escaped */
export function unquote(v: string): string {
  if (v.length > 1 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0] && v[v.length - 2] !== '\\') return v.slice(1, -1);
  return v;
}

const SIMPLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * Ansible's _decode_escapes: in an option's `k=v` text, \\, \', \", \a \b \f \n \r \t \v, \xHH,
 * \uHHHH and \UHHHHHHHH are decoded (as Python's unicode-escape); other backslashes stay.
 * (\N{name} stays as written: kbs has no Unicode name table.)
 */
export function decodeEscapes(s: string): string {
  if (!s.includes('\\')) return s;
  return s.replace(/\\(?:U([0-9a-fA-F]{8})|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\\'"abfnrtv]))/g, (m, u8: string, u4: string, x2: string, c: string) => {
    if (c) return SIMPLE[c];
    const cp = parseInt(u8 ?? u4 ?? x2, 16);
    return cp > 0x10ffff ? m : String.fromCodePoint(cp);
  });
}

const KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface KvOptions {
  /**
   * free-form module: only keys in `options` are taken as options, everything else stays in
   * _raw_params verbatim. Otherwise every k=v token is an option.
   */
  freeForm: boolean;
  options?: ReadonlySet<string>;
  /** where the string is, for errors */
  pos?: Position;
}

/** Parse `k=v k2="v 2" rest`; words that are not options are joined into _raw_params. */
export function parseKv(s: string, opts: KvOptions): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const removed: Token[] = [];
  const raw: Token[] = [];
  for (const tok of splitArgs(s, opts.pos)) {
    const eq = eqIndex(tok.text);
    const key = eq > 0 ? tok.text.slice(0, eq) : '';
    const isOpt = eq > 0 && (KEY.test(key) || (!opts.freeForm && key.startsWith('{{'))) && (!opts.freeForm || (opts.options?.has(key) ?? false));
    if (isOpt) {
      args[key] = unquote(decodeEscapes(tok.text.slice(eq + 1)).trim());
      removed.push(tok);
    } else raw.push(tok);
  }
  if (raw.length) args._raw_params = removed.length ? cut(s, removed) : s.trim();
  return args;
}

/** the string without the removed tokens (and the blanks before each), everything else verbatim */
function cut(s: string, removed: Token[]): string {
  let out = '';
  let at = 0;
  for (const t of removed) {
    let from = t.start;
    while (from > at && (s[from - 1] === ' ' || s[from - 1] === '\t')) from--;
    out += s.slice(at, from);
    at = t.end;
  }
  out += s.slice(at);
  return out.trim();
}
