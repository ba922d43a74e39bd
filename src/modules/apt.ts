/**
 * ansible.builtin.apt: install, upgrade and remove Debian packages with apt-get. The host's state
 * (cache age, dpkg's package list, the policy of the named packages, .deb fields) is read in one
 * round trip; apt-get runs only when something differs. Check mode and --diff use `apt-get -s`.
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed, optStr, toBool } from './util/args.js';
import { expandPath } from './util/paths.js';
import { declareArgs } from './util/declare.js';
import { BOOL, oneOfStr } from './util/schema.js';
import { APT_GET_ZERO, DEFAULT_APT_OPTIONS, cleanupCommand, installCommand, removeCommand, upgradeCommand, type AptOptions } from './pkg/aptcmd.js';
import { PlanError, dpkgEntry, planInstall, planRemove, splitSpec } from './pkg/aptplan.js';
import { parseQuery, queryScript, type QueryResult } from './pkg/aptquery.js';
import { aptDiff, outputs, runApt } from './pkg/aptrun.js';
import { compareDebVersions } from './pkg/debver.js';
import { globToEre, hasGlob } from '../util/glob.js';
import { choiceArg, tailOf } from './pkg/names.js';

const STATES = ['absent', 'build-dep', 'fixed', 'latest', 'present'] as const;
const UPGRADES = ['dist', 'full', 'no', 'safe', 'yes'] as const;

/** `upgrade`: a boolean (yes/no) or one of UPGRADES; `no` is no upgrade */
function readUpgrade(v: unknown): string | undefined {
  const u = typeof v === 'boolean' ? (v ? 'yes' : 'no') : optStr({ upgrade: v }, 'upgrade');
  if (u === undefined) return undefined;
  // yes/no written as strings are Ansible booleans too
  const b = /^(y|yes|true|on|1)$/i.test(u) ? 'yes' : /^(n|no|false|off|0)$/i.test(u) ? 'no' : u;
  const m = choiceArg(b, 'upgrade', UPGRADES, 'no');
  return m === 'no' ? undefined : m;
}

const args = declareArgs(
  {
    package: { type: 'list', elements: 'str', aliases: ['name', 'pkg'] },
    state: { type: 'str', choices: STATES, default: 'present' },
    update_cache: { type: 'bool', aliases: ['update-cache'] },
    update_cache_retries: { type: 'int', default: 5 },
    update_cache_retry_max_delay: { type: 'int', default: 12 },
    cache_valid_time: { type: 'int', default: 0 },
    purge: { type: 'bool' },
    deb: { type: 'str' },
    default_release: { type: 'str', aliases: ['default-release'] },
    install_recommends: { type: 'any', schema: BOOL, aliases: ['install-recommends'], read: (v, n) => toBool(v, true, n) },
    force: { type: 'bool' },
    upgrade: { type: 'any', schema: { anyOf: [BOOL, oneOfStr(...UPGRADES)] }, read: readUpgrade },
    dpkg_options: { type: 'str', default: DEFAULT_APT_OPTIONS.dpkgOptions },
    autoremove: { type: 'bool' },
    autoclean: { type: 'bool' },
    fail_on_autoremove: { type: 'bool' },
    policy_rc_d: { type: 'int' },
    only_upgrade: { type: 'bool' },
    force_apt_get: { type: 'bool' },
    clean: { type: 'bool' },
    allow_unauthenticated: { type: 'bool', aliases: ['allow-unauthenticated'] },
    allow_downgrade: { type: 'bool', aliases: ['allow-downgrade', 'allow_downgrades', 'allow-downgrades'] },
    allow_change_held_packages: { type: 'bool' },
    lock_timeout: { type: 'int', default: 60 },
  },
  // apt's required_one_of (autoremove, deb, package, update_cache, upgrade) never fails in Ansible 2.14:
  // upgrade's default "no" counts as given; with none of them the module reports the cache and does nothing
  { exclusive: [['deb', 'package', 'upgrade']] },
);

export const apt: ModuleDef = {
  name: 'apt',
  schema: args.schema,
  async run(raw, ctx) {
    const a = readArgs(raw);
    return runAptModule(ctx, a, await expandPath(ctx, a.deb));
  },
};

export interface AptArgs {
  packages: string[];
  allInstalled: boolean;
  state: (typeof STATES)[number];
  updateCache: boolean;
  cacheValidTime: number;
  retries: number;
  maxDelay: number;
  deb?: string;
  upgrade?: string;
  autoclean: boolean;
  clean: boolean;
  policyRcD?: number;
  opts: AptOptions;
}

/** The declared arguments in the shape the run uses; states kbs does not run are refused here. */
export function readArgs(raw: Record<string, unknown>): AptArgs {
  const a = args.read(raw);
  const { state } = a;
  if (state === 'build-dep' || state === 'fixed') {
    throw new KbsError('TASK', `state=${state} is not supported by kbs`, { hint: 'use the command module with apt-get build-dep / apt-get -f install' });
  }
  for (const p of a.package) if ((p.match(/=/g) ?? []).length > 1) throw new KbsError('TASK', `invalid package spec: ${p}`);
  return {
    packages: a.package.filter((n) => n !== '*'),
    allInstalled: a.package.includes('*'),
    state,
    updateCache: a.update_cache,
    cacheValidTime: a.cache_valid_time,
    retries: a.update_cache_retries,
    maxDelay: a.update_cache_retry_max_delay,
    deb: a.deb,
    upgrade: a.upgrade,
    autoclean: a.autoclean,
    clean: a.clean,
    policyRcD: a.policy_rc_d,
    opts: {
      ...DEFAULT_APT_OPTIONS,
      dpkgOptions: a.dpkg_options,
      force: a.force,
      autoremove: a.autoremove,
      failOnAutoremove: a.fail_on_autoremove,
      onlyUpgrade: a.only_upgrade,
      defaultRelease: a.default_release,
      installRecommends: a.install_recommends,
      allowUnauthenticated: a.allow_unauthenticated,
      allowDowngrade: a.allow_downgrade,
      allowChangeHeld: a.allow_change_held_packages,
      purge: a.purge,
      lockTimeout: a.lock_timeout,
    },
  };
}

export async function runAptModule(ctx: ModuleContext, a: AptArgs, deb: string | undefined): Promise<ModuleResult> {
  const debs = deb === undefined ? [] : deb.split(',').map((d) => d.trim()).filter(Boolean).map((d) => (d.includes('/') ? d : `./${d}`));
  if (debs.length && a.state !== 'present') return failed('deb only supports state=present');
  if (debs.some((d) => d.includes('://'))) {
    return failed('deb: URLs are not supported by kbs', { hint: 'download the file with get_url first, then use deb: with its path' });
  }
  if (a.allInstalled && a.packages.length && a.state === 'latest') return failed('unable to install additional packages when upgrading all installed packages');
  const o: AptOptions = { ...a.opts, simulate: ctx.check };
  const specs = a.packages.map(splitSpec);
  const globs = specs.filter((s) => hasGlob(s.name)).map((s) => ({ pattern: s.name, regex: globToEre(s.name) }));
  const wantUpdate = a.updateCache || a.cacheValidTime > 0;
  const r = await ctx.run(
    queryScript({
      names: specs.filter((s) => !hasGlob(s.name)).map((s) => s.name),
      debs,
      globs,
      defaultRelease: o.defaultRelease,
      lockTimeout: o.lockTimeout,
      update: wantUpdate ? { validSec: a.cacheValidTime, check: ctx.check, retries: a.retries, maxDelay: a.maxDelay } : undefined,
    }),
  );
  const q = parseQuery(r.stdout, debs);
  if (q.updateFailed !== undefined) return failed(`Failed to update apt cache: ${tailOf(r.stderr) || 'unknown reason'}`);
  if (!r.stdout.includes('@@end')) throw new KbsError('TASK', `cannot query the package state: ${tailOf(r.stderr) || `rc=${r.rc}`}`);
  const cacheUpdated = q.updated === 'check' || (q.updated === 'yes' && q.mtime !== q.mtime0);
  const cache = { cache_updated: cacheUpdated, cache_update_time: q.mtime };
  const run = (cmd: string, extra: { simulateFirst?: string; after?: string } = {}) =>
    runApt(ctx, cmd, { lockTimeout: o.lockTimeout, policyRcD: a.policyRcD, ...extra });

  if (a.clean && !ctx.check) {
    const c = await ctx.run('apt-get clean');
    if (c.rc !== 0 || c.stderr.trim()) return failed(`apt-get clean failed${c.stderr.trim() ? ': ' + c.stderr.trim() : ''}`, { stdout: c.stdout, rc: c.rc });
    if (!a.packages.length && !a.upgrade && !debs.length && !a.allInstalled) return { ...outputs(c.stdout, c.stderr), changed: true, msg: c.stdout, ...cache };
  }
  // as Ansible: a cache update with nothing else to do ends here (even with autoremove)
  if (wantUpdate && !a.packages.length && !a.upgrade && !debs.length && !a.allInstalled) return { changed: cacheUpdated, ...cache };

  if (a.upgrade || (a.allInstalled && a.state === 'latest')) return upgradeAll(ctx, a.upgrade ?? 'yes', o, cache, run);
  if (debs.length) return installDebs(ctx, q, debs, o, cache, run);

  // name globs become the matching package names
  const expanded = [];
  for (const s of specs) {
    if (!hasGlob(s.name)) {
      expanded.push(s);
      continue;
    }
    if (q.policy.has(s.name)) {
      expanded.push(s);
      continue;
    }
    const gi = globs.findIndex((g) => g.pattern === s.name);
    const found = q.globs.get(gi) ?? [];
    if (!found.length) return failed(`No package(s) matching '${s.name}' available`);
    for (const n of found) expanded.push(splitSpec(s.cmp ? `${n}${s.cmp}${s.version}` : n));
  }

  if (!expanded.length) {
    if (a.autoclean) return cleanup(ctx, 'autoclean', o, cache, run);
    if (o.autoremove) return cleanup(ctx, 'autoremove', o, cache, run);
    return { changed: false, ...cache };
  }

  if (a.state === 'absent') {
    const pkgs = planRemove(q, expanded, o.purge);
    // nothing to remove: Ansible's remove() exits with changed alone (no cache keys)
    if (!pkgs.length) return { changed: false };
    const cmd = removeCommand(pkgs, o);
    const x = await run(cmd, ctx.diff && !ctx.check ? { simulateFirst: removeCommand(pkgs, { ...o, simulate: true }) } : {});
    if (x.rc !== 0) {
      return failed(`'apt-get remove ${pkgs.map((p) => `'${p}'`).join(' ')}' failed: ${x.stderr.trim()}`, { ...outputs(x.stdout, x.stderr), rc: x.rc });
    }
    return withDiff(ctx, { ...outputs(x.stdout, x.stderr), changed: true, ...cache }, ctx.check ? x.stdout : x.simulated, x.stdout);
  }

  let plan;
  try {
    plan = planInstall(q, expanded, a.state === 'latest', o.onlyUpgrade);
  } catch (e) {
    if (e instanceof PlanError) return failed(e.message, cache);
    throw e;
  }
  const mark = plan.markManual.length ? `apt-mark manual ${plan.markManual.map(shq).join(' ')} >/dev/null` : undefined;
  if (!plan.install.length) {
    if (mark && !ctx.check) {
      const m = await ctx.run(mark);
      if (m.rc !== 0) return failed(`'${mark}' failed: ${m.stderr.trim()}`, { rc: m.rc });
    }
    return { changed: false, ...cache };
  }
  const cmd = installCommand(plan.install, o);
  const x = await run(cmd, {
    simulateFirst: ctx.diff && !ctx.check ? installCommand(plan.install, { ...o, simulate: true }) : undefined,
    after: ctx.check ? undefined : mark,
  });
  if (x.rc !== 0) return failed(`'${cmd}' failed: ${x.stderr.trim()}`, { ...outputs(x.stdout, x.stderr), rc: x.rc, ...cache });
  return withDiff(ctx, { ...outputs(x.stdout, x.stderr), changed: true, ...cache }, ctx.check ? x.stdout : x.simulated, x.stdout);
}

function withDiff(ctx: ModuleContext, res: ModuleResult, sim: string | undefined, real: string): ModuleResult {
  if (ctx.diff) {
    const d = aptDiff(sim, real);
    if (d) res.diff = d;
  }
  return res;
}

type Runner = (cmd: string, extra?: { simulateFirst?: string; after?: string }) => ReturnType<typeof runApt>;

async function upgradeAll(ctx: ModuleContext, mode: string, o: AptOptions, cache: Record<string, unknown>, run: Runner): Promise<ModuleResult> {
  const cmd = upgradeCommand(mode, o);
  const x = await run(cmd, ctx.diff && !ctx.check ? { simulateFirst: upgradeCommand(mode, { ...o, simulate: true }) } : {});
  const verb = mode === 'dist' || mode === 'full' ? 'dist-upgrade' : 'upgrade --with-new-pkgs';
  if (x.rc !== 0) return failed(`'apt-get ${verb}' failed: ${x.stderr.trim()}`, { stdout: x.stdout, rc: x.rc });
  const changed = !x.stdout.includes(APT_GET_ZERO);
  const res: ModuleResult = { ...outputs(x.stdout, x.stderr), changed, msg: x.stdout, ...cache };
  return changed ? withDiff(ctx, res, ctx.check ? x.stdout : x.simulated, x.stdout) : res;
}

async function cleanup(ctx: ModuleContext, op: 'autoremove' | 'autoclean', o: AptOptions, cache: Record<string, unknown>, run: Runner): Promise<ModuleResult> {
  const x = await run(cleanupCommand(op, o), ctx.diff && !ctx.check ? { simulateFirst: cleanupCommand(op, { ...o, simulate: true }) } : {});
  if (x.rc !== 0) return failed(`'apt-get ${op}' failed: ${x.stderr.trim()}`, { ...outputs(x.stdout, x.stderr), rc: x.rc });
  const changed = x.stdout.includes(op === 'autoremove' ? 'The following packages will be REMOVED' : 'Del ');
  return withDiff(ctx, { ...outputs(x.stdout, x.stderr), changed, ...cache }, ctx.check ? x.stdout : x.simulated, x.stdout);
}

async function installDebs(ctx: ModuleContext, q: QueryResult, debs: string[], o: AptOptions, cache: Record<string, unknown>, run: Runner): Promise<ModuleResult> {
  const todo: string[] = [];
  for (const d of q.debs) {
    if (d.missing) return failed(`Unable to install package: ${d.path}: no such file on the host`);
    if (d.bad || !d.name || !d.version) return failed(`Unable to install package: ${d.path}: ${d.bad ?? 'not a Debian package'}`);
    const e = dpkgEntry(q, d.arch && d.arch !== 'all' && d.arch !== q.arch ? `${d.name}:${d.arch}` : d.name);
    if (e && e.status === 'i') {
      const c = compareDebVersions(d.version, e.version);
      if (c === 0) continue;
      if (c < 0 && !o.force && !o.allowDowngrade) return failed('A later version is already installed');
    }
    todo.push(d.path);
  }
  if (q.debs.length !== debs.length) throw new KbsError('TASK', 'cannot read the .deb files on the host');
  if (!todo.length) return { changed: false, stdout: '', stderr: '', ...cache };
  const opts = { ...o, allowDowngrade: o.allowDowngrade || o.force };
  const cmd = installCommand(todo, opts);
  const x = await run(cmd, ctx.diff && !ctx.check ? { simulateFirst: installCommand(todo, { ...opts, simulate: true }) } : {});
  if (x.rc !== 0) return failed(`${cmd} failed: ${tailOf(x.stderr)}`, { ...outputs(x.stdout, x.stderr), rc: x.rc });
  return withDiff(ctx, { ...outputs(x.stdout, x.stderr), changed: true, ...cache }, ctx.check ? x.stdout : x.simulated, x.stdout);
}
