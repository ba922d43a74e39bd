/**
 * The dnf and yum modules: one definition, two tools (Ansible's argument names of each). The
 * installed packages are read in one probe (pkg/rpm.ts), a pure plan gives the transactions
 * (install, upgrade, remove, autoremove, or makecache for update_cache alone), and each runs
 * through change(): its output says whether it did something or which packages were missing.
 */
import { KbsError } from '../../errors.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { failed, splitLines } from '../util/args.js';
import { change, type Change, type Plan, type Planner } from '../util/change.js';
import { declareArgs, type ArgSpec } from '../util/declare.js';
import {
  DEFAULT_RPM_OPTIONS,
  makecacheCommand,
  missingPackages,
  nothingDone,
  parseRpmQuery,
  planRpm,
  rpmQueryScript,
  txCommand,
  type RpmOptions,
  type RpmVerb,
} from './rpm.js';

const STATES = ['absent', 'present', 'installed', 'latest', 'removed'] as const;

/** the arguments both tools take */
const RPM_ARGS = {
  name: { type: 'list', elements: 'str', aliases: ['pkg'] },
  state: { type: 'str', choices: STATES },
  enablerepo: { type: 'list', elements: 'str' },
  disablerepo: { type: 'list', elements: 'str' },
  conf_file: { type: 'str' },
  disable_gpg_check: { type: 'bool' },
  installroot: { type: 'str' },
  releasever: { type: 'str' },
  autoremove: { type: 'bool' },
  exclude: { type: 'list', elements: 'str' },
  update_cache: { type: 'bool', aliases: ['expire-cache'] },
  update_only: { type: 'bool' },
  security: { type: 'bool' },
  bugfix: { type: 'bool' },
  allow_downgrade: { type: 'bool' },
  install_weak_deps: { type: 'bool', default: true },
  lock_timeout: { type: 'int' },
  skip_broken: { type: 'bool' },
  cacheonly: { type: 'bool' },
  download_only: { type: 'bool' },
  download_dir: { type: 'str' },
  disable_excludes: { type: 'str' },
  sslverify: { type: 'bool', default: true, aliases: ['validate_certs'] },
  disable_plugin: { type: 'list', elements: 'str' },
  enable_plugin: { type: 'list', elements: 'str' },
  install_repoquery: { type: 'bool' },
} as const satisfies Record<string, ArgSpec>;

const DECLARED = {
  dnf: declareArgs({
    ...RPM_ARGS,
    nobest: { type: 'bool' },
    allowerasing: { type: 'bool' },
    use_backend: { type: 'str', choices: ['auto', 'dnf4', 'dnf5'] },
  }),
  yum: declareArgs({ ...RPM_ARGS, use_backend: { type: 'str', choices: ['auto', 'yum', 'yum4', 'dnf'] } }),
};

export interface RpmArgs {
  specs: string[];
  state: 'present' | 'latest' | 'absent';
  autoremove: boolean;
  updateOnly: boolean;
  o: RpmOptions;
}

export function readRpmArgs(tool: 'dnf' | 'yum', args: Record<string, unknown>): RpmArgs {
  const a = DECLARED[tool].read(args);
  const specs = a.name;
  const raw = a.state ?? (a.autoremove ? 'absent' : 'present');
  const state = raw === 'installed' ? 'present' : raw === 'removed' ? 'absent' : raw;
  if (a.autoremove && state !== 'absent') throw new KbsError('TASK', `Autoremove should be used alone or with state=absent`);
  if (!specs.length && !a.autoremove && !a.update_cache) throw new KbsError('TASK', 'one of the following is required: name, list, update_cache');
  const o: RpmOptions = {
    ...DEFAULT_RPM_OPTIONS,
    tool,
    enablerepo: a.enablerepo,
    disablerepo: a.disablerepo,
    confFile: a.conf_file,
    disableGpgCheck: a.disable_gpg_check,
    installroot: a.installroot,
    releasever: a.releasever,
    exclude: a.exclude,
    installWeakDeps: a.install_weak_deps,
    nobest: 'nobest' in a && a.nobest,
    skipBroken: a.skip_broken,
    cacheonly: a.cacheonly,
    downloadOnly: a.download_only,
    downloadDir: a.download_dir,
    disableExcludes: a.disable_excludes,
    sslverify: a.sslverify,
    security: a.security,
    bugfix: a.bugfix,
    updateCache: a.update_cache,
    enablePlugin: a.enable_plugin,
    disablePlugin: a.disable_plugin,
    allowDowngrade: a.allow_downgrade,
    allowerasing: 'allowerasing' in a && a.allowerasing,
  };
  return { specs, state, autoremove: a.autoremove, updateOnly: a.update_only, o };
}

/** the changes of a transaction: one command a verb, with Ansible's results lines */
function transaction(steps: { verb: RpmVerb; specs: string[] }[], o: RpmOptions, results: string[], diff: boolean): Plan {
  const result: ModuleResult = { changed: true, msg: 'Check mode: No changes made, but would have if not in check mode', results, rc: 0 };
  if (diff) result.diff = { before: '', after: results.join('\n') + '\n', before_header: 'packages', after_header: 'packages' };
  const changes: Change[] = steps.map((s) => ({ description: `${s.verb} ${s.specs.join(' ') || 'unneeded packages'}`, command: `export LC_ALL=C\n${txCommand(s.verb, s.specs, o)}` }));
  return { result, changes };
}

/** dnf or yum planned: the probe reads the installed packages of the specs (none without specs). */
export function rpmPlanner(tool: 'dnf' | 'yum'): Planner<RpmArgs> {
  return {
    args: { schema: DECLARED[tool].schema, read: (args) => readRpmArgs(tool, args) },
    probe: (a) => (a.specs.length ? rpmQueryScript(a.specs, a.o, a.state === 'latest') : ''),
    probeError: () => 'cannot query the installed packages',
    plan(a, out, { diff }) {
      const { o } = a;
      if (!a.specs.length) {
        if (a.autoremove) return transaction([{ verb: 'autoremove', specs: [] }], o, ['autoremove'], diff);
        return { result: { changed: false, msg: 'Cache would be updated', results: [], rc: 0 }, changes: [{ description: 'update the cache', command: makecacheCommand(o) }] };
      }
      const plan = planRpm(parseRpmQuery(out, a.specs), a.state, a.updateOnly);
      const steps = (['install', 'upgrade', 'remove'] as const).filter((v) => plan[v].length).map((verb) => ({ verb, specs: plan[verb] }));
      if (!steps.length) return { result: { changed: false, msg: 'Nothing to do', results: [], rc: 0 }, changes: [] };
      const results = [...plan.install.map((s) => `Installed: ${s}`), ...plan.upgrade.map((s) => `Upgraded: ${s}`), ...plan.remove.map((s) => `Removed: ${s}`)];
      return transaction(steps, o, results, diff);
    },
  };
}

/** Probe and plan; in check mode the plan is the result, else each transaction runs and its output decides. */
async function runRpm(p: Planner<RpmArgs>, args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult> {
  const a = p.args.read(args);
  const script = p.probe(a);
  let out = '';
  if (script) {
    const q = await ctx.run(script);
    if (!q.stdout.includes('@@end')) throw new KbsError('TASK', `${p.probeError(a)}: ${q.stderr.trim() || `rc=${q.rc}`}`);
    out = q.stdout;
  }
  const plan = p.plan(a, out, { diff: ctx.diff, check: ctx.check });
  if (!plan.changes.length) return plan.result;
  if (!a.specs.length && !a.autoremove) {
    const r = await change(ctx, plan.changes[0].description, plan.changes[0].command!, { keepFailure: true });
    if (!r) return plan.result;
    if (r.rc !== 0) return failed(`Failed to update the cache: ${r.stderr.trim()}`, { rc: r.rc, results: [] });
    return { changed: false, msg: 'Cache updated', results: [], rc: 0 };
  }
  let stdout = '';
  let stderr = '';
  let changed = false;
  for (const c of plan.changes) {
    const r = await change(ctx, c.description, c.command!, { keepFailure: true });
    if (!r) return plan.result;
    stdout += r.stdout;
    stderr += r.stderr;
    const missing = missingPackages(r.stdout + '\n' + r.stderr);
    if (missing.length) return failed('Failed to install some of the specified packages', { failures: missing.map((m) => `No package ${m} available.`), rc: 1, results: [] });
    const cmd = c.command!.replace(/^export LC_ALL=C\n/, '');
    if (r.rc !== 0) return failed(`'${cmd}' failed: ${r.stderr.trim().split('\n').slice(-4).join('\n')}`, { rc: r.rc, results: [], stdout: r.stdout, stderr: r.stderr });
    if (!nothingDone(r.stdout)) changed = true;
  }
  const results = plan.result.results as string[];
  const res: ModuleResult = { changed, msg: changed ? '' : 'Nothing to do', results: changed ? results : [], rc: 0, stdout, stderr, stdout_lines: splitLines(stdout), stderr_lines: splitLines(stderr) };
  if (ctx.diff && changed) res.diff = plan.result.diff;
  return res;
}

export function rpmModule(tool: 'dnf' | 'yum'): ModuleDef {
  const planner = rpmPlanner(tool);
  return { name: tool, schema: planner.args.schema, run: (args, ctx) => runRpm(planner, args, ctx) };
}
