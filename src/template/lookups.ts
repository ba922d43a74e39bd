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
import { type Dict, hasKey, isDict, isStr, pyStr, templateError, truthy } from './python.js';
import type { KbsContext } from './runtime.js';
import { Undefined } from './undefined.js';

type Lookup = (ctx: KbsContext, terms: unknown[], kw: Dict) => unknown[];

function searchPaths(ctx: KbsContext, rel: string, subdir: string): string[] {
  if (path.isAbsolute(rel)) return [rel];
  const out: string[] = [];
  const rolePath = ctx.resolve('role_path');
  if (isStr(rolePath)) out.push(path.join(String(rolePath), subdir, rel), path.join(String(rolePath), rel));
  const pd = ctx.resolve('playbook_dir');
  const base = ctx.env.lookupBase ?? (isStr(pd) ? String(pd) : process.cwd());
  out.push(path.join(base, subdir, rel), path.join(base, rel));
  return [...new Set(out)];
}

function findFile(ctx: KbsContext, rel: string, subdir: string, what: string): string {
  const candidates = searchPaths(ctx, rel, subdir);
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // try the next one
    }
  }
  throw new KbsError('NOT_FOUND', `lookup('${what}'): could not find '${rel}'`, {
    hint: `searched: ${candidates.join(', ')}`,
  });
}

function readText(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new KbsError('NOT_FOUND', `cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

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
  template(ctx, terms) {
    return flat(terms).map((t) => {
      const file = findFile(ctx, pyStr(t), 'templates', 'template');
      return ctx.env.renderString(readText(file), ctx.vars, ctx.tctx);
    });
  },
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
    const files = flat(terms).flatMap((t) => (isDict(t) ? flat([t.files ?? []]) : [t])).map((t) => pyStr(t));
    for (const f of files) {
      for (const c of searchPaths(ctx, f, 'files')) {
        if (fs.existsSync(c)) return [c];
      }
    }
    if (truthy(kw.skip ?? false)) return [];
    throw new KbsError('NOT_FOUND', `lookup('first_found'): none of ${files.map((f) => `'${f}'`).join(', ')} found`);
  },
  items: (_ctx, terms) => flat(terms),
  list: (_ctx, terms) => terms,
  dict(_ctx, terms) {
    return flat(terms).flatMap((t) => {
      if (!isDict(t)) throw templateError("lookup('dict') expects a dictionary");
      return Object.keys(t).map((k) => ({ key: k, value: t[k] }));
    });
  },
};

function run(ctx: KbsContext, args: unknown[]): { result: unknown[]; kw: Dict } {
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
  for (const k of Object.keys(kw)) if (k !== 'wantlist' && k !== 'errors') opts[k] = kw[k];
  try {
    return { result: plugin(ctx, terms, opts), kw };
  } catch (e) {
    if (kw.errors === 'ignore' && !(e instanceof KbsError && e.code === 'UNDEFINED')) return { result: [], kw };
    throw e;
  }
}

/** `lookup(name, *terms, wantlist=False)`: strings joined with ','. */
export function lookup(this: unknown, ...args: unknown[]): unknown {
  const { result, kw } = run(this as KbsContext, args);
  if (truthy(kw.wantlist ?? false)) return result;
  if (result.every((r) => typeof r === 'string')) return result.join(',');
  return result.length === 1 ? result[0] : result;
}

/** `query(name, *terms)` / `q(...)`: always a list. */
export function query(this: unknown, ...args: unknown[]): unknown {
  return run(this as KbsContext, args).result;
}
