/**
 * Lookups: `lookup('env', 'HOME')`, `lookup('file', 'path')`, `query('vars', 'x')`...
 * Relative file paths are searched in role_path/files, role_path, then the base directory
 * (Templater lookupBase option, else the playbook_dir variable, else the working directory) and
 * its files/ subfolder, like Ansible.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KbsError, didYouMean } from '../errors.js';
import { splitArgs } from './args.js';
import { configLookup } from './lookup-config.js';
import { passwordLookup } from './lookup-password.js';
import { linesLookup, pipeLookup } from './lookup-pipe.js';
import { literalEval } from './literal.js';
import { findFile, readText, searchPaths } from './lookup-paths.js';
import { DATA_LOOKUPS } from './lookups-data.js';
import { noteUnsafe } from './unsafe.js';
import { LOOP_LOOKUPS } from './lookups-loops.js';
import { type Dict, hasKey, isDict, pyStr, templateError, truthy } from './python.js';
import type { KbsContext } from './runtime.js';
import type { TemplateSyntax } from './types.js';
import { Undefined } from './undefined.js';

type Lookup = (ctx: KbsContext, terms: unknown[], kw: Dict) => unknown[];

function flat(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
}

export const LOOKUPS: Record<string, Lookup> = {
  env(_ctx, terms, kw) {
    const dflt = hasKey(kw, 'default') ? kw.default : '';
    return flat(terms).map((t) => process.env[pyStr(t)] ?? dflt);
  },
  file(ctx, terms, kw) {
    const rstrip = truthy(kw.rstrip ?? true);
    const lstrip = truthy(kw.lstrip ?? false);
    return flat(terms).map((t) => {
      let text = readText(findFile(ctx, pyStr(t), 'files', 'file'));
      if (rstrip) text = text.replace(/\s+$/, '');
      if (lstrip) text = text.replace(/^\s+/, '');
      return text;
    });
  },
  unvault(ctx, terms) {
    return flat(terms).map((t) => readText(findFile(ctx, pyStr(t), 'files', 'unvault')));
  },
  template(ctx, terms, kw) {
    const convert = truthy(kw.convert_data ?? true);
    const extra = kw.template_vars ?? {};
    if (!isDict(extra)) throw templateError(`lookup('template'): template_vars must be a dictionary, got ${pyStr(extra)}`);
    const syntax: TemplateSyntax = {};
    const names = { variableStart: 'variable_start_string', variableEnd: 'variable_end_string', commentStart: 'comment_start_string', commentEnd: 'comment_end_string' } as const;
    for (const [k, n] of Object.entries(names) as [keyof typeof names, string][]) if (kw[n] !== undefined && kw[n] !== null) syntax[k] = pyStr(kw[n]);
    return flat(terms).map((t) => {
      const file = findFile(ctx, pyStr(t), 'templates', 'template');
      const vars = overlay(ctx.vars, { template_path: pyStr(t), template_fullpath: file, ...extra });
      const out = ctx.env.renderString(readText(file), vars, ctx.tctx, { ...syntax, escapeBackslashes: false });
      if (convert && (out.startsWith('[') || out.startsWith('{'))) {
        const lit = literalEval(out);
        if (lit) return lit.value;
      }
      if (convert && (out === 'True' || out === 'False')) return out === 'True';
      return out;
    });
  },
  pipe: pipeLookup,
  lines: linesLookup,
  vars(ctx, terms, kw) {
    return flat(terms).map((t) => {
      const v = ctx.resolve(pyStr(t));
      if (v instanceof Undefined) {
        if (hasKey(kw, 'default')) return kw.default;
        throw v.error();
      }
      return v;
    });
  },
  first_found(ctx, terms, kw) {
    const { search, skip } = firstFoundTerms(terms, kw);
    const subdir = typeof kw._subdir === 'string' ? kw._subdir : 'files';
    for (const f of search) {
      for (const c of searchPaths(ctx, f, subdir)) {
        if (fs.existsSync(c)) return [c];
      }
    }
    if (skip) return [];
    throw new KbsError('NOT_FOUND', 'No file was found when using first_found.', {
      hint: `looked for ${search.map((f) => `'${f}'`).join(', ')} in ${subdir}/ and the folders of the role and the playbook`,
    });
  },
  items: (_ctx, terms) => flat(terms),
  list: (_ctx, terms) => terms,
  dict(_ctx, terms) {
    return flat(terms).flatMap((t) => {
      if (!isDict(t)) throw templateError("lookup('dict') expects a dictionary");
      return Object.keys(t).map((k) => ({ key: k, value: t[k] }));
    });
  },
  password: passwordLookup,
  config: configLookup,
  ...LOOP_LOOKUPS,
  ...DATA_LOOKUPS,
};

/** Ansible's split_on: strings split at any of the characters, lists split item by item */
function splitOn(v: unknown, chars: string): string[] {
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) return v.flatMap((x) => splitOn(x, chars));
  const re = new RegExp(`[${chars}]`);
  return pyStr(v).split(re).map((x) => x.trim()).filter(Boolean);
}

/**
 * first_found's search list, as ansible-core 2.14 builds it: a term is a file name, a list of
 * terms, or a mapping with `files` (split at , and ;), `paths` (split at , : and ;) and `skip`.
 */
function firstFoundTerms(terms: unknown[], kw: Dict): { search: string[]; skip: boolean } {
  let search: string[] = [];
  let skip = truthy(kw.skip ?? false);
  const walk = (list: unknown[]): void => {
    for (const term of list) {
      let opts: Dict;
      if (isDict(term)) opts = term;
      else if (typeof term === 'string') opts = kw;
      else if (Array.isArray(term)) {
        walk(term);
        continue;
      } else throw templateError(`Invalid term supplied, can handle string, mapping or list of strings but got: ${pyStr(term)}`);
      skip = truthy(opts.skip ?? false);
      const files = splitOn(opts.files, ',;');
      const paths = splitOn(opts.paths, ',:;');
      if (paths.length) for (const p of paths) for (const f of files) search.push(path.join(p, f));
      else if (files.length) search = files;
      else search.push(pyStr(term));
    }
  };
  walk(terms);
  return { search, skip };
}

function run(ctx: KbsContext, args: unknown[]): { result: unknown[]; kw: Dict; ignored?: boolean } {
  const [pos, kw] = splitArgs(args);
  if (!pos.length) throw templateError('lookup() needs the name of a lookup plugin');
  const name = pyStr(pos[0]).replace(/^ansible\.builtin\./, '');
  const plugin = Object.prototype.hasOwnProperty.call(LOOKUPS, name) ? LOOKUPS[name] : undefined;
  if (!plugin) {
    const guess = didYouMean(name, Object.keys(LOOKUPS));
    throw templateError(
      `unknown lookup plugin '${name}'`,
      (guess ? `did you mean '${guess}'? ` : '') + `kbs supports: ${Object.keys(LOOKUPS).join(', ')}`,
    );
  }
  const terms = pos.slice(1);
  for (const t of terms) if (t instanceof Undefined) throw t.error();
  const opts: Dict = {};
  for (const k of Object.keys(kw)) if (k !== 'wantlist' && k !== 'errors' && k !== 'allow_unsafe') opts[k] = kw[k];
  try {
    const result = plugin(ctx, terms, opts);
    // as Ansible: what a lookup returns is unsafe (never templated again) unless allow_unsafe is
    // given as anything but False
    if (result.length && !allowsUnsafe(kw)) noteUnsafe();
    return { result, kw };
  } catch (e) {
    // as Ansible's Templar: errors=warn|ignore give None (a list: []); undefined variables still fail
    const soft = kw.errors === 'ignore' || kw.errors === 'warn';
    if (!soft || (e instanceof KbsError && e.code === 'UNDEFINED')) throw e;
    if (kw.errors === 'warn') ctx.env.warn?.(`the lookup plugin '${name}' failed, ignored as errors=warn asks: ${e instanceof Error ? e.message : String(e)}`);
    return { result: [], kw, ignored: true };
  }
}

/** `base` with `top`'s names on top of it (the template lookup's template_vars) */
function overlay(base: Dict, top: Dict): Dict {
  const own = (k: string | symbol): k is string => typeof k === 'string' && Object.prototype.hasOwnProperty.call(top, k);
  return new Proxy(base, {
    get: (t, k) => (own(k) ? top[k] : Reflect.get(t, k)),
    has: (t, k) => own(k) || Reflect.has(t, k),
  });
}

/** A lookup by name on rendered terms (with_<name> loops); unknown names are errors. */
export function runLookup(ctx: KbsContext, name: string, terms: unknown[], kw: Dict): unknown[] {
  const plugin = Object.prototype.hasOwnProperty.call(LOOKUPS, name) ? LOOKUPS[name] : undefined;
  if (!plugin) throw templateError(`unknown lookup plugin '${name}'`, `kbs supports: ${Object.keys(LOOKUPS).join(', ')}`);
  return plugin(ctx, terms, kw);
}

/** Ansible's `allow_unsafe is False` test, negated: only the boolean False (or no argument) keeps lookups unsafe */
const allowsUnsafe = (kw: Dict) => kw.allow_unsafe !== undefined && kw.allow_unsafe !== false;

/** `lookup(name, *terms, wantlist=False)`: strings joined with ','. */
export function lookup(this: unknown, ...args: unknown[]): unknown {
  const { result, kw, ignored } = run(this as KbsContext, args);
  if (truthy(kw.wantlist ?? false)) return result;
  if (ignored) return null;
  // as Ansible: an empty result stays an empty list, and so does every result with allow_unsafe
  // (Ansible joins the list only where it marks it unsafe)
  if (!result.length || allowsUnsafe(kw)) return result;
  if (result.every((r) => typeof r === 'string')) return result.join(',');
  return result.length === 1 ? result[0] : result;
}

/** `query(name, *terms)` / `q(...)`: always a list. */
export function query(this: unknown, ...args: unknown[]): unknown {
  return run(this as KbsContext, args).result;
}
