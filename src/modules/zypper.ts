/**
 * community.general.zypper: packages on SUSE and openSUSE, as community.general's module does it
 * (its 6.6.2 commands and results; `quiet` and `simple_errors` of 10.2 too). One probe finds zypper
 * (and transactional-update on a read-only btrfs root) and runs the installed-state search; a
 * pure plan picks the one zypper transaction (install with +/- words, remove, update, patch,
 * dist-upgrade); the repositories' refresh and the transaction go through change(), and in check
 * mode the transaction runs with --dry-run, whose XML says what would change, as in Ansible.
 */
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { withLines } from './util/args.js';
import { change, type Change, type Plan, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { ModuleFail, resultOf } from './util/fail.js';
import { remoteError } from './util/remote.js';
import {
  ZYPPER_STATES,
  ZYPPER_TYPES,
  parseRun,
  pkgWord,
  preparedDiff,
  probeScript,
  readProbe,
  searchTail,
  shellOf,
  wantState,
  zypperArgv,
  type Subcommand,
  type WantPkg,
  type ZypperArgs,
  type ZypperProbe,
} from './pkg/zypper.js';
import type { Solvable } from './pkg/zypperxml.js';

const args = declareArgs({
  name: { type: 'list', elements: 'str', required: true, aliases: ['pkg'] },
  state: { type: 'str', default: 'present', choices: ZYPPER_STATES },
  type: { type: 'str', default: 'package', choices: ZYPPER_TYPES },
  extra_args_precommand: { type: 'str' },
  disable_gpg_check: { type: 'bool', default: false },
  disable_recommends: { type: 'bool', default: true },
  force: { type: 'bool', default: false },
  force_resolution: { type: 'bool', default: false },
  update_cache: { type: 'bool', default: false, aliases: ['refresh'] },
  oldpackage: { type: 'bool', default: false },
  extra_args: { type: 'str' },
  allow_vendor_change: { type: 'bool', default: false },
  replacefiles: { type: 'bool', default: false },
  clean_deps: { type: 'bool', default: false },
  simple_errors: { type: 'bool', default: false },
  quiet: { type: 'bool', default: true },
});

/** What the arguments alone decide, before the host is read. */
type Decision =
  | { kind: 'fail'; msg: string }
  | { kind: 'all'; sub: Subcommand }
  | { kind: 'present'; packages: WantPkg[]; urls: string[]; latest: boolean; oldpackage: boolean; search: string[] | null }
  | { kind: 'absent'; packages: WantPkg[] };

export function decide(a: ZypperArgs): Decision {
  const all = a.name.length === 1 && a.name[0] === '*';
  if (all && (a.state === 'latest' || a.state === 'dist-upgrade')) {
    return { kind: 'all', sub: a.type === 'patch' ? 'patch' : a.state === 'dist-upgrade' ? 'dist-upgrade' : 'update' };
  }
  if (a.state === 'dist-upgrade') return { kind: 'fail', msg: 'Can not dist-upgrade specific packages.' };
  if (a.state === 'absent' || a.state === 'removed') {
    const { packages, urls } = wantState(a.name, true);
    if (packages.some((p) => p.prefix === '+')) return { kind: 'fail', msg: "Can not combine '+' prefix with state=remove/absent." };
    if (urls.length) return { kind: 'fail', msg: 'Can not remove via URL.' };
    if (a.type === 'patch') return { kind: 'fail', msg: 'Can not remove patches.' };
    return { kind: 'absent', packages };
  }
  const { packages, urls } = wantState(a.name, false);
  const latest = a.state === 'latest';
  const unversioned = packages.filter((p) => !p.version);
  return { kind: 'present', packages, urls, latest, oldpackage: packages.some((p) => p.version), search: !latest && unversioned.length ? unversioned.map((p) => p.name) : null };
}

const searchOf = (d: Decision): string[] | null => (d.kind === 'absent' ? d.packages.map((p) => p.name) : d.kind === 'present' ? d.search : null);

/** one zypper call */
interface Step {
  description: string;
  argv: string[];
}

/** the plan: the refresh (not in check mode), then the transaction or the result without one */
export interface ZypperPlan {
  refresh?: Step;
  then: { result: ModuleResult } | { step: Step };
}

const fail = (msg: string): { result: ModuleResult } => ({ result: { changed: false, failed: true, msg } });

export function planZypper(a: ZypperArgs, probe: ZypperProbe, opts: { check: boolean; diff: boolean }): ZypperPlan {
  const d = decide(a);
  const host = probe.host;
  const plan = (then: ZypperPlan['then']): ZypperPlan => {
    if (!a.update_cache || opts.check) return { then };
    if (!host) return { then: fail(probe.missing ?? '') };
    return { refresh: { description: 'refresh the repositories', argv: zypperArgv(a, host, 'refresh', { check: false }) }, then };
  };
  if (d.kind === 'fail') return plan(fail(d.msg));
  // get_bin_path fails at the first zypper command: none runs for `name: []`
  const missing = plan(fail(probe.missing ?? ''));
  const step = (sub: Subcommand, words: string[], oldpackage = false, what = words.join(' ')) =>
    host ? plan({ step: { description: `${opts.check ? 'dry-run ' : ''}${sub}${what ? ` ${what}` : ''}`, argv: [...zypperArgv(a, host, sub, { check: opts.check, oldpackage }), ...words] } }) : missing;
  if (d.kind === 'all') return step(d.sub, [], false, a.type === 'patch' ? 'all patches' : 'all packages');
  let installed = new Set<string>();
  const search = searchOf(d);
  if (search) {
    if (!host) return missing;
    const argv = [...zypperArgv(a, host, 'search', { check: false }), ...searchTail(search)];
    const p = parseRun(a, argv, probe.search ?? { rc: -1, stdout: '', stderr: '' }, false);
    if ('fail' in p) return plan({ result: p.fail });
    installed = new Set(p.packages.keys());
  }
  const unchanged = { result: { changed: false, rc: 0, ...(opts.diff ? { diff: { prepared: '' } } : {}) } };
  if (d.kind === 'absent') {
    const gone = d.packages.filter((p) => installed.has(p.name));
    return gone.length ? step('remove', gone.map((p) => p.name + p.version)) : plan(unchanged);
  }
  const want = d.latest ? d.packages : d.packages.filter((p) => (p.prefix === '+') !== installed.has(p.name));
  if (!want.length && !d.urls.length) return plan(unchanged);
  return step('install', ['--', ...d.urls, ...want.map(pkgWord)], d.oldpackage, [...d.urls, ...want.map(pkgWord)].join(' '));
}

/** The module's arguments: ZypperArgs with the empty names left out. */
function readArgs(raw: Record<string, unknown>): ZypperArgs {
  const a = args.read(raw);
  return { ...a, name: a.name.filter(Boolean) };
}

/** The plan as the seam's Plan, for the planning tables: the refresh and the transaction as changes. */
export const zypperPlanner: Planner<ZypperArgs> = {
  args: { schema: args.schema, read: readArgs },
  probe: (a) => probeScript(a, searchOf(decide(a))),
  probeError: () => 'cannot find zypper',
  plan(a, out, { diff, check }): Plan {
    const p = planZypper(a, readProbe(out), { check: check ?? false, diff });
    const changes: Change[] = [p.refresh, 'step' in p.then ? p.then.step : undefined]
      .filter((s): s is Step => s !== undefined)
      .map((s) => ({ description: s.description, command: shellOf(s.argv) }));
    return { result: 'result' in p.then ? p.then.result : { changed: true }, changes };
  },
};

/** Run a zypper call (a change; in check mode its dry run), again once after exit code 103, as parse_zypper_xml. */
async function execute(a: ZypperArgs, ctx: ModuleContext, s: Step) {
  let packages: Map<string, Solvable> | undefined;
  for (let n = 0; ; n++) {
    const command = shellOf(s.argv);
    const r = (await change(ctx, s.description, command, { keepFailure: true })) ?? (await ctx.run(command));
    const p = parseRun(a, s.argv, r, true, packages);
    if ('fail' in p) throw new ModuleFail(withLines(p.fail));
    if (p.run.rc !== 103 || n > 0) return { packages: p.packages, run: p.run };
    packages = p.packages;
  }
}

async function runZypper(a: ZypperArgs, ctx: ModuleContext): Promise<ModuleResult> {
  const q = await ctx.run(zypperPlanner.probe(a));
  if (!/^zypper(-missing)?\t/m.test(q.stdout)) throw remoteError('cannot find zypper', q);
  const plan = planZypper(a, readProbe(q.stdout), { check: ctx.check, diff: ctx.diff });
  const head = { name: a.name, state: a.state, update_cache: a.update_cache };
  if (plan.refresh) {
    const { run } = await execute(a, ctx, plan.refresh);
    if (run.rc !== 0) return withLines({ changed: false, failed: true, msg: 'Zypper refresh run failed.', rc: run.rc, stdout: run.stdout, stderr: run.stderr, cmd: plan.refresh.argv });
  }
  if ('result' in plan.then) return plan.then.result.failed ? withLines(plan.then.result) : { ...head, ...plan.then.result };
  const { argv } = plan.then.step;
  const { packages, run } = await execute(a, ctx, plan.then.step);
  const ok = run.rc === 0 || run.rc === 102;
  const changed = ok && packages.size > 0;
  const res: ModuleResult = { changed, rc: run.rc, cmd: argv, ...(changed || !ok ? { stdout: run.stdout, stderr: run.stderr } : {}) };
  if (ctx.diff) res.diff = { prepared: preparedDiff(packages) };
  if (!ok) return withLines({ ...res, failed: true, msg: 'Zypper run failed.' });
  return withLines({ ...head, ...res });
}

export const zypper: ModuleDef = {
  name: 'zypper',
  schema: args.schema,
  run: (raw, ctx) => resultOf(() => runZypper(readArgs(raw), ctx)),
};
