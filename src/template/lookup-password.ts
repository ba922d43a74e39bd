/**
 * lookup('password', 'PATH length=N chars=...'): as ansible-core 2.14's password lookup, the
 * password stored in PATH (relative to the playbook's folder), or a new random one that is
 * written there first (folders 0700, file 0600, the password and a newline). `/dev/null` gives a
 * new password each time and writes nothing. `encrypt` and `seed` are refused (not implemented).
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../util/atomic.js';
import { parseKvTerm } from './lookup-kv.js';
import { searchBases } from './lookup-paths.js';
import { type Dict, pyStr, templateError } from './python.js';
import type { KbsContext } from './runtime.js';

const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const DIGITS = '0123456789';
const PUNCT = '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~';
/** Python's string module constants that `chars=` may name */
const CHARSETS: Record<string, string> = {
  ascii_letters: LOWER + UPPER,
  ascii_lowercase: LOWER,
  ascii_uppercase: UPPER,
  digits: DIGITS,
  hexdigits: DIGITS + 'abcdefABCDEF',
  octdigits: '01234567',
  punctuation: PUNCT,
  printable: DIGITS + LOWER + UPPER + PUNCT + ' \t\n\r\x0b\x0c',
  whitespace: ' \t\n\r\x0b\x0c',
};
const VALID = new Set(['length', 'encrypt', 'chars', 'ident', 'seed']);
const DEFAULT_CHARS = ['ascii_letters', 'digits', '.,:-_'];

/** `chars=ascii_letters,digits,,` -> the candidate characters (`,,` is a literal comma) */
function candidateChars(spec: string | undefined): string {
  let names: string[] = DEFAULT_CHARS;
  if (spec !== undefined) {
    names = [];
    if (spec.includes(',,')) names.push(',');
    names.push(...spec.replace(/,,/g, ',').split(',').filter(Boolean));
  }
  const chars = names.map((n) => CHARSETS[n] ?? n).join('').replace(/["']/g, '');
  if (!chars) throw templateError("lookup('password'): chars= leaves no characters to choose from");
  return chars;
}

function parseTerm(term: string): { rel: string; params: Record<string, string> } {
  const sp = term.indexOf(' ');
  if (sp < 0) return { rel: term, params: {} };
  const { params, raw } = parseKvTerm(term.slice(sp + 1));
  let rel = term.slice(0, sp);
  if (raw) {
    rel = `${rel} ${raw}`;
    if (!term.startsWith(rel)) throw templateError('Unrecognized value after key=value parameters given to password lookup');
  }
  const bad = Object.keys(params).filter((k) => !VALID.has(k));
  if (bad.length) throw templateError(`Unrecognized parameter(s) given to password lookup: ${bad.join(', ')}`);
  return { rel, params };
}

function onePassword(ctx: KbsContext, term: string, kw: Dict): string {
  const { rel, params } = parseTerm(term);
  for (const k of ['encrypt', 'seed', 'ident'] as const) {
    const v = params[k] ?? kw[k];
    if (v !== undefined && v !== null) throw templateError(`lookup('password'): ${k}= is not supported by kbs`, 'drop it to store and return the plain password');
  }
  const length = Number(params.length ?? kw.length ?? 20);
  if (!Number.isInteger(length) || length < 0) throw templateError(`lookup('password'): length must be a whole number, got ${params.length ?? pyStr(kw.length)}`);
  const chars = candidateChars(params.chars ?? (kw.chars === undefined ? undefined : Array.isArray(kw.chars) ? kw.chars.map(pyStr).join(',') : pyStr(kw.chars)));
  const file = path.resolve(searchBases(ctx).at(-1) as string, rel.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
  if (file !== '/dev/null' && fs.existsSync(file)) {
    const content = fs.readFileSync(file, 'utf8').trimEnd();
    const salt = content.lastIndexOf(' salt=');
    return salt >= 0 ? content.slice(0, salt) : content;
  }
  let password = '';
  for (let i = 0; i < length; i++) password += chars[randomInt(chars.length)];
  if (file !== '/dev/null') {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileAtomic(file, password + '\n', 0o600);
  }
  return password;
}

export function passwordLookup(ctx: KbsContext, terms: unknown[], kw: Dict): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t])).map((t) => onePassword(ctx, pyStr(t), kw));
}
