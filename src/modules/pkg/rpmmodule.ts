/** The dnf and yum modules: one definition, two tools (Ansible's argument names of each). */
import { KbsError } from '../../errors.js';
import type { JsonSchema, ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { failed, optStr, splitLines, toBool } from '../util/args.js';
import { BOOL, INT, STR, STR_OR_LIST, argsSchema, oneOfStr } from '../util/schema.js';
import { choiceArg, listArg } from './names.js';
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
} from './rpm.js';

const STATES = ['absent', 'present', 'installed', 'latest', 'removed'] as const;

const COMMON: Record<string, JsonSchema> = {
  name: STR_OR_LIST,
  pkg: STR_OR_LIST,
  state: oneOfStr(...STATES),
  enablerepo: STR_OR_LIST,
  disablerepo: STR_OR_LIST,
  conf_file: STR,
  disable_gpg_check: BOOL,
  installroot: STR,
  releasever: STR,
  autoremove: BOOL,
  exclude: STR_OR_LIST,
  update_cache: BOOL,
  'expire-cache': BOOL,
  update_only: BOOL,
  security: BOOL,
  bugfix: BOOL,
  allow_downgrade: BOOL,
  install_weak_deps: BOOL,
  lock_timeout: INT,
  skip_broken: BOOL,
  cacheonly: BOOL,
  download_only: BOOL,
  download_dir: STR,
  disable_excludes: STR,
  validate_certs: BOOL,
  sslverify: BOOL,
  disable_plugin: STR_OR_LIST,
  enable_plugin: STR_OR_LIST,
  install_repoquery: BOOL,
};

export function readRpmArgs(tool: 'dnf' | 'yum', args: Record<string, unknown>): { specs: string[]; state: 'present' | 'latest' | 'absent'; autoremove: boolean; updateOnly: boolean; o: RpmOptions } {
  const specs = listArg(args.name ?? args.pkg, 'name');
  const autoremove = toBool(args.autoremove, false, 'autoremove');
  const raw = choiceArg(optStr(args, 'state'), 'state', STATES, autoremove ? 'absent' : 'present');
  const state = raw === 'installed' ? 'present' : raw === 'removed' ? 'absent' : raw;
  if (autoremove && state !== 'absent') throw new KbsError('TASK', `Autoremove should be used alone or with state=absent`);
  if (!specs.length && !autoremove && !toBool(args.update_cache ?? args['expire-cache'], false, 'update_cache')) {
    throw new KbsError('TASK', 'one of the following is required: name, list, update_cache');
  }
  const o: RpmOptions = {
    ...DEFAULT_RPM_OPTIONS,
    tool,
    enablerepo: listArg(args.enablerepo, 'enablerepo'),
    disablerepo: listArg(args.disablerepo, 'disablerepo'),
    confFile: optStr(args, 'conf_file'),
    disableGpgCheck: toBool(args.disable_gpg_check, false, 'disable_gpg_check'),
    installroot: optStr(args, 'installroot'),
    releasever: optStr(args, 'releasever'),
    exclude: listArg(args.exclude, 'exclude'),
    installWeakDeps: toBool(args.install_weak_deps, true, 'install_weak_deps'),
    nobest: toBool(args.nobest, false, 'nobest'),
    skipBroken: toBool(args.skip_broken, false, 'skip_broken'),
    cacheonly: toBool(args.cacheonly, false, 'cacheonly'),
    downloadOnly: toBool(args.download_only, false, 'download_only'),
    downloadDir: optStr(args, 'download_dir'),
    disableExcludes: optStr(args, 'disable_excludes'),
    sslverify: toBool(args.sslverify ?? args.validate_certs, true, 'sslverify'),
    security: toBool(args.security, false, 'security'),
    bugfix: toBool(args.bugfix, false, 'bugfix'),
    updateCache: toBool(args.update_cache ?? args['expire-cache'], false, 'update_cache'),
    enablePlugin: listArg(args.enable_plugin, 'enable_plugin'),
    disablePlugin: listArg(args.disable_plugin, 'disable_plugin'),
    allowDowngrade: toBool(args.allow_downgrade, false, 'allow_downgrade'),
    allowerasing: toBool(args.allowerasing, false, 'allowerasing'),
  };
  return { specs, state, autoremove, updateOnly: toBool(args.update_only, false, 'update_only'), o };
}

export function rpmModule(tool: 'dnf' | 'yum', extra: Record<string, JsonSchema> = {}): ModuleDef {
  return {
    name: tool,
    schema: argsSchema({ ...COMMON, ...extra }),
    async run(args, ctx) {
      const a = readRpmArgs(tool, args);
      return runRpm(ctx, a);
    },
  };
}

async function runRpm(ctx: ModuleContext, a: ReturnType<typeof readRpmArgs>): Promise<ModuleResult> {
  const { o } = a;
  if (!a.specs.length) {
    if (a.autoremove) return transact(ctx, [{ verb: 'autoremove', specs: [] }], o, ['autoremove']);
    if (ctx.check) return { changed: false, msg: 'Cache would be updated', results: [], rc: 0 };
    const r = await ctx.run(makecacheCommand(o));
    if (r.rc !== 0) return failed(`Failed to update the cache: ${r.stderr.trim()}`, { rc: r.rc, results: [] });
    return { changed: false, msg: 'Cache updated', results: [], rc: 0 };
  }
  const q = await ctx.run(rpmQueryScript(a.specs, o, a.state === 'latest'));
  if (!q.stdout.includes('@@end')) throw new KbsError('TASK', `cannot query the installed packages: ${q.stderr.trim() || `rc=${q.rc}`}`);
  const plan = planRpm(parseRpmQuery(q.stdout, a.specs), a.state, a.updateOnly);
  const steps: { verb: 'install' | 'upgrade' | 'remove'; specs: string[] }[] = [];
  if (plan.install.length) steps.push({ verb: 'install', specs: plan.install });
  if (plan.upgrade.length) steps.push({ verb: 'upgrade', specs: plan.upgrade });
  if (plan.remove.length) steps.push({ verb: 'remove', specs: plan.remove });
  if (!steps.length) return { changed: false, msg: 'Nothing to do', results: [], rc: 0 };
  const results = [
    ...plan.install.map((s) => `Installed: ${s}`),
    ...plan.upgrade.map((s) => `Upgraded: ${s}`),
    ...plan.remove.map((s) => `Removed: ${s}`),
  ];
  return transact(ctx, steps, o, results);
}

async function transact(ctx: ModuleContext, steps: { verb: 'install' | 'upgrade' | 'remove' | 'autoremove'; specs: string[] }[], o: RpmOptions, results: string[]): Promise<ModuleResult> {
  const cmds = steps.map((s) => txCommand(s.verb, s.specs, o));
  if (ctx.check) {
    const res: ModuleResult = { changed: true, msg: 'Check mode: No changes made, but would have if not in check mode', results, rc: 0 };
    if (ctx.diff) res.diff = { before: '', after: results.join('\n') + '\n', before_header: 'packages', after_header: 'packages' };
    return res;
  }
  let stdout = '';
  let stderr = '';
  let changed = false;
  for (const cmd of cmds) {
    const r = await ctx.run(`export LC_ALL=C\n${cmd}`);
    stdout += r.stdout;
    stderr += r.stderr;
    const missing = missingPackages(r.stdout + '\n' + r.stderr);
    if (missing.length) {
      return failed('Failed to install some of the specified packages', { failures: missing.map((m) => `No package ${m} available.`), rc: 1, results: [] });
    }
    if (r.rc !== 0) return failed(`'${cmd}' failed: ${r.stderr.trim().split('\n').slice(-4).join('\n')}`, { rc: r.rc, results: [], stdout: r.stdout, stderr: r.stderr });
    if (!nothingDone(r.stdout)) changed = true;
  }
  const res: ModuleResult = { changed, msg: changed ? '' : 'Nothing to do', results: changed ? results : [], rc: 0, stdout, stderr, stdout_lines: splitLines(stdout), stderr_lines: splitLines(stderr) };
  if (ctx.diff && changed) res.diff = { before: '', after: results.join('\n') + '\n', before_header: 'packages', after_header: 'packages' };
  return res;
}
