/**
 * Python-style argument binding for filters, tests and lookups: positional arguments, then
 * keyword arguments (`combine(b, recursive=True)`), checked against the parameter names.
 */
import { isKwargs } from './nunjucks.js';
import { templateError } from './python.js';
import { Undefined } from './undefined.js';

/** Split raw call arguments into positional ones and the keyword dict. */
export function splitArgs(args: unknown[]): [unknown[], Record<string, unknown>] {
  if (args.length && isKwargs(args[args.length - 1])) {
    const kw: Record<string, unknown> = {};
    const raw = args[args.length - 1] as Record<string, unknown>;
    for (const k of Object.keys(raw)) if (k !== '__keywords') kw[k] = raw[k];
    return [args.slice(0, -1), kw];
  }
  return [args, {}];
}

/**
 * Bind arguments to named parameters with defaults, e.g.
 * `bind('default', args, { default_value: '', boolean: false })`.
 */
export function bind<T extends Record<string, unknown>>(fname: string, args: unknown[], params: T): T {
  const [pos, kw] = splitArgs(args);
  const names = Object.keys(params);
  if (pos.length > names.length) {
    throw templateError(`${fname}() takes at most ${names.length} argument(s), ${pos.length} given`);
  }
  const out: Record<string, unknown> = { ...params };
  pos.forEach((v, i) => {
    out[names[i]] = v;
  });
  for (const k of Object.keys(kw)) {
    if (!Object.prototype.hasOwnProperty.call(params, k)) {
      throw templateError(`${fname}() got an unexpected keyword argument '${k}'`, `parameters: ${names.join(', ') || '(none)'}`);
    }
    if (names.indexOf(k) < pos.length) throw templateError(`${fname}() got multiple values for argument '${k}'`);
    out[k] = kw[k];
  }
  return out as T;
}

/** Throw the UNDEFINED error of the first Undefined among the arguments (and keyword arguments). */
export function assertDefinedArgs(args: unknown[]): void {
  for (const a of args) {
    if (a instanceof Undefined) throw a.error();
    if (isKwargs(a)) for (const k of Object.keys(a)) if (a[k] instanceof Undefined) throw (a[k] as Undefined).error();
  }
}
