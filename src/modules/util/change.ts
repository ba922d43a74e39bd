/**
 * The one seam through which a planned module changes a host. A module split for planning reads
 * its args (declare.ts), runs one probe script, and plans from the probe's output with a pure
 * function: the result to report and the changes to make, each with a description. runPlanned
 * applies the changes (files first, then commands, in order) unless in check mode, where the
 * plan is only reported; so check mode, --diff and planning tests need no host.
 * A module that must read the host between its changes makes each change through `change()`,
 * the same seam one change at a time: run unless in check mode.
 */
import type { ExecOptions, ExecResult } from '../../transport/types.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import type { DeclaredArgs } from './declare.js';
import { remoteError, writeFile, type WriteOutcome, type WriteSpec } from './remote.js';

export interface Change {
  /** what the change does, in words (shown by plans and tests) */
  description: string;
  /** a shell command run on the host */
  command?: string;
  /** what the command reads on its stdin (a password for `chpasswd -e`, a crontab) */
  stdin?: string;
  /** or a file written atomically */
  write?: { path: string; data: string | Buffer; mode: number; mkdirs?: boolean };
  /** what the result becomes when the command fails; default: fail with "cannot DESCRIPTION" */
  fail?: (r: ExecResult) => Partial<ModuleResult>;
  /** or the whole result when the command fails (nothing of the plan's result kept) */
  failWith?: (r: ExecResult) => ModuleResult;
  /** what the result gains when the command succeeds, read from its output (an id the host assigned) */
  done?: (r: ExecResult) => Partial<ModuleResult>;
  /** after the command succeeded: the whole result when its output shows the change did not take */
  verify?: (r: ExecResult) => ModuleResult | undefined;
}

export interface Plan {
  result: ModuleResult;
  changes: Change[];
  /** the result's `changed` whatever the changes (a failure reported after a change, as Ansible's fail_json: false) */
  reportChanged?: boolean;
}

/** A module as args, a probe and a pure plan. */
export interface Planner<A> {
  args: DeclaredArgs<A>;
  /** the script that reads the host's current state */
  probe(a: A): string;
  /** what to change, from the probe's output; `diff` asks for before/after, `check` tells check mode */
  plan(a: A, probe: string, opts: { diff: boolean; check?: boolean }): Plan;
  /** the message when the probe fails */
  probeError(a: A): string;
  /** or the module's own result when the probe fails */
  probeFailed?(a: A, r: ExecResult): ModuleResult;
}

/** Probe, plan, and apply the plan's changes unless in check mode. */
export async function runPlanned<A>(p: Planner<A>, args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult> {
  return runPlannedArgs(p, p.args.read(args), ctx);
}

/** runPlanned with the args already read (and completed from the host, e.g. a path expanded). */
export async function runPlannedArgs<A>(p: Planner<A>, a: A, ctx: ModuleContext): Promise<ModuleResult> {
  const q = await ctx.run(p.probe(a));
  if (q.rc !== 0) {
    if (p.probeFailed) return p.probeFailed(a, q);
    throw remoteError(p.probeError(a), q);
  }
  const plan = p.plan(a, q.stdout, { diff: ctx.diff, check: ctx.check });
  return applyPlan(ctx, plan);
}

export async function applyPlan(ctx: ModuleContext, plan: Plan): Promise<ModuleResult> {
  let result = { ...plan.result, changed: plan.reportChanged ?? (plan.result.changed || plan.changes.length > 0) };
  if (ctx.check || !plan.changes.length) return result;
  for (const c of plan.changes) {
    if (c.write) await writeFile(ctx, { dest: c.write.path, mode: c.write.mode, mkdirs: c.write.mkdirs }, typeof c.write.data === 'string' ? Buffer.from(c.write.data) : c.write.data);
  }
  for (const c of plan.changes) {
    if (c.command === undefined) continue;
    const r = c.stdin === undefined ? await ctx.run(c.command) : await ctx.run(c.command, { stdin: c.stdin });
    if (r.rc !== 0) {
      if (c.failWith) return c.failWith(r);
      if (c.fail) return { ...result, ...c.fail(r) };
      throw remoteError(`cannot ${c.description}`, r);
    }
    const wrong = c.verify?.(r);
    if (wrong) return wrong;
    if (c.done) result = { ...result, ...c.done(r) };
  }
  return result;
}

/** How change() runs its command: the exec options (stdin, env), and whether a failure is returned. */
export interface ChangeOptions extends Omit<ExecOptions, 'become' | 'becomeUser'> {
  /** a failing command's result is returned for the module to report, instead of raised */
  keepFailure?: boolean;
}

/**
 * One change to the host: in check mode nothing runs (undefined is returned); otherwise the
 * command runs and a failure raises "cannot DESCRIPTION" with its output (or, with keepFailure,
 * is returned). An empty command is no change.
 */
export async function change(ctx: ModuleContext, description: string, command: string, opts: ChangeOptions = {}): Promise<ExecResult | undefined> {
  if (!command || ctx.check) return undefined;
  const { keepFailure, ...exec } = opts;
  const r = Object.keys(exec).length ? await ctx.run(command, exec) : await ctx.run(command);
  if (r.rc !== 0 && !keepFailure) throw remoteError(`cannot ${description}`, r);
  return r;
}

/**
 * One file written atomically through the seam (util/remote.ts writeFile: owner, backup, validate,
 * a remote source): in check mode nothing is written and undefined is returned.
 */
export async function changeFile(ctx: ModuleContext, w: WriteSpec, data?: Buffer): Promise<WriteOutcome | undefined> {
  if (ctx.check) return undefined;
  return writeFile(ctx, w, data);
}

/** The `key<TAB>value` lines of a probe's output. */
export function probeFields(out: string): Record<string, string> {
  const v: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const t = line.indexOf('\t');
    if (t > 0) v[line.slice(0, t)] = line.slice(t + 1);
  }
  return v;
}

/** The `@@name` sections of a probe's output: name → the text up to the next section. */
export function probeSections(out: string): Record<string, string> {
  const s: Record<string, string> = {};
  const parts = out.split(/^@@(\w+)\n/m);
  for (let i = 1; i < parts.length; i += 2) s[parts[i]] = parts[i + 1] ?? '';
  return s;
}
