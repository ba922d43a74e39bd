/**
 * The transport layer's public surface. Most callers need only ConnectionPool:
 *
 *   const pool = new ConnectionPool({ acceptNewHostKeys, connectTimeout: 10 });
 *   const conn = await pool.get(spec);           // one connection per host and login per run
 *   const res = await conn.exec('uname -r', { become: true });
 *   await pool.closeAll();
 *
 * Files: ssh.ts (SshConnection, exec channels), connect.ts (one attempt, jump hosts, auth, host
 * keys), pool.ts (sharing, retries), resolve.ts (spec + ssh args + ssh_config -> endpoints),
 * known_hosts.ts / host_keys.ts (verification), ssh_config.ts, ssh_args.ts, keys.ts (auth order),
 * become.ts (sudo), shell.ts (quoting), local.ts (local transport).
 */
export type { Connection, ConnectionSpec, ConnectionStats, ExecOptions, ExecResult, TransportOptions } from './types.js';
export { ConnectionPool } from './pool.js';
export { connectSsh, type ConnectTuning } from './connect.js';
export { SshConnection } from './ssh.js';
export { LocalConnection } from './local.js';
export { resolveTarget, type ResolvedTarget, type Endpoint } from './resolve.js';
export { fingerprint, knownHostName } from './known_hosts.js';
export { shq, wrapCommand, becomeCommand, SUDO_PROMPT } from './shell.js';
