/** A ModuleContext over the real LocalConnection, and temp folders, for module tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { KbsError } from '../../../src/errors.js';
import { getModule } from '../../../src/modules/registry.js';
import type { ModuleContext, ModuleResult } from '../../../src/modules/types.js';
import { LocalConnection } from '../../../src/transport/local.js';
import { createTemplater } from '../../../src/template/index.js';
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

let templater: Templater | undefined;

/** The project's templater, made once per test process. */
export async function loadTemplater(): Promise<Templater> {
  return (templater ??= createTemplater());
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
      return t.renderString(src, all);
    },
    evaluate(expr) {
      return t.evaluate(expr, vars);
    },
    condition(expr) {
      if (typeof expr === 'boolean') return expr;
      return t.condition(expr, vars);
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
