/**
 * From a ConnectionSpec (inventory vars) + ansible_ssh_common_args + ~/.ssh/config to the concrete
 * endpoints to dial. Precedence, as with Ansible's ssh command line: inventory values
 * (ansible_host/port/user/key) > ansible_ssh_common_args > run options > ssh_config > defaults.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import type { ConnectionSpec, TransportOptions } from './types.js';
import { acceptNewFrom, parseProxyJump, parseSshArgs } from './ssh_args.js';
import { expandHome, expandTokens, resolveSshConfig, type SshHostConfig } from './ssh_config.js';
import { defaultKnownHostsFile, type HostKeyPolicy } from './host_keys.js';

export interface Endpoint {
  host: string;
  port: number;
  user: string;
  /** explicit key files; empty -> the default ~/.ssh/id_* that exist */
  keyFiles: string[];
  /** password / keyboard-interactive secret (target only, never sent to jump hosts) */
  password?: string;
}

export interface ResolvedTarget {
  /** inventory_hostname */
  name: string;
  target: Endpoint;
  /** jump hosts, outermost first */
  jumps: Endpoint[];
  policy: HostKeyPolicy;
  connectTimeoutMs: number;
  agentSocket?: string;
  /** ssh options in ansible_ssh_common_args that kbs does not understand (ignored) */
  ignoredArgs: string[];
}

export function endpointLabel(e: Endpoint): string {
  return `${e.user}@${e.host}:${e.port}`;
}

function localUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'root';
  }
}

export function resolveTarget(spec: ConnectionSpec, opts: TransportOptions = {}): ResolvedTarget {
  const args = parseSshArgs(spec.commonArgs);
  const cfgFile = opts.sshConfigFile === null ? null : (opts.sshConfigFile ?? join(homedir(), '.ssh', 'config'));
  const lookup = (h: string): SshHostConfig => (cfgFile ? resolveSshConfig(cfgFile, h) : { identityFiles: [] });
  const original = spec.address || spec.name;
  const cfg = lookup(original);
  const host = cfg.hostName ? expandTokens(cfg.hostName, { host: original, original, user: '', port: 22 }) : original;
  const port = spec.port ?? args.port ?? cfg.port ?? 22;
  const user = spec.user ?? args.user ?? cfg.user ?? localUser();
  const tok = { host, original, user, port };
  const explicitKeys = [...(spec.privateKeyFiles ?? []), ...args.identityFiles].map((f) => expandTokens(f, tok));
  const keyFiles = dedupe([...explicitKeys, ...cfg.identityFiles.map((f) => expandTokens(f, tok))]);

  const known = (args.userKnownHostsFile ??
    (opts.knownHostsFile ? [opts.knownHostsFile] : undefined) ??
    cfg.userKnownHostsFile ?? [defaultKnownHostsFile()]).map((f) => expandTokens(f, tok));
  const acceptNew =
    acceptNewFrom(args.strictHostKeyChecking) ??
    (opts.acceptNewHostKeys ? true : undefined) ??
    acceptNewFrom(cfg.strictHostKeyChecking) ??
    false;
  const timeoutS = spec.connectTimeout ?? args.connectTimeout ?? opts.connectTimeout ?? cfg.connectTimeout ?? 10;

  const jumps = parseProxyJump(args.proxyJump ?? cfg.proxyJump).map((j): Endpoint => {
    const jc = lookup(j.host);
    const jhost = jc.hostName ? expandTokens(jc.hostName, { host: j.host, original: j.host, user: '', port: 22 }) : j.host;
    const jport = j.port ?? jc.port ?? 22;
    const juser = j.user ?? jc.user ?? localUser();
    const jtok = { host: jhost, original: j.host, user: juser, port: jport };
    const jkeys = jc.identityFiles.length > 0 ? jc.identityFiles.map((f) => expandTokens(f, jtok)) : keyFiles;
    return { host: jhost, port: jport, user: juser, keyFiles: jkeys };
  });

  return {
    name: spec.name,
    target: { host, port, user, keyFiles, password: spec.password },
    jumps,
    policy: { files: known.map(expandHome), acceptNew },
    connectTimeoutMs: Math.round(timeoutS * 1000),
    agentSocket: opts.agentSocket ?? process.env.SSH_AUTH_SOCK,
    ignoredArgs: args.ignored,
  };
}

function dedupe(xs: string[]): string[] {
  return [...new Set(xs)];
}
