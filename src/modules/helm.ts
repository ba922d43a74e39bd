/**
 * kubernetes.core.helm: install, upgrade or uninstall a Helm release with the host's helm CLI,
 * deciding as the collection's module does: `helm list --output=yaml --filter NAME` and `helm get
 * values` give the deployed release; `helm show chart` the wanted chart; without the helm-diff
 * plugin a release changes when its user-supplied values, its chart name-version or its app
 * version differ (the collection's default_check, with its warning); with helm-diff, when
 * `helm diff upgrade` prints something. Changes go through `helm upgrade -i --reset-values`
 * (`helm install --replace` with `replace`) and `helm uninstall`. `release_values` reach helm as a
 * private temp file on the host (`-f=FILE`), removed afterwards.
 */
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { HELM_AUTH_ARGS, HelmCli, loadYaml, pyEqual, runHelmModule } from './helm/cli.js';
import { ModuleFail } from './util/fail.js';
import { failed } from './util/args.js';
import { OPT_BOOL, declareArgs } from './util/declare.js';
import { shq } from '../transport/shell.js';
import { INT, LIST_OF_STR } from './util/schema.js';

/** Ansible's dict type: a mapping, or a JSON string of one */
function dictArg(v: unknown): Record<string, unknown> {
  let values = v;
  if (typeof values === 'string') {
    try {
      values = JSON.parse(values) as unknown;
    } catch {
      /* refused below */
    }
  }
  if (typeof values !== 'object' || values === null || Array.isArray(values)) throw new ModuleFail(failed(`argument 'release_values' is of type ${typeof values} and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value`));
  return values as Record<string, unknown>;
}

/** set_values: each element a {value, value_type} */
function setValuesArg(v: unknown): { value: string; value_type: string }[] {
  return (Array.isArray(v) ? v : v ? [v] : []).map((x) => {
    if (typeof x !== 'object' || x === null || typeof (x as Record<string, unknown>).value !== 'string') throw new ModuleFail(failed('set_values: each element needs a string value'));
    const t = String((x as Record<string, unknown>).value_type ?? 'raw');
    if (!['raw', 'string', 'json', 'file'].includes(t)) throw new ModuleFail(failed(`value of value_type must be one of: raw, string, json, file, got: ${t} found in set_values`));
    return { value: (x as Record<string, string>).value, value_type: t };
  });
}

function historyMaxArg(v: unknown): number | undefined {
  const n = v === '' ? undefined : Number(v);
  if (n !== undefined && !Number.isInteger(n)) throw new ModuleFail(failed(`argument 'history_max' is of type ${typeof v} and we were unable to convert to int`));
  return n;
}

const args = declareArgs(
  {
    ...HELM_AUTH_ARGS,
    chart_ref: { type: 'str' },
    chart_repo_url: { type: 'str' },
    chart_version: { type: 'str' },
    dependency_update: { type: 'bool', aliases: ['dep_up'] },
    release_name: { type: 'str', aliases: ['name'] },
    release_namespace: { type: 'str', aliases: ['namespace'] },
    release_state: { type: 'str', choices: ['present', 'absent'], default: 'present', aliases: ['state'] },
    release_values: { type: 'any', schema: { type: ['object', 'string'] }, read: dictArg, default: {}, aliases: ['values'] },
    values_files: { type: 'any', schema: LIST_OF_STR, read: (v: unknown) => (Array.isArray(v) ? v : String(v).split(',')).map(String) },
    update_repo_cache: { type: 'bool' },
    set_values: { type: 'any', schema: { type: ['array', 'string'] }, read: setValuesArg },
    disable_hook: { type: 'bool' },
    force: { type: 'bool' },
    purge: { type: 'bool', default: true },
    wait: { type: 'bool' },
    wait_timeout: { type: 'str' },
    timeout: { type: 'str' },
    atomic: { type: 'bool' },
    create_namespace: { type: 'bool' },
    post_renderer: { type: 'str' },
    // unset when not given: a given false counts in the mutually exclusive set
    replace: { ...OPT_BOOL, default: false },
    skip_crds: { type: 'bool' },
    history_max: { type: 'any', schema: INT, read: historyMaxArg },
  },
  {
    exclusive: [
      ['context', 'ca_cert'],
      ['replace', 'history_max'],
      ['wait_timeout', 'timeout'],
    ],
  },
);

export const helm: ModuleDef = {
  name: 'helm',
  aliases: ['kubernetes.core.helm', 'community.kubernetes.helm'],
  schema: args.schema,
  run: (raw, ctx) =>
    runHelmModule(ctx, async (open) => {
      const a = args.read(raw);
      const p = params(a);
      return runHelm(await open(a, p.namespace), p, ctx);
    }),
};

interface Params {
  chartRef?: string;
  chartRepoUrl?: string;
  chartVersion?: string;
  dependencyUpdate: boolean;
  name: string;
  namespace: string;
  state: string;
  values: Record<string, unknown>;
  valuesFiles: string[];
  updateRepoCache: boolean;
  setValues: { value: string; value_type: string }[];
  disableHook: boolean;
  force: boolean;
  purge: boolean;
  wait: boolean;
  waitTimeout?: string;
  timeout?: string;
  atomic: boolean;
  createNamespace: boolean;
  postRenderer?: string;
  replace: boolean;
  skipCrds: boolean;
  historyMax?: number;
}

/** The options after the collection's required and required_if checks. */
function params(a: ReturnType<typeof args.read>): Params {
  const missing = [...(a.release_name === undefined ? ['release_name'] : []), ...(a.release_namespace === undefined ? ['release_namespace'] : [])];
  if (missing.length) throw new ModuleFail(failed(`missing required arguments: ${missing.join(', ')}`));
  if (a.release_state === 'present' && a.chart_ref === undefined) throw new ModuleFail(failed('release_state is present but all of the following are missing: chart_ref'));
  return {
    chartRef: a.chart_ref,
    chartRepoUrl: a.chart_repo_url,
    chartVersion: a.chart_version,
    dependencyUpdate: a.dependency_update,
    name: a.release_name!,
    namespace: a.release_namespace!,
    state: a.release_state,
    values: a.release_values,
    valuesFiles: a.values_files ?? [],
    updateRepoCache: a.update_repo_cache,
    setValues: a.set_values ?? [],
    disableHook: a.disable_hook,
    force: a.force,
    purge: a.purge,
    wait: a.wait,
    waitTimeout: a.wait_timeout,
    timeout: a.timeout,
    atomic: a.atomic,
    createNamespace: a.create_namespace,
    postRenderer: a.post_renderer,
    replace: a.replace,
    skipCrds: a.skip_crds,
    historyMax: a.history_max,
  };
}

type Release = Record<string, unknown> & { values?: unknown };

/** get_release_status: the release as `helm list` shows it, plus its user-supplied values; undefined when not installed */
async function releaseStatus(cli: HelmCli, name: string): Promise<Release | undefined> {
  const r = await cli.run(['list', '--output=yaml', '--filter', name]);
  const list = loadYaml(r.out);
  const rel = Array.isArray(list) ? (list as Release[]).find((x) => x && x.name === name) : undefined;
  if (!rel) return undefined;
  const v = await cli.run(['get', 'values', '--output=yaml', name]);
  rel.values = v.out.replace(/\n+$/, '') === 'null' ? {} : loadYaml(v.out);
  return rel;
}

/** the helm version as get_helm_version reads `helm version` */
async function helmVersion(cli: HelmCli): Promise<string | undefined> {
  const r = await cli.run(['version'], false);
  return /^version\.BuildInfo\{Version:"v([0-9.]*)",/.exec(r.out)?.[1] ?? /^Client: &version\.Version\{SemVer:"v([0-9.]*)", /.exec(r.out)?.[1];
}

function versionBelow(v: string | undefined, min: string): boolean {
  if (v === undefined) return false;
  const a = v.split('.').map((x) => Number(x) || 0);
  const b = min.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== b[i]) return (a[i] ?? 0) < b[i];
  return false;
}

async function runHelm(cli: HelmCli, p: Params, ctx: ModuleContext): Promise<ModuleResult> {
  const warnings: string[] = [];
  if (p.updateRepoCache) await cli.run(['repo', 'update']);
  const status = await releaseStatus(cli, p.name);
  let words: string[] = [];
  let changed = false;
  const opt: Record<string, unknown> = {};
  if (p.state === 'absent' && status !== undefined) {
    if (p.replace) throw new ModuleFail(failed('replace is not applicable when state is absent'));
    let wait = p.wait;
    if (wait && versionBelow(await helmVersion(cli), '3.7.0')) {
      warnings.push('helm uninstall support option --wait for helm release >= 3.7.0');
      wait = false;
    }
    words = ['uninstall', ...(p.purge ? [] : ['--keep-history']), ...(p.disableHook ? ['--no-hooks'] : []), ...(wait ? ['--wait'] : []), ...(p.waitTimeout !== undefined ? ['--timeout', p.waitTimeout] : []), p.name];
    changed = true;
  } else if (p.state === 'present') {
    const prefix = [...(p.chartVersion !== undefined ? [`--version=${p.chartVersion}`] : []), ...(p.chartRepoUrl !== undefined ? [`--repo=${p.chartRepoUrl}`] : [])];
    const chartInfo = (loadYaml((await cli.run([...prefix, 'show', 'chart', p.chartRef!])).out) ?? {}) as Record<string, unknown>;
    let depUpdate = p.dependencyUpdate;
    if (depUpdate) {
      if (Array.isArray(chartInfo.dependencies) && chartInfo.dependencies.length) {
        if (!p.chartRepoUrl && !/^http[s]*:\/\/[\w.:/?&=-]+$/.test(p.chartRef!)) {
          await cli.run(['dependency', 'update', p.chartRef!]);
          depUpdate = false;
        } else {
          warnings.push("This is a not stable feature with 'chart_repo_url'. Please consider to use dependency update with on-disk charts");
          if (!p.replace) throw new ModuleFail(failed("'--dependency-update' hasn't been supported yet with 'helm upgrade'. Please use 'helm install' instead by adding 'replace' option"));
        }
      } else {
        warnings.push('There is no dependencies block defined in Chart.yaml. Dependency update will not be performed. Please consider add dependencies block or disable dependency_update to remove this warning.');
      }
    }
    if (status === undefined) {
      words = [...prefix, ...(await deployWords(cli, p, false, depUpdate))];
      changed = true;
    } else {
      const diffVersion = await pluginVersion(cli, 'diff');
      let wouldChange: boolean;
      if (diffVersion && (!p.chartRepoUrl || !versionBelow(diffVersion, '3.4.1'))) {
        const d = await diffWords(cli, p);
        const out = (await cli.run(d)).out.trim();
        wouldChange = out.length > 0;
        if (wouldChange && ctx.diff) opt.diff = { prepared: out };
      } else {
        warnings.push('The default idempotency check can fail to report changes in certain cases. Install helm diff >= 3.4.1 for better results.');
        wouldChange = await defaultCheck(cli, status, chartInfo, p);
      }
      if (p.force || wouldChange) {
        words = [...prefix, ...(await deployWords(cli, p, p.force, depUpdate))];
        changed = true;
      }
    }
  }
  if (warnings.length) opt.warnings = warnings;
  // the collection writes "uninstall " + " " + NAME: two spaces in the command it reports
  const command = words[0] === 'uninstall' ? `${cli.bin} uninstall  ${words.slice(1).join(' ')}` : cli.line(words);
  // as the collection, check mode reports the release's values as status (unchanged or not)
  const checkResult = (): ModuleResult => {
    const check: Record<string, unknown> = { values: { current: {}, declared: {} } };
    if (status) check.values = { current: status.values, declared: status };
    return { changed, command, status: check, stdout: '', stderr: '', ...opt };
  };
  if (!changed) return ctx.check ? checkResult() : { changed: false, status: status ?? null, stdout: '', stderr: '', command, ...opt };
  const r = await cli.change(`${words[0] === 'uninstall' ? 'uninstall' : 'deploy'} the release ${p.name}`, words, command);
  if (!r) return checkResult();
  return { changed, stdout: r.out, stderr: r.err, status: (await releaseStatus(cli, p.name)) ?? null, command, ...opt };
}

/** the collection's deploy(): `upgrade -i --reset-values` (or `install --replace`) with the options, then NAME CHART */
async function deployWords(cli: HelmCli, p: Params, force: boolean, depUpdate: boolean): Promise<string[]> {
  const w: string[] = p.replace ? ['install', ...(depUpdate ? ['--dependency-update'] : [])] : ['upgrade', '-i', '--reset-values'];
  if (p.wait) {
    w.push('--wait');
    if (p.waitTimeout !== undefined) w.push('--timeout', p.waitTimeout);
  }
  if (p.atomic) w.push('--atomic');
  if (p.timeout) w.push('--timeout', p.timeout);
  if (force) w.push('--force');
  if (p.replace) w.push('--replace');
  if (p.disableHook) w.push('--no-hooks');
  if (p.createNamespace) w.push('--create-namespace');
  for (const f of p.valuesFiles) w.push(`--values=${f}`);
  if (Object.keys(p.values).length) w.push(`-f=${await cli.tempFile(JSON.stringify(p.values, null, 1) + '\n', '.yml')}`);
  if (p.postRenderer) w.push(`--post-renderer=${p.postRenderer}`);
  if (p.skipCrds) w.push('--skip-crds');
  if (p.historyMax !== undefined) w.push(`--history-max=${p.historyMax}`);
  for (const s of p.setValues) w.push(s.value_type === 'raw' ? '--set' : `--set-${s.value_type}`, s.value);
  w.push(p.name, p.chartRef!);
  return w;
}

/** helmdiff_check's command */
async function diffWords(cli: HelmCli, p: Params): Promise<string[]> {
  const w = ['diff', 'upgrade', p.name, p.chartRef!];
  if (p.chartRepoUrl !== undefined) w.push(`--repo=${p.chartRepoUrl}`);
  if (p.chartVersion !== undefined) w.push(`--version=${p.chartVersion}`);
  if (!p.replace) w.push('--reset-values');
  if (Object.keys(p.values).length) w.push(`-f=${await cli.tempFile(JSON.stringify(p.values, null, 1) + '\n', '.yml')}`);
  for (const f of p.valuesFiles) w.push(`-f=${f}`);
  return w;
}

/** a plugin's version from `helm plugin list` (name, version, description separated by tabs) */
async function pluginVersion(cli: HelmCli, plugin: string): Promise<string | undefined> {
  const r = await cli.run(['plugin', 'list']);
  if (r.rc !== 0 || (r.out === '' && r.err === '')) throw new ModuleFail(failed('Failed to get Helm plugin info', { command: cli.line(['plugin', 'list']), stdout: r.out, stderr: r.err, rc: r.rc }));
  for (const line of r.out.split('\n')) {
    if (line.startsWith('NAME')) continue;
    const [name, version] = line.split('\t').map((s) => s.trim());
    if (name && name === plugin) return version;
  }
  return undefined;
}

/** default_check: values, chart name-version and app version compared with the deployed release */
async function defaultCheck(cli: HelmCli, status: Release, chart: Record<string, unknown>, p: Params): Promise<boolean> {
  const chartApp = chart.appVersion ?? null;
  const relApp = status.app_version ?? null;
  const appSame = pyEqual(chartApp, relApp) || (chartApp === null && relApp === '');
  const want = p.valuesFiles.length ? await loadValuesFiles(cli, p.valuesFiles) : p.values;
  const valuesMatch = pyEqual(status.values, want);
  return !valuesMatch || `${String(chart.name)}-${String(chart.version)}` !== status.chart || !appSame;
}

/** load_values_files: the files' top-level keys, later files winning (read on the host) */
async function loadValuesFiles(cli: HelmCli, files: string[]): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  for (const f of files) {
    const r = await cli.ctx.run(`cat -- ${shq(f)}`);
    if (r.rc !== 0) throw new ModuleFail(failed(`Could not read values file ${f}: ${r.stderr.trim().replace(/^cat: /, '')}`));
    let data: unknown;
    try {
      data = loadYaml(r.stdout);
    } catch (e) {
      throw new ModuleFail(failed(`Could not parse values file ${f}: ${(e as Error).message}`));
    }
    if (data && typeof data === 'object' && !Array.isArray(data)) Object.assign(out, data);
  }
  return out;
}
