/**
 * A host's connection spec as Ansible's PlayContext makes it: the connection variables the task
 * sees (ansible_host, ansible_user, ...), then the `remote_user` and `port` keywords, the play's
 * and the command line's defaults.
 */
import { KbsError } from '../errors.js';
import { connectionValue } from '../inventory/connvars.js';
import type { Play, Vars } from '../load/model.js';
import type { Templater } from '../template/types.js';
import type { ConnectionSpec } from '../transport/types.js';
import type { RunOptions } from './options.js';

/** the variables a task's connection spec is made from (besides the keywords) */
export const CONNECTION_VARS = [
  'ansible_connection', 'ansible_host', 'ansible_ssh_host', 'ansible_port', 'ansible_ssh_port', 'ansible_user', 'ansible_ssh_user',
  'ansible_remote_user', 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_private_key_file', 'ansible_private_key_file',
  'ansible_ssh_common_args', 'ansible_ssh_extra_args', 'ansible_become', 'ansible_become_user', 'ansible_become_password',
  'ansible_become_pass', 'ansible_sudo_pass', 'ansible_ssh_timeout', 'ansible_timeout',
];

/** the task keywords that give a connection its defaults (rendered) */
export interface ConnectionKeywords {
  remoteUser?: string;
  port?: unknown;
}

export const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

/** what a spec falls back to besides the host's variables */
export interface SpecDefaults {
  /** the host is in the inventory (localhost outside it is a local connection) */
  inInventory: boolean;
  play?: Play;
  opts: RunOptions;
  templater: Templater;
}

/** the spec of host NAME from the variables scopeOf() gives (read only for a host kbs does not treat as local) */
export function connectionSpec(name: string, scopeOf: () => Vars, kw: ConnectionKeywords, from: SpecDefaults): ConnectionSpec {
  const { inInventory, play, opts, templater } = from;
  if (!inInventory && LOCAL_NAMES.has(name)) return { name, type: 'local', address: name };
  const v = scopeOf();
  for (const k of ['ansible_port', 'ansible_ssh_port', 'ansible_host', 'ansible_ssh_host', 'ansible_user', 'ansible_ssh_user', 'ansible_ssh_timeout', 'ansible_timeout']) {
    connectionValue(k, v[k], `host ${name}`);
  }
  const str = (k: string) => (v[k] === undefined || v[k] === null ? undefined : String(v[k]));
  const keyFile = v.ansible_ssh_private_key_file ?? v.ansible_private_key_file;
  const conn = str('ansible_connection') ?? play?.connection ?? opts.connection ?? (LOCAL_NAMES.has(name) && !str('ansible_host') ? 'local' : 'ssh');
  if (conn !== 'ssh' && conn !== 'local' && conn !== 'paramiko' && conn !== 'smart') {
    throw new KbsError('INVENTORY', `host ${name}: ansible_connection "${conn}" is not supported`, {
      host: name,
      hint: 'use ssh or local',
    });
  }
  const port = v.ansible_port ?? v.ansible_ssh_port ?? kw.port;
  if (kw.port !== undefined && port === kw.port) connectionValue('ansible_port', kw.port, `host ${name}: the port keyword`);
  const s: ConnectionSpec = {
    name,
    type: conn === 'local' ? 'local' : 'ssh',
    address: str('ansible_host') ?? str('ansible_ssh_host') ?? name,
    port: port !== undefined && port !== null ? Number(port) : undefined,
    user: str('ansible_user') ?? str('ansible_ssh_user') ?? str('ansible_remote_user') ?? kw.remoteUser ?? play?.remoteUser ?? opts.remoteUser,
    password: str('ansible_password') ?? str('ansible_ssh_pass'),
    privateKeyFiles:
      keyFile === undefined || keyFile === null
        ? opts.privateKeyFile === undefined ? undefined : [opts.privateKeyFile]
        : Array.isArray(keyFile) ? keyFile.map(String) : [String(keyFile)],
    commonArgs: [str('ansible_ssh_common_args'), str('ansible_ssh_extra_args')].filter(Boolean).join(' ') || undefined,
    become: v.ansible_become === undefined ? (opts.become ? true : undefined) : templater.condition(v.ansible_become, v),
    becomeUser: str('ansible_become_user') ?? opts.becomeUser,
    becomePassword: str('ansible_become_password') ?? str('ansible_become_pass') ?? str('ansible_sudo_pass'),
  };
  const timeout = v.ansible_ssh_timeout ?? v.ansible_timeout;
  if (timeout !== undefined && timeout !== null) s.connectTimeout = Number(timeout);
  return s;
}

/**
 * The connection variables Ansible's PlayContext adds to a task's variables (update_vars) where the
 * task has none of that name: the connection, the module compression, the shell, the address, the
 * login user (from the remote_user keyword, the play or the configuration), password, the port
 * the variables give (`varPort`: ansible_port or ansible_ssh_port; the `port` keyword does not reach
 * Ansible's PlayContext), pipelining (kbs does not pipeline: False), the connect timeout and the
 * private key, in Ansible's order.
 * `localKeyword`: the task's `connection: local` applies (no ansible_connection variable).
 */
export function connectionVars(spec: ConnectionSpec, opts: RunOptions, implicitLocalhost: boolean, localKeyword = false, varPort?: unknown): Vars {
  const local = spec.type === 'local' || localKeyword;
  const pairs: [string[], unknown][] = [
    [['ansible_connection'], local ? 'local' : 'ssh'],
    [['ansible_module_compression'], 'ZIP_DEFLATED'],
    [['ansible_shell_executable'], '/bin/sh'],
    [['ansible_ssh_host', 'ansible_host'], implicitLocalhost ? '127.0.0.1' : spec.address],
    [['ansible_ssh_user', 'ansible_user'], spec.user],
    [['ansible_ssh_pass', 'ansible_password'], spec.password],
    [['ansible_ssh_port', 'ansible_port'], varPort],
    [['ansible_ssh_pipelining', 'ansible_pipelining'], false],
    [['ansible_ssh_timeout', 'ansible_timeout'], opts.transport.connectTimeout ?? 10],
    [['ansible_ssh_private_key_file', 'ansible_private_key_file'], spec.privateKeyFiles?.[0]],
  ];
  const out: Vars = {};
  for (const [names, v] of pairs) if (v !== undefined && v !== null) for (const n of names) out[n] = v;
  return out;
}
