/**
 * The connection variables (ansible_host, ansible_port, ansible_user, ansible_connection, the
 * ssh timeout, key files) checked where they are written: an inventory, group_vars/host_vars, -e.
 * A literal value of the wrong kind is an INVENTORY error at its file:line:col before any host
 * is contacted (a port of "twenty-two" would otherwise become NaN and fail as a credentials
 * problem). Templated values are checked by the engine once rendered (connectionValue).
 */
import { KbsError, type Position } from '../errors.js';
import type { Vars } from './types.js';
import { unprotectedHint, unprotectedKey } from '../util/keyperms.js';
import { originOf, originPos } from './origins.js';

export const CONNECTIONS = ['ssh', 'local', 'paramiko', 'smart'];

type Check = (v: unknown) => string | undefined;

const isTemplate = (v: unknown) => typeof v === 'string' && /\{\{|\{%/.test(v);

const port: Check = (v) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? undefined : 'must be a port number from 1 to 65535';
};
const host: Check = (v) =>
  typeof v !== 'string' ? 'must be a host name or address (a string)' : v.trim() === '' ? 'is empty' : /\s/.test(v.trim()) ? 'must not contain spaces' : undefined;
const user: Check = (v) => (typeof v !== 'string' ? 'must be a user name (a string; quote a numeric one)' : v.trim() === '' ? 'is empty' : undefined);
const connection: Check = (v) => (typeof v === 'string' && CONNECTIONS.includes(v) ? undefined : `must be one of ${CONNECTIONS.join(', ')}`);
const seconds: Check = (v) => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) && n > 0 ? undefined : 'must be a positive number of seconds';
};
const keyFiles: Check = (v) =>
  (typeof v === 'string' && v.trim() !== '') || (Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && x.trim() !== ''))
    ? undefined
    : 'must be a path to a private key file (or a list of paths)';

const CHECKS: Record<string, Check> = {
  ansible_port: port,
  ansible_ssh_port: port,
  ansible_host: host,
  ansible_ssh_host: host,
  ansible_user: user,
  ansible_ssh_user: user,
  ansible_remote_user: user,
  ansible_become_user: user,
  ansible_connection: connection,
  ansible_ssh_timeout: seconds,
  ansible_timeout: seconds,
  ansible_ssh_private_key_file: keyFiles,
  ansible_private_key_file: keyFiles,
};

const HINTS: Record<string, string> = {
  ansible_port: 'e.g. ansible_port: 22',
  ansible_ssh_port: 'e.g. ansible_ssh_port: 22',
  ansible_connection: 'kbs connects with ssh, or runs on the workstation with local',
};

/**
 * Check the connection variables among `vars`; `pos(key)` is where the key's value is written.
 * `where` names the owner for the message ("host web1", "group web", "-e").
 */
export function checkConnectionVars(vars: Vars | undefined, where: string, pos: (key: string) => Position | undefined = (k) => writtenAt(vars, k)): void {
  if (!vars) return;
  for (const [key, check] of Object.entries(CHECKS)) {
    if (!(key in vars)) continue;
    const v = vars[key];
    if (isTemplate(v) || (Array.isArray(v) && v.some(isTemplate))) continue;
    const why = check(v);
    if (why) throw connectionError(key, v, why, where, pos(key));
    if (check === keyFiles) {
      for (const f of Array.isArray(v) ? (v as string[]) : [v as string]) {
        const open = unprotectedKey(f);
        if (open) throw new KbsError('INVENTORY', `${where}: ${open}`, { pos: pos(key), hint: unprotectedHint(f) });
      }
    }
  }
}

/** where the loaders recorded the value of `key` (origins.ts) */
function writtenAt(vars: Vars | undefined, key: string): Position | undefined {
  const o = vars ? originOf(vars, key) : undefined;
  return o ? originPos(o) : undefined;
}

/** A rendered connection variable (the engine's check of templated values): the value, or a KbsError. */
export function connectionValue(key: string, v: unknown, where: string): void {
  const check = CHECKS[key] as Check | undefined;
  const why = check !== undefined && v !== undefined && v !== null ? check(v) : undefined;
  if (why) throw connectionError(key, v, why, where, undefined);
}

function connectionError(key: string, v: unknown, why: string, where: string, pos: Position | undefined): KbsError {
  return new KbsError('INVENTORY', `${where}: ${key} ${why}, got ${JSON.stringify(v) ?? String(v)}`, {
    pos,
    hint: HINTS[key] ?? `fix the value of ${key}`,
  });
}
