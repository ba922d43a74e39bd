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
import { failed, optStr, splitLines, toBool } from '../util/args.js';
import { expandPath } from '../util/paths.js';
import { BOOL, STR } from '../util/schema.js';
import type { JsonSchema } from '../types.js';

/** HELM_AUTH_ARG_SPEC of the collection (helm_args_common.py), shared by both modules */
export const HELM_AUTH_ARGS: Record<string, JsonSchema> = {
  binary_path: STR,
  context: STR,
  kube_context: STR,
  kubeconfig: { type: ['string', 'object'] },
  kubeconfig_path: { type: ['string', 'object'] },
  host: STR,
  ca_cert: STR,
  ssl_ca_cert: STR,
  validate_certs: BOOL,
  verify_ssl: BOOL,
  api_key: STR,
};

/** fail_json: ends the module with this result */
export class HelmFail extends Error {
  constructor(readonly result: ModuleResult) {
    super(String(result.msg));
  }
}

export interface HelmOut {
  rc: number;
  out: string;
  err: string;
}

/** The first of the names that is set (an option and its aliases). */
export function firstSet(args: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (args[n] !== undefined && args[n] !== null) return args[n];
  return undefined;
}

/** Ansible's mutually_exclusive check on the options as given */
export function mutuallyExclusive(args: Record<string, unknown>, pairs: [string[], string[]][]): void {
  for (const [a, b] of pairs) {
    if (firstSet(args, ...a) !== undefined && firstSet(args, ...b) !== undefined) throw new HelmFail(failed(`parameters are mutually exclusive: ${a[0]}|${b[0]}`));
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
  static async open(ctx: ModuleContext, args: Record<string, unknown>, namespace?: string): Promise<HelmCli> {
    const given = optStr(args, 'binary_path');
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
      const r = await ctx.run(FIND_HELM, { inline: true });
      const [tag, rest] = [r.stdout.slice(0, 6), r.stdout.slice(6).replace(/\n$/, '')];
      if (tag !== 'found ') throw new HelmFail(failed(`Failed to find required executable "helm" in paths: ${rest}`));
      bin = rest;
    }
    const env: Record<string, string> = {};
    const cli = new HelmCli(ctx, bin, env);
    cli.unusable = unusable;
    const context = optStr(args, 'context', 'kube_context');
    const apiKey = optStr(args, 'api_key');
    const host = optStr(args, 'host');
    if (context) env.HELM_KUBECONTEXT = context;
    if (namespace) env.HELM_NAMESPACE = namespace;
    if (apiKey) env.HELM_KUBETOKEN = apiKey;
    if (host) env.HELM_KUBEAPISERVER = host;
    const caCert = optStr(args, 'ca_cert', 'ssl_ca_cert');
    if (caCert) env.HELM_KUBECAFILE = await expandPath(ctx, caCert);
    if (!toBool(firstSet(args, 'validate_certs', 'verify_ssl'), true, 'validate_certs')) env.HELM_KUBEINSECURE_SKIP_TLS_VERIFY = 'true';
    const kubeconfig = firstSet(args, 'kubeconfig', 'kubeconfig_path');
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
    if (firstSet(args, 'validate_certs', 'verify_ssl') === undefined) cli.prefix += 'case "${K8S_AUTH_VERIFY_SSL-}" in [Nn]|[Nn][Oo]|[Ff]|[Ff][Aa][Ll][Ss][Ee]|0|[Oo][Ff][Ff]) HELM_KUBEINSECURE_SKIP_TLS_VERIFY=true; export HELM_KUBEINSECURE_SKIP_TLS_VERIFY;; esac; ';
    return cli;
  }

  /** A private temp file on the host holding TEXT (removed by close()); its path. */
  async tempFile(text: string, suffix: string): Promise<string> {
    const r = await this.ctx.run(`umask 077 && f=$(mktemp ${suffix ? `--suffix=${shq(suffix)}` : ''}) && cat > "$f" && printf '%s' "$f"`, { stdin: text, inline: true });
    if (r.rc !== 0 || r.stdout === '') throw new HelmFail(failed(`Failed to write a temporary file: ${r.stderr.trim()}`));
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

  /** Run `helm WORDS`; with failOnError, a non-zero exit fails the module as run_helm_command does. */
  async run(words: string[], failOnError = true, stdin?: string, shown?: string): Promise<HelmOut> {
    const u = this.unusable;
    if (u) throw new HelmFail(failed(`[Errno ${u.errno}] ${u.text}: b'${this.bin}'`, { cmd: shown ?? this.line(words), rc: u.errno, stdout: '', stderr: '' }));
    const r = await this.ctx.run(this.prefix + [this.bin, ...words].map(shq).join(' '), { env: this.env, ...(stdin !== undefined ? { stdin } : {}) });
    if (failOnError && r.rc !== 0) throw new HelmFail(commandFailure(r.rc, r.stdout, r.stderr, shown ?? this.line(words), true));
    return { rc: r.rc, out: r.stdout, err: r.stderr };
  }
}

/** stdout_lines and stderr_lines, which Ansible adds to every result with stdout / stderr */
export function withLines(r: ModuleResult): ModuleResult {
  if (typeof r.stdout === 'string' && !('stdout_lines' in r)) r.stdout_lines = splitLines(r.stdout);
  if (typeof r.stderr === 'string' && !('stderr_lines' in r)) r.stderr_lines = splitLines(r.stderr);
  return r;
}

/** The collection's "Failure when executing Helm command" result. */
export function commandFailure(rc: number, out: string, err: string, command: string, withOutput: boolean): ModuleResult {
  return failed(`Failure when executing Helm command. Exited ${rc}.\nstdout: ${out}\nstderr: ${err}`, withOutput ? { stdout: out, stderr: err, command } : { command });
}

/** get_bin_path('helm'): PATH, then /sbin, /usr/sbin, /usr/local/sbin when missing from it and present. */
const FIND_HELM = [
  'p="$PATH"',
  'for d in /sbin /usr/sbin /usr/local/sbin; do case ":$p:" in *":$d:"*) ;; *) [ -e "$d" ] && p="$p:$d";; esac; done',
  'IFS=:',
  'for d in $p; do [ -n "$d" ] && [ -e "$d/helm" ] && [ ! -d "$d/helm" ] && [ -x "$d/helm" ] && { printf "found %s" "$d/helm"; exit 0; }; done',
  'printf "none  %s" "$p"',
].join('\n');
