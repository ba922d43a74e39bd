/**
 * The templater: Jinja2 syntax through nunjucks, with Ansible's filters, tests, lookups and strict
 * undefined variables. See types.ts for the contract.
 *
 *   const t = createTemplater();
 *   t.render('{{ groups["masters"] | length }}', vars)   // -> 3 (native value)
 *   t.condition('ansible_os_family == "Debian"', vars)   // -> true
 */
import { types } from 'node:util';
import { KbsError } from '../errors.js';
import { compileTemplate, type Compiled } from './compiled.js';
import { createEnv, OMIT } from './env.js';
import { isSafeString, njRuntime, TemplateError } from './nunjucks.js';
import { runLookup } from './lookups.js';
import { isPyFloat } from './float.js';
import { literalEval } from './literal.js';
import { type Dict, hasKey, isDict, isTuple, outputStr, setKey, truthy } from './python.js';
import { KbsContext, kbsRuntime, type KbsEnv } from './runtime.js';
import type { TemplateContext, TemplateSyntax, Templater } from './types.js';
import { Undefined } from './undefined.js';
import { PyObject } from './pyobject.js';

export { OMIT } from './env.js';
export { isUndefinedError, Undefined } from './undefined.js';
export type { TemplateContext, Templater } from './types.js';

export interface TemplaterOptions {
  /** base directory for relative lookup('file') paths; default: the playbook_dir variable, else cwd */
  lookupBase?: string;
  /** maximum number of compiled templates kept (default 10000) */
  cacheSize?: number;
  /** where warnings go (lookup errors=warn); without it they are dropped */
  warn?: (msg: string) => void;
}

export interface TemplaterStats {
  /** number of template compilations (each distinct source is compiled once) */
  compiles: number;
  /** number of renders served from the compile cache */
  hits: number;
}

export interface KbsTemplater extends Templater {
  readonly stats: TemplaterStats;
}

const MARKUP = /\{\{|\{%|\{#/;
/** Ansible's Templar.SINGLE_VAR: a template that only names one variable */
const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}$/;
/** where a variable scope keeps its values before templating (src/vars/scope.ts) */
const RAW_VARS = Symbol.for('kbs.raw');

function newlinesAtEnd(s: string): number {
  let n = 0;
  while (n < s.length && s[s.length - 1 - n] === '\n') n++;
  return n;
}

/** Ansible's preserve_trailing_newlines: the output ends with at least as many newlines as the source. */
function keepNewlines(out: string, source: string): string {
  const missing = newlinesAtEnd(source) - newlinesAtEnd(out);
  return missing > 0 ? out + '\n'.repeat(missing) : out;
}

export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && MARKUP.test(value);
}

/** Ansible's truthiness of a condition's value ('yes'/'no'/'on'/'off' strings count as booleans). */
export function ansibleTruthy(v: unknown): boolean {
  if (typeof v === 'string' || isSafeString(v)) {
    const s = String(v).trim().toLowerCase();
    if (s === 'true' || s === 'yes' || s === 'on' || s === '1') return true;
    if (s === 'false' || s === 'no' || s === 'off' || s === '0' || s === '') return false;
    return true;
  }
  return truthy(v);
}

const BOOL_WORDS: Record<string, boolean> = { true: true, yes: true, on: true, false: false, no: false, off: false };

/** Values out of a native template: strings for SafeStrings, null for JS undefined (floats stay PyFloat); Undefined raises. */
function finalize(v: unknown, seen: Set<object> = new Set()): unknown {
  if (v instanceof Undefined) throw v.error();
  if (v === undefined) return null;
  if (isSafeString(v)) return String(v);
  // a datetime or timedelta leaves the template as its text, as Ansible's (non-native) templating gives it
  if (v instanceof PyObject) return v.str();
  if (typeof v !== 'object' || v === null || isPyFloat(v)) return v;
  if (seen.has(v) || types.isProxy(v)) return v; // lazy views (scopes, hostvars) are not walked
  seen.add(v);
  if (Array.isArray(v)) {
    let out = v;
    v.forEach((x, i) => {
      const y = finalize(x, seen);
      if (y !== x) {
        if (out === v) out = v.slice();
        out[i] = y;
      }
    });
    return out;
  }
  let out = v as Dict;
  for (const k of Object.keys(v)) {
    const x = (v as Dict)[k];
    const y = finalize(x, seen);
    if (y !== x) {
      if (out === v) out = { ...(v as Dict) };
      setKey(out, k, y);
    }
  }
  return out;
}

/** Remove OMIT values: dict entries and list items whose value is OMIT, recursively (Ansible's remove_omit). */
export function removeOmit(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((x) => x !== OMIT).map(removeOmit);
  if (isDict(value)) {
    const out: Dict = {};
    for (const k of Object.keys(value)) if (value[k] !== OMIT) setKey(out, k, removeOmit(value[k]));
    return out;
  }
  return value;
}

const decorated = new WeakSet<KbsError>();

function excerpt(source: string, line?: number): string {
  const lines = source.split('\n');
  const text = (line && lines[line - 1] !== undefined ? lines[line - 1] : lines[0]).trim();
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}

/** Turn anything thrown while compiling or rendering into a KbsError with the caller's position. */
function toKbsError(err: unknown, ctx: TemplateContext | undefined, source: string, phase: 'compile' | 'render'): KbsError {
  const prefix = ctx?.task ? `task "${ctx.task}": ` : '';
  if (err instanceof KbsError) {
    if (decorated.has(err)) return err;
    const e = new KbsError(err.code, prefix + err.message, {
      pos: err.pos ?? ctx?.pos,
      host: err.host,
      hint: err.hint,
      detail: err.detail,
      cause: err.cause,
    });
    decorated.add(e);
    return e;
  }
  const raw = err instanceof Error ? err.message : String(err);
  const lineno = (err as { lineno?: number }).lineno;
  const colno = (err as { colno?: number }).colno;
  const where = lineno ? ` (template line ${lineno}${colno ? `, column ${colno}` : ''})` : '';
  const e =
    phase === 'compile' || err instanceof TemplateError
      ? new KbsError('TEMPLATE', `${prefix}template syntax error: ${raw}${where}`, {
          pos: ctx?.pos,
          hint: `check the Jinja2 syntax in: ${excerpt(source, lineno)}`,
        })
      : new KbsError('TEMPLATE', `${prefix}template error: ${raw}`, { pos: ctx?.pos, cause: err });
  decorated.add(e);
  return e;
}

class TemplaterImpl implements KbsTemplater {
  readonly stats: TemplaterStats = { compiles: 0, hits: 0 };
  private readonly cache = new Map<string, Compiled>();
  private readonly exprCache = new Map<string, Compiled>();
  private readonly env: KbsEnv;
  private readonly max: number;

  constructor(opts: TemplaterOptions) {
    this.env = createEnv(opts.lookupBase, (s, v, c, syn) => this.renderString(s, v, c, syn), opts.warn);
    this.max = opts.cacheSize ?? 10000;
  }

  isTemplate(value: unknown): boolean {
    return isTemplate(value);
  }

  render(value: unknown, vars: Dict, ctx?: TemplateContext): unknown {
    if (typeof value === 'string') return this.template(value, vars, ctx);
    if (Array.isArray(value)) return value.map((v) => this.render(v, vars, ctx));
    if (isDict(value)) {
      const out: Dict = {};
      for (const k of Object.keys(value)) {
        const key = isTemplate(k) ? this.renderString(k, vars, ctx) : k;
        setKey(out, key, this.render(value[k], vars, ctx));
      }
      return out;
    }
    return value;
  }

  renderString(source: string, vars: Dict, ctx?: TemplateContext, syntax?: TemplateSyntax): string {
    if (syntax) return this.renderWith(source, vars, syntax, ctx);
    if (!isTemplate(source)) return source;
    const c = this.compiled(source, ctx);
    return this.output(c, vars, ctx, source);
  }

  /** A compiled template's text: a single `{{ expr }}` printed as Ansible prints its value, with the source's trailing newlines. */
  private output(c: Compiled, vars: Dict, ctx: TemplateContext | undefined, source: string): string {
    let out: string;
    if (c.single) {
      const v = this.run(c, vars, ctx, source);
      out = c.single.lead + this.guard(() => outputStr(v), ctx, source) + c.single.trail;
    } else out = this.run(c, vars, ctx, source) as string;
    return keepNewlines(out, source);
  }

  /**
   * renderString with other delimiters or trim/lstrip options: the text of a template file (the
   * template module, the template lookup), whose compiled form is kept across runs as a playbook's
   * own templates are (compiled.ts).
   */
  private renderWith(source: string, vars: Dict, syntax: TemplateSyntax, ctx?: TemplateContext): string {
    const key = `${JSON.stringify(syntax)}\0${source}`;
    let c = this.cache.get(key);
    if (c) this.stats.hits++;
    else {
      c = this.compile(source, ctx, false, syntax, true);
      this.remember(this.cache, key, c);
    }
    return this.output(c, vars, ctx, source);
  }

  /**
   * Ansible's Templar.template() of a string (convert_data on, jinja2_native off): a template that
   * names one variable holding a number, a boolean or None gives that value; any other renders to
   * text, and text that starts with `[` or `{` and reads as a Python literal becomes that list or
   * dict, "True"/"False" become booleans. A list or dict that is the whole result stays as it is
   * (Ansible's text of it reads back to the same value).
   */
  private template(source: string, vars: Dict, ctx?: TemplateContext): unknown {
    if (!isTemplate(source)) return source;
    const one = SINGLE_VAR.exec(source);
    if (one && vars && (one[1] in vars || hasKey(vars, one[1]))) {
      // the variable's own value, before templating (a scope's raw layer), as Ansible looks at it
      const raw = ((vars as Record<symbol, unknown>)[RAW_VARS] as Dict | undefined) ?? vars;
      const v = raw[one[1]];
      if (v === null || typeof v === 'boolean' || typeof v === 'number' || isPyFloat(v)) return v;
    }
    const c = this.compiled(source, ctx);
    let out: string;
    if (c.single) {
      const v = this.run(c, vars, ctx, source);
      const whole = c.single.lead === '';
      if (whole && (Array.isArray(v) ? !isTuple(v) : isDict(v))) return this.guard(() => finalize(v), ctx, source);
      if (whole && c.single.trail === '' && typeof v === 'boolean') return v;
      out = c.single.lead + this.guard(() => outputStr(v), ctx, source) + c.single.trail;
      if (c.single.text) return keepNewlines(out, source);
    } else out = this.run(c, vars, ctx, source) as string;
    if (out.startsWith('[') || out.startsWith('{')) {
      const lit = literalEval(out);
      if (lit) return finalize(lit.value);
    }
    if (out === 'True' || out === 'False') return out === 'True';
    return keepNewlines(out, source);
  }

  /** The value of a bare Jinja2 expression as Jinja2 computes it (native types, no text conversion). */
  evaluate(expr: string, vars: Dict, ctx?: TemplateContext): unknown {
    if (typeof expr !== 'string') return expr;
    const text = expr.trim();
    if (isTemplate(text)) {
      const c = this.compiled(text, ctx);
      if (c.single) return this.guard(() => finalize(this.run(c, vars, ctx, text)), ctx, text);
      // "{{ a }} == {{ b }}": render first, then evaluate the result
      return this.evaluate(this.renderString(text, vars, ctx).trim(), vars, ctx);
    }
    if (text === '') throw toKbsError(new KbsError('TEMPLATE', 'empty expression'), ctx, expr, 'render');
    return this.guard(() => finalize(this.evaluateBare(text, vars, ctx)), ctx, text);
  }

  /**
   * A keyword's boolean (no_log, become, ignore_errors, check_mode...): a boolean, a 'yes'/'no'
   * style string, or an expression whose value counts by Ansible's boolean rules.
   */
  condition(expr: unknown, vars: Dict, ctx?: TemplateContext): boolean {
    if (expr === null || expr === undefined) return true; // no condition (Ansible)
    if (typeof expr === 'boolean') return expr;
    if (typeof expr === 'number') return expr !== 0;
    if (Array.isArray(expr)) return expr.every((e) => this.condition(e, vars, ctx));
    if (typeof expr !== 'string') {
      throw toKbsError(new KbsError('TEMPLATE', `a condition must be a string, boolean or list, not ${typeof expr}`), ctx, '', 'render');
    }
    const text = expr.trim();
    if (text === '') return true; // an empty condition is no condition (Ansible)
    const word = BOOL_WORDS[text.toLowerCase()];
    if (word !== undefined) return word;
    const v = this.evaluate(text, vars, ctx);
    return this.guard(() => ansibleTruthy(v), ctx, text);
  }

  /**
   * A conditional (when, changed_when, failed_when, until, assert's that) as Ansible 2.14's
   * Conditional: the text is templated first; a result that is not text (a boolean, a number, a
   * list) counts by Python's truth, and text is then evaluated as a Jinja2 expression, so that
   * `when: var` with var "false" holds (a non-empty string) and `when: "{{ var }}"` does not.
   */
  conditional(expr: unknown, vars: Dict, ctx?: TemplateContext): boolean {
    if (expr === null || expr === undefined || expr === '') return true;
    if (typeof expr === 'boolean') return expr;
    if (Array.isArray(expr)) return expr.every((e) => this.conditional(e, vars, ctx));
    const first = typeof expr === 'string' ? this.template(expr, vars, ctx) : expr;
    if (typeof first !== 'string' || first === '') return this.guard(() => truthy(first), ctx, String(expr));
    if (first.trim() === '') throw toKbsError(new KbsError('TEMPLATE', `invalid conditional: '${first}'`), ctx, first, 'render');
    return this.guard(() => truthy(this.evaluateBare(first.trim(), vars, ctx)), ctx, first);
  }

  query(name: string, terms: unknown[], vars: Dict, ctx?: TemplateContext, kw: Dict = {}): unknown[] {
    const context = new KbsContext(vars ?? {}, this.env, ctx);
    return this.guard(() => runLookup(context, name, terms, kw), ctx, `with_${name}`);
  }

  private evaluateBare(expr: string, vars: Dict, ctx?: TemplateContext): unknown {
    let c = this.exprCache.get(expr);
    if (c) this.stats.hits++;
    else {
      const source = `{{ ${expr} }}`;
      c = this.compile(source, ctx, true);
      if (!c.single) {
        throw toKbsError(new Error(`'${expr}' is not a single expression`), ctx, expr, 'compile');
      }
      this.remember(this.exprCache, expr, c);
    }
    return this.run(c, vars, ctx, expr);
  }

  private compiled(source: string, ctx?: TemplateContext): Compiled {
    const hit = this.cache.get(source);
    if (hit) {
      this.stats.hits++;
      return hit;
    }
    const c = this.compile(source, ctx, false);
    this.remember(this.cache, source, c);
    return c;
  }

  private remember(map: Map<string, Compiled>, key: string, c: Compiled): void {
    if (map.size >= this.max) map.delete(map.keys().next().value as string);
    map.set(key, c);
  }

  private compile(source: string, ctx: TemplateContext | undefined, expression: boolean, syntax?: TemplateSyntax, keep = false): Compiled {
    try {
      const c = compileTemplate(source, expression, syntax, keep);
      this.stats.compiles++;
      return c;
    } catch (e) {
      const err = e as { lineno?: number; colno?: number };
      if (expression && err.lineno === 1 && typeof err.colno === 'number') err.colno = Math.max(1, err.colno - 3);
      throw toKbsError(e, ctx, expression ? source.slice(3, -3) : source, 'compile');
    }
  }

  private run(c: Compiled, vars: Dict, ctx: TemplateContext | undefined, source: string): unknown {
    const context = new KbsContext(vars ?? {}, this.env, ctx);
    context.blocks = c.props as unknown as Dict;
    const frame = new njRuntime.Frame();
    frame.topLevel = true;
    let error: unknown;
    let output: unknown;
    let done = false;
    try {
      c.props.root(this.env, context, frame, kbsRuntime, (err, res) => {
        done = true;
        error = err;
        output = res;
      });
    } catch (e) {
      error = e;
      done = true;
    }
    if (error) throw toKbsError(error, ctx, source, 'render');
    if (!done) throw toKbsError(new KbsError('INTERNAL', 'template did not finish synchronously'), ctx, source, 'render');
    return c.single ? context.native : output;
  }

  private guard<T>(fn: () => T, ctx: TemplateContext | undefined, source: string): T {
    try {
      return fn();
    } catch (e) {
      throw toKbsError(e, ctx, source, 'render');
    }
  }
}

/** Create a templater. Each instance has its own compile cache. */
export function createTemplater(opts: TemplaterOptions = {}): KbsTemplater {
  return new TemplaterImpl(opts);
}
