/** Names, paths and addresses of a fleet, all derived from its id. */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';

/** Persistent caches (base image, package repository, the fleet's SSH key). */
export const CACHE_DIR = process.env.KBS_FLEET_CACHE ?? '/var/lib/kbs-fleet';
/** Runtime state: one folder per fleet id, plus the per-id lock files. */
export const RUN_DIR = process.env.KBS_FLEET_RUN ?? '/run/kbs-fleet';

export const APT_PORT = 18080;
export const RELEASE_PORT = 18081;
export const MAX_MACHINES = 200;

export interface FleetPaths {
  id: string;
  /** short hash of the id, used in interface names (15 chars max) */
  tag: string;
  stateDir: string;
  stateFile: string;
  lockFile: string;
  knownHosts: string;
  /** overlay folders of the machines: DIR/NAME/{upper,work,root} */
  machinesDir: string;
  releaseDir: string;
  serverLog: string;
  bridge: string;
  /** first three octets of the fleet's /24, e.g. "10.77.42" */
  subnet: string;
  bridgeIp: string;
}

export function fleetId(id?: string): string {
  const v = id ?? process.env.KBS_FLEET_ID ?? 'kbs';
  if (!/^[a-z][a-z0-9-]{0,30}$/.test(v) || v.endsWith('-')) {
    throw new KbsError('USAGE', `invalid fleet id "${v}"`, {
      hint: 'use lower-case letters, digits and dashes (max 31 chars), starting with a letter',
    });
  }
  return v;
}

export function paths(idIn?: string): FleetPaths {
  const id = fleetId(idIn);
  const digest = createHash('sha256').update(id).digest();
  const tag = digest.subarray(0, 3).toString('hex');
  const subnet = subnetFor(id, digest[3]);
  const stateDir = join(RUN_DIR, id);
  return {
    id,
    tag,
    stateDir,
    stateFile: join(stateDir, 'state.json'),
    lockFile: join(RUN_DIR, `${id}.lock`),
    knownHosts: join(stateDir, 'known_hosts'),
    machinesDir: join(CACHE_DIR, 'fleets', id),
    releaseDir: join(stateDir, 'k8s'),
    serverLog: join(stateDir, 'server.log'),
    bridge: `kf${tag}br`,
    subnet,
    bridgeIp: `${subnet}.1`,
  };
}

/** 10.77.X: X from the id's hash (1..254), or KBS_FLEET_SUBNET="10.77.5" to choose. */
function subnetFor(id: string, byte: number): string {
  const env = process.env.KBS_FLEET_SUBNET;
  if (env) {
    if (!/^\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(env) || env.split('.').some((o) => Number(o) > 255)) {
      throw new KbsError('USAGE', `KBS_FLEET_SUBNET="${env}" is not three octets like 10.77.5`);
    }
    return env;
  }
  if (id === 'kbs') return '10.77.0';
  return `10.77.${(byte % 254) + 1}`;
}

export function machineName(id: string, i: number): string {
  return `${id}-${i}`;
}

/** index of a machine name of this fleet, or undefined */
export function machineIndex(id: string, name: string): number | undefined {
  const m = new RegExp(`^${id.replace(/-/g, '\\-')}-(\\d+)$`).exec(name);
  return m ? Number(m[1]) : undefined;
}

export function machineIp(p: FleetPaths, i: number): string {
  return `${p.subnet}.${10 + i}`;
}

/** host side of machine i's veth pair, and the name its peer has before it moves into the netns */
export function vethNames(p: FleetPaths, i: number): { host: string; peer: string } {
  return { host: `kf${p.tag}v${i}`, peer: `kf${p.tag}p${i}` };
}

export function macFor(p: FleetPaths, i: number): string {
  const t = p.tag;
  return `02:4b:${t.slice(0, 2)}:${t.slice(2, 4)}:${t.slice(4, 6)}:${i.toString(16).padStart(2, '0')}`;
}

export function machineDirs(p: FleetPaths, name: string) {
  const base = join(p.machinesDir, name);
  return { base, upper: join(base, 'upper'), work: join(base, 'work'), root: join(base, 'root') };
}

export function machineLog(p: FleetPaths, name: string): string {
  return join(p.stateDir, `${name}.log`);
}
