/** A ModuleContext over the real LocalConnection, and temp folders, for module tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { KbsError } from '../../../src/errors.js';
import { getModule } from '../../../src/modules/registry.js';
import type { ModuleContext, ModuleResult } from '../../../src/modules/types.js';
import { LocalConnection } from '../../../src/transport/local.js';
import type { Templater } from '../../../src/template/types.js';

export interface CtxOptions {
  check?: boolean;
  diff?: boolean;
  vars?: Record<string, unknown>;
  verbosity?: number;
  /** folder holding files/ and templates/ for findFile */
  base?: string;
  env?: Record<string, string>;
  /** run commands through sudo as this user */
  becomeUser?: string;
}

export interface TestCtx extends ModuleContext {
  metaCalls: string[];
  facts: { facts: Record<string, unknown>; cacheable?: boolean }[];
  /** commands run through ctx.run */
  commands: string[];
}

let templater: Templater | null | undefined;

/** The project's templater when src/template/index.ts exists, else null (a minimal stand-in is used). */
export async function loadTemplater(): Promise<Templater | null> {
  if (templater !== undefined) return templater;
  const path = new URL('../../../src/template/index.ts', import.meta.url);
  templater = null;
  if (existsSync(path)) {
    try {
      const modPath = '../../../src/template/index.js';
      const mod = (await import(modPath)) as { createTemplater?: () => Templater };
      if (mod.createTemplater) templater = mod.createTemplater();
    } catch {
      templater = null;
    }
  }
  return templater;
}

function lookup(vars: Record<string, unknown>, expr: string): unknown {
  let cur: unknown = vars;
  for (const part of expr.trim().split('.')) {
    if (cur === null || typeof cur !== 'object' || !(part in (cur as object))) {
      throw new KbsError('UNDEFINED', `'${expr.trim()}' is undefined`);
    }
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

/** stand-in: {{ dotted.name }} substitution only */
function miniRender(src: string, vars: Record<string, unknown>): string {
  return src.replace(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g, (_, e: string) => String(lookup(vars, e)));
}

/** stand-in: the Jinja2 expression as JavaScript (and/or/not), variables as parameters */
function miniEval(expr: string, vars: Record<string, unknown>): unknown {
  const js = expr.replace(/\band\b/g, '&&').replace(/\bor\b/g, '||').replace(/\bnot\b/g, '!');
  const names = Object.keys(vars).filter((k) => /^[A-Za-z_]\w*$/.test(k));
  try {
    return new Function(...names, `return (${js});`)(...names.map((n) => vars[n]));
  } catch (e) {
    if (e instanceof ReferenceError) throw new KbsError('UNDEFINED', e.message);
    throw e;
  }
}

export async function makeCtx(o: CtxOptions = {}): Promise<TestCtx> {
  const conn = new LocalConnection('localhost');
  const vars = o.vars ?? {};
  const t = await loadTemplater();
  const ctx: TestCtx = {
    host: 'localhost',
    conn,
    check: o.check ?? false,
    diff: o.diff ?? false,
    vars,
    verbosity: o.verbosity ?? 0,
    metaCalls: [],
    facts: [],
    commands: [],
    run(cmd, opts) {
      ctx.commands.push(cmd);
      const become = o.becomeUser ? { become: true, becomeUser: o.becomeUser } : {};
      return conn.exec(cmd, { ...opts, ...become, env: { ...(o.env ?? {}), ...(opts?.env ?? {}) } });
    },
    render(src, extra) {
      const all = { ...vars, ...(extra ?? {}) };
      return t ? t.renderString(src, all) : miniRender(src, all);
    },
    evaluate(expr) {
      return t ? t.evaluate(expr, vars) : miniEval(expr, vars);
    },
    condition(expr) {
      if (typeof expr === 'boolean') return expr;
      return t ? t.condition(expr, vars) : Boolean(miniEval(String(expr), vars));
    },
    findFile(kind, src) {
      const p = src.startsWith('/') ? src : join(o.base ?? '/nonexistent', kind, src);
      if (!existsSync(p)) throw new KbsError('NOT_FOUND', `could not find or access '${src}'`);
      return p;
    },
    meta(action) {
      ctx.metaCalls.push(action);
    },
    setFacts(facts, cacheable) {
      ctx.facts.push({ facts, cacheable });
    },
  };
  return ctx;
}

/** Run a module by name with the given args. */
export async function runModule(name: string, args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult> {
  const m = getModule(name);
  if (!m) throw new Error(`no module ${name}`);
  return m.run(args, ctx);
}

/** A fresh temp folder, removed by the returned cleanup. */
export function tempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-mod-'));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
