/**
 * The ini, csvfile, random_choice and url (./lookup-url.ts) lookups of ansible-core 2.14: INI and Java properties files
 * read with Python's configparser rules, CSV/TSV files with csv.reader's (./pyconfigparser.ts),
 * found in the lookups' search path (files/ of the role, the role, the playbook folder).
 */
import { randomInt } from 'node:crypto';
import { findFile, readText } from './lookup-paths.js';
import { parseKvTerm } from './lookup-kv.js';
import { urlLookup } from './lookup-url.js';
import { ConfigParser, NoSection, csvRows } from './pyconfigparser.js';
import { type Dict, hasKey, pyStr, templateError, truthy } from './python.js';
import type { KbsContext } from './runtime.js';

type Lookup = (ctx: KbsContext, terms: unknown[], kw: Dict) => unknown[];

const INI_OPTIONS = ['type', 'file', 'section', 're', 'encoding', 'default', 'case_sensitive', 'allow_no_value', 'allow_none'];

/** the ini lookup's old inline form: words after the key, `name=value` starting a new option (ini.py _parse_params) */
function iniParams(term: string): string[] {
  const params: Record<string, string> = {};
  const keys: string[] = [];
  let current = 'key';
  term.split(/\s+/).filter(Boolean).forEach((phrase, i) => {
    if (phrase.includes('=')) for (const k of INI_OPTIONS) if (phrase.includes(`${k}=`)) current = k;
    if (i === 0 || !params[current]) {
      params[current] = phrase;
      keys.push(current);
    } else params[current] += ` ${phrase}`;
  });
  return keys.map((k) => params[k]);
}

function ini(ctx: KbsContext, terms: unknown[], kw: Dict): unknown[] {
  for (const k of Object.keys(kw)) if (!INI_OPTIONS.includes(k)) throw templateError(`Unrecognized option '${k}' for the ini lookup`, `options: ${INI_OPTIONS.join(', ')}`);
  const base: Record<string, unknown> = { type: 'ini', file: 'ansible.ini', section: 'global', re: false, encoding: 'utf-8', default: '', case_sensitive: false, allow_no_value: false, ...kw };
  if (hasKey(kw, 'allow_none') && !hasKey(kw, 'allow_no_value')) base.allow_no_value = kw.allow_none;
  const out: unknown[] = [];
  for (const t of terms) {
    const term = pyStr(t);
    const o = { ...base };
    let key = term;
    if (term.includes('=') || term.trim().includes(' ')) {
      let found = false;
      for (const p of iniParams(term)) {
        if (p.includes('=')) {
          const parts = p.split('=');
          if (parts.length !== 2) throw templateError(`Could not use '${p}' from '${term}': too many values to unpack (expected 2)`);
          if (!INI_OPTIONS.includes(parts[0])) throw templateError(`${parts[0]} is not a valid option.`);
          o[parts[0]] = parts[1];
        } else if (!found) {
          key = p;
          found = true;
        }
      }
      if (!found) throw templateError(`No key to lookup was provided as first term with in string inline options: ${term}`);
    }
    const type = pyStr(o.type);
    if (type !== 'ini' && type !== 'properties') throw templateError(`ini lookup: type must be one of ini, properties, got ${type}`);
    const file = findFile(ctx, pyStr(o.file), 'files', 'ini');
    const cp = new ConfigParser({ caseSensitive: truthy(o.case_sensitive), allowNoValue: truthy(o.allow_no_value) });
    const section = type === 'properties' ? 'java_properties' : pyStr(o.section);
    try {
      cp.read((type === 'properties' ? '[java_properties]\n' : '') + readText(file));
    } catch (e) {
      if (/already exists/.test((e as Error).message)) throw templateError(`Duplicate option in '${pyStr(o.file)}': ${(e as Error).message}`);
      throw e;
    }
    try {
      if (truthy(o.re)) {
        const re = new RegExp(`^(?:${key})`);
        for (const [k, v] of cp.items(section)) if (re.test(k)) out.push(v);
      } else {
        const v = cp.get(section, key);
        const value = v === undefined ? o.default : v;
        if (value !== null && value !== undefined) out.push(value);
      }
    } catch (e) {
      if (e instanceof NoSection) throw templateError(`No section '${section}' in ${pyStr(o.file)}`);
      throw e;
    }
  }
  return out;
}

const CSV_OPTIONS = ['col', 'default', 'delimiter', 'file', 'encoding'];

function csvfile(ctx: KbsContext, terms: unknown[], kw: Dict): unknown[] {
  for (const k of Object.keys(kw)) if (!CSV_OPTIONS.includes(k)) throw templateError(`Unrecognized option '${k}' for the csvfile lookup`, `options: ${CSV_OPTIONS.join(', ')}`);
  const base: Record<string, unknown> = { col: '1', default: null, delimiter: 'TAB', file: 'ansible.csv', encoding: 'utf-8', ...kw };
  const out: unknown[] = [];
  for (const t of terms) {
    // the search key as written: quotes are part of it (the module's documented historical rule)
    const { params, rawText: raw } = parseKvTerm(pyStr(t));
    if (!raw) throw templateError('Search key is required but was not found');
    const o = { ...base };
    for (const [k, v] of Object.entries(params)) {
      if (!CSV_OPTIONS.includes(k)) throw templateError(`${k} is not a valid option`);
      o[k] = v;
    }
    const delimiter = pyStr(o.delimiter) === 'TAB' ? '\t' : pyStr(o.delimiter);
    const file = findFile(ctx, pyStr(o.file), 'files', 'csvfile');
    let value: unknown = o.default;
    try {
      for (const row of csvRows(readText(file), delimiter)) {
        if (row.length && row[0] === raw) {
          const col = Number(pyStr(o.col));
          if (!Number.isInteger(col)) throw new Error(`invalid literal for int() with base 10: '${pyStr(o.col)}'`);
          const i = col < 0 ? row.length + col : col;
          if (i < 0 || i >= row.length) throw new Error('list index out of range');
          value = row[i];
          break;
        }
      }
    } catch (e) {
      throw templateError(`csvfile: ${(e as Error).message}`);
    }
    if (value !== null && value !== undefined) out.push(value);
  }
  return out;
}

export const DATA_LOOKUPS: Record<string, Lookup> = {
  ini,
  csvfile,
  random_choice: (_ctx, terms) => (terms.length ? [terms[randomInt(terms.length)]] : terms),
  url: urlLookup,
};
