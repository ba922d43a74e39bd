/**
 * The helm CLI on the host, as kubernetes.core's AnsibleHelmModule drives it: the binary
 * (`binary_path`, else looked up in PATH plus the sbin folders as Ansible's get_bin_path does),
 * the connection settings passed as helm's environment variables (HELM_NAMESPACE,
 * HELM_KUBECONTEXT, HELM_KUBETOKEN, HELM_KUBEAPISERVER, HELM_KUBECAFILE,
 * HELM_KUBEINSECURE_SKIP_TLS_VERIFY, KUBECONFIG), one exec per helm command, and temp files on the
 * host removed when the module ends. Failures carry the collection's messages.
 */
import { parse } from 'yaml';
import { shq } from '../../transport/shell.js';
import type { ModuleContext, ModuleResult } from '../types.js';
import { failed, withLines } from '../util/args.js';
import { change } from '../util/change.js';
import { ModuleFail, resultOf, type ToolOut } from '../util/fail.js';
import { OPT_BOOL, type ArgSpec, type ArgsOf } from '../util/declare.js';
import { expandPath, findBin } from '../util/paths.js';

/** HELM_AUTH_ARG_SPEC of the collection (helm_args_common.py), shared by both modules */
export const HELM_AUTH_ARGS = {
  binary_path: { type: 'str' },
  context: { type: 'str', aliases: ['kube_context'] },
  kubeconfig: { type: 'any', schema: { type: ['string', 'object'] }, aliases: ['kubeconfig_path'] },
  host: { type: 'str' },
  ca_cert: { type: 'str', aliases: ['ssl_ca_cert'] },
  // unset when not given: a given false counts in the collection's mutually exclusive sets
  validate_certs: { ...OPT_BOOL, aliases: ['verify_ssl'] },
  api_key: { type: 'str' },
} as const satisfies Record<string, ArgSpec>;

export type HelmAuth = ArgsOf<typeof HELM_AUTH_ARGS>;

/**
 * A helm module's run: `body` reads its args and opens the CLI with `open`; a ModuleFail anywhere
 * is the module's result; temp files on the host are removed at the end; stdout_lines and
 * stderr_lines added.
 */
export async function runHelmModule(
  ctx: ModuleContext,
  body: (open: (auth: HelmAuth, namespace?: string) => Promise<HelmCli>) => Promise<ModuleResult>,
): Promise<ModuleResult> {
  let cli: HelmCli | undefined;
  try {
    return withLines(await resultOf(() => body(async (auth, namespace) => (cli = await HelmCli.open(ctx, auth, namespace)))));
  } finally {
    await cli?.close();
  }
}

/** YAML as PyYAML's safe_load reads it (YAML 1.1: yes/no are booleans) */
export function loadYaml(text: string): unknown {
  return parse(text, { version: '1.1' }) as unknown;
}

/** Python's == on JSON-like values (True == 1, 1 == 1.0, dicts key by key) */
export function pyEqual(a: unknown, b: unknown): boolean {
  const num = (v: unknown) => (typeof v === 'boolean' ? Number(v) : v);
  if ((typeof a === 'number' || typeof a === 'boolean') && (typeof b === 'number' || typeof b === 'boolean')) return num(a) === num(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b || (a === undefined && b === null) || (a === null && b === undefined);
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === (b as unknown[]).length && a.every((x, i) => pyEqual(x, (b as unknown[])[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => k in b && pyEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export class HelmCli {
  private readonly temps: string[] = [];
  /** binary_path names no runnable file: the first helm command fails as Python's subprocess does */
  private unusable?: { errno: number; text: string };
  /** shell code run before each helm command: the K8S_AUTH_* fallbacks */
  private prefix = '';
  private constructor(
    readonly ctx: ModuleContext,
    /** the helm binary's path on the host */
    readonly bin: string,
    readonly env: Record<string, string>,
  ) {}

  /** Find the binary and prepare the environment; `namespace` is the release namespace (helm module only). */
  static async open(ctx: ModuleContext, auth: HelmAuth, namespace?: string): Promise<HelmCli> {
    const given = auth.binary_path;
    let bin: string;
    let unusable: { errno: number; text: string } | undefined;
    if (given !== undefined && given !== '') {
      bin = await expandPath(ctx, given);
      const r = await ctx.run(`if [ ! -e ${shq(bin)} ]; then echo missing; elif [ -d ${shq(bin)} ] || [ ! -x ${shq(bin)} ]; then echo denied; fi`, { inline: true });
      const what = r.stdout.trim();
      // what Python's subprocess says when Ansible's run_command cannot start the binary (at the first helm command)
      if (what === 'missing') unusable = { errno: 2, text: 'No such file or directory' };
      if (what === 'denied') unusable = { errno: 13, text: 'Permission denied' };
    } else {
      const found = await findBin(ctx, 'helm');
      if ('missing' in found) throw new ModuleFail(failed(found.missing));
      bin = found.bin;
    }
    const env: Record<string, string> = {};
    const cli = new HelmCli(ctx, bin, env);
    cli.unusable = unusable;
    const { context, api_key: apiKey, host, kubeconfig } = auth;
    if (context) env.HELM_KUBECONTEXT = context;
    if (namespace) env.HELM_NAMESPACE = namespace;
    if (apiKey) env.HELM_KUBETOKEN = apiKey;
    if (host) env.HELM_KUBEAPISERVER = host;
    const caCert = auth.ca_cert;
    if (caCert) env.HELM_KUBECAFILE = await expandPath(ctx, caCert);
    if (auth.validate_certs === false) env.HELM_KUBEINSECURE_SKIP_TLS_VERIFY = 'true';
    if (typeof kubeconfig === 'string' && kubeconfig !== '') env.KUBECONFIG = await expandPath(ctx, kubeconfig);
    else if (kubeconfig && typeof kubeconfig === 'object') env.KUBECONFIG = await cli.tempFile(JSON.stringify(kubeconfig), '');
    // the collection's env_fallback: an option not given is read from K8S_AUTH_* in the module's environment on the host
    const fallbacks: [string | undefined, string, string][] = [
      [context, 'K8S_AUTH_CONTEXT', 'HELM_KUBECONTEXT'],
      [apiKey, 'K8S_AUTH_API_KEY', 'HELM_KUBETOKEN'],
      [host, 'K8S_AUTH_HOST', 'HELM_KUBEAPISERVER'],
      [caCert, 'K8S_AUTH_SSL_CA_CERT', 'HELM_KUBECAFILE'],
      [kubeconfig === undefined ? undefined : '', 'K8S_AUTH_KUBECONFIG', 'KUBECONFIG'],
    ];
    cli.prefix = fallbacks.filter(([given]) => given === undefined).map(([, from, to]) => `if [ -n "\${${from}-}" ]; then ${to}="\$${from}"; export ${to}; fi; `).join('');
    if (auth.validate_certs === undefined) cli.prefix += 'case "${K8S_AUTH_VERIFY_SSL-}" in [Nn]|[Nn][Oo]|[Ff]|[Ff][Aa][Ll][Ss][Ee]|0|[Oo][Ff][Ff]) HELM_KUBEINSECURE_SKIP_TLS_VERIFY=true; export HELM_KUBEINSECURE_SKIP_TLS_VERIFY;; esac; ';
    return cli;
  }

  /** A private temp file on the host holding TEXT (removed by close()); its path. */
  async tempFile(text: string, suffix: string): Promise<string> {
    const r = await this.ctx.run(`umask 077 && f=$(mktemp ${suffix ? `--suffix=${shq(suffix)}` : ''}) && cat > "$f" && printf '%s' "$f"`, { stdin: text, inline: true });
    if (r.rc !== 0 || r.stdout === '') throw new ModuleFail(failed(`Failed to write a temporary file: ${r.stderr.trim()}`));
    this.temps.push(r.stdout);
    return r.stdout;
  }

  /** Remove the temp files. */
  async close(): Promise<void> {
    if (this.temps.length) await this.ctx.run(`rm -f -- ${this.temps.map(shq).join(' ')}`, { inline: true });
  }

  /** The command as the collection shows it (`command` in results, messages). */
  line(words: string[]): string {
    return [this.bin, ...words].join(' ');
  }

  /** Run `helm WORDS` to read; with failOnError, a non-zero exit fails the module as run_helm_command does. */
  async run(words: string[], failOnError = true): Promise<ToolOut> {
    this.usable(this.line(words));
    const r = await this.ctx.run(this.command(words), { env: this.env });
    if (failOnError && r.rc !== 0) throw new ModuleFail(commandFailure(r.rc, r.stdout, r.stderr, this.line(words), true));
    return { rc: r.rc, out: r.stdout, err: r.stderr };
  }

  /**
   * Change the cluster or helm's settings with `helm WORDS` through change(): nothing runs in
   * check mode (undefined); a non-zero exit fails the module with `shown` as the command.
   */
  async change(description: string, words: string[], shown: string, stdin?: string): Promise<ToolOut | undefined> {
    this.usable(shown);
    const r = await change(this.ctx, description, this.command(words), { env: this.env, ...(stdin !== undefined ? { stdin } : {}), keepFailure: true });
    if (!r) return undefined;
    if (r.rc !== 0) throw new ModuleFail(commandFailure(r.rc, r.stdout, r.stderr, shown, true));
    return { rc: r.rc, out: r.stdout, err: r.stderr };
  }

  /** binary_path names no runnable file: the command fails as Python's subprocess does */
  private usable(shown: string): void {
    const u = this.unusable;
    if (u) throw new ModuleFail(failed(`[Errno ${u.errno}] ${u.text}: b'${this.bin}'`, { cmd: shown, rc: u.errno, stdout: '', stderr: '' }));
  }

  /** the shell command of `helm WORDS`, after the K8S_AUTH_* fallbacks */
  private command(words: string[]): string {
    return this.prefix + [this.bin, ...words].map(shq).join(' ');
  }
}

/** The collection's "Failure when executing Helm command" result. */
export function commandFailure(rc: number, out: string, err: string, command: string, withOutput: boolean): ModuleResult {
  return failed(`Failure when executing Helm command. Exited ${rc}.\nstdout: ${out}\nstderr: ${err}`, withOutput ? { stdout: out, stderr: err, command } : { command });
}

