/** up / down / status / ssh of a fleet of Debian 12 machines booted with systemd-nspawn. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { KbsError } from '../../src/errors.js';
import { APT_PORT, MAX_MACHINES, RELEASE_PORT, RUN_DIR, machineIp, machineName, paths, vethNames, type FleetPaths } from './config.js';
import { removeFleet, isClean, type Leftovers } from './cleanup.js';
import { run, type RunResult } from './exec.js';
import { ensureBase } from './image.js';
import { clientKeyPath, ensureClientKey } from './keys.js';
import { acquireLock } from './lock.js';
import { bootMachine, machineInit, mountOverlay, sshArgs, waitReady, writeIdentity } from './machine.js';
import { checkSubnetFree, createBridge, createMachineNet, links, writeSysctl } from './net.js';
import { alive, procState } from './procs.js';
import { buildRelease } from './release.js';
import { ensureRepo } from './repo.js';
import { startServer } from './server.js';
import { readState, writeFileAtomic, writeState, type FleetState } from './state.js';
import { ensureHostTools } from './tools.js';

export interface FleetOptions {
  /** fleet id (default: env KBS_FLEET_ID or "kbs") */
  id?: string;
  log?: (msg: string) => void;
}

export interface UpOptions extends FleetOptions {
  /** serve this folder as the release tree instead of building test/sim into the state dir */
  releaseDir?: string;
  /** seconds to wait for all machines (default 120 + 4 per machine) */
  timeoutSec?: number;
  /** tear down a running fleet with the same id instead of refusing */
  replace?: boolean;
  /** leave a half-started fleet in place when up fails (for debugging) */
  keepOnFailure?: boolean;
}

export interface FleetInfo {
  id: string;
  machines: { name: string; ip: string }[];
  bridge: string;
  bridgeIp: string;
  /** private key authorized for root on every machine */
  sshKey: string;
  /** known_hosts with every machine's host key (by name and by IP) */
  knownHosts: string;
  /** for `deb [trusted=yes] APTREPO ./` */
  aptRepo: string;
  /** dl.k8s.io-style base: RELEASEURL/release/vX.Y.Z/bin/linux/amd64/kubeadm */
  releaseUrl: string;
  /** seconds each phase of up() took */
  timings?: Record<string, number>;
}

export type MachineState = 'running' | 'paused' | 'stopped';

export interface MachineStatus {
  name: string;
  ip: string;
  state: MachineState;
  pid?: number;
  net: 'up' | 'down';
}

export interface FleetStatus {
  id: string;
  status: 'absent' | 'starting' | 'up';
  info?: FleetInfo;
  machines: MachineStatus[];
}

const noLog = () => undefined;

export async function up(n: number, opts: UpOptions = {}): Promise<FleetInfo> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_MACHINES) {
    throw new KbsError('USAGE', `a fleet has 1..${MAX_MACHINES} machines, not ${n}`);
  }
  const p = paths(opts.id);
  const log = opts.log ?? noLog;
  await ensureHostTools(log);
  const lock = await acquireLock(p.lockFile, `fleet "${p.id}"`);
  try {
    return await upLocked(p, n, opts, log);
  } finally {
    await lock.release();
  }
}

async function upLocked(p: FleetPaths, n: number, opts: UpOptions, log: (m: string) => void): Promise<FleetInfo> {
  const t = timer();
  const old = readState(p);
  if (old?.status === 'up' && old.machines.some((m) => alive(m.pid)) && !opts.replace) {
    throw new KbsError('LOCK', `fleet "${p.id}" is already up (${old.machines.length} machines)`, {
      hint: `run "down" first, use another id (KBS_FLEET_ID), or pass replace`,
    });
  }
  const left = await removeFleet(p, log);
  if (!isClean(left)) throw leftoverError(p, left);
  t.mark('cleanup');
  // past ~19 machines systemd fails with "Too many open files" without these
  raiseSysctl('/proc/sys/fs/inotify/max_user_instances', 8192);
  raiseSysctl('/proc/sys/fs/inotify/max_user_watches', 524288);
  const releaseDir = opts.releaseDir ?? p.releaseDir;
  mkdirSync(p.stateDir, { recursive: true });
  const state: FleetState = {
    id: p.id, status: 'starting', owner: process.pid, createdAt: new Date().toISOString(),
    bridge: p.bridge, bridgeIp: p.bridgeIp, subnet: p.subnet, releaseDir,
    aptPort: APT_PORT, releasePort: RELEASE_PORT, machines: [],
  };
  writeState(p, state);
  try {
    // the subnet check and the bridge under one host-wide lock: two ids may hash to one /24
    const netLock = await acquireLock(join(RUN_DIR, 'net.lock'), 'the fleet network setup', 60);
    try {
      await checkSubnetFree(p);
      await createBridge(p);
    } finally {
      await netLock.release();
    }
    const base = await ensureBase(log);
    t.mark('base');
    const repo = await ensureRepo(base, log);
    t.mark('repo');
    const key = await ensureClientKey();
    state.baseDir = base;
    state.repoDir = repo;
    writeState(p, state);
    if (!opts.releaseDir) await buildRelease(releaseDir, log);
    t.mark('release');
    state.serverPid = await startServer({
      fleetId: p.id, bind: p.bridgeIp, serve: { [APT_PORT]: repo, [RELEASE_PORT]: releaseDir }, log: p.serverLog,
    });
    writeState(p, state);
    t.mark('server');
    const names = Array.from({ length: n }, (_, k) => machineName(p.id, k + 1));
    const hosts = names.map((name, k) => `${machineIp(p, k + 1)} ${name}`);
    const identity = {
      authorizedKey: key.publicKey,
      aptLine: `deb [trusted=yes] http://${p.bridgeIp}:${APT_PORT}/ ./`,
      hosts,
    };
    const hostKeys: string[] = [];
    const limit = pLimit(8);
    await Promise.all(
      names.map((name, k) =>
        limit(async () => {
          const i = k + 1;
          const rec = { name, index: i, ip: machineIp(p, i) } as FleetState['machines'][number];
          state.machines.push(rec);
          state.machines.sort((a, b) => a.index - b.index);
          writeState(p, state);
          await createMachineNet(p, i, name);
          const root = await mountOverlay(p, name, base);
          const hostKey = await writeIdentity(root, name, identity);
          hostKeys[k] = `${name},${rec.ip} ${hostKey}`;
        }),
      ),
    );
    writeFileAtomic(p.knownHosts, hostKeys.join('\n') + '\n');
    t.mark('prepare');
    for (const m of state.machines) m.pid = bootMachine(p, m.name);
    writeState(p, state);
    const deadline = Date.now() + (opts.timeoutSec ?? 120 + 4 * n) * 1000;
    await Promise.all(state.machines.map((m) => waitReady(p, m, key.privateKey, deadline)));
    t.mark('boot');
    state.status = 'up';
    writeState(p, state);
    const info = infoOf(p, state, key.privateKey);
    info.timings = t.done();
    log(`fleet ${p.id}: ${n} machines up in ${info.timings.total}s (${JSON.stringify(info.timings)})`);
    return info;
  } catch (e) {
    if (!opts.keepOnFailure) await removeFleet(p, log);
    throw e;
  }
}

function leftoverError(p: FleetPaths, l: Leftovers): KbsError {
  return new KbsError('STATE', `could not remove what is left of fleet "${p.id}"`, {
    hint: JSON.stringify(l),
  });
}

function raiseSysctl(path: string, min: number): void {
  try {
    if (Number(readFileSync(path, 'utf8')) >= min) return;
  } catch {
    return;
  }
  writeSysctl(path, String(min));
}

function infoOf(p: FleetPaths, s: FleetState, sshKey: string): FleetInfo {
  return {
    id: p.id,
    machines: s.machines.map((m) => ({ name: m.name, ip: m.ip })),
    bridge: s.bridge,
    bridgeIp: s.bridgeIp,
    sshKey,
    knownHosts: p.knownHosts,
    aptRepo: `http://${s.bridgeIp}:${s.aptPort ?? APT_PORT}/`,
    releaseUrl: `http://${s.bridgeIp}:${s.releasePort ?? RELEASE_PORT}`,
  };
}

/** remove the fleet (and any leftovers of a crashed run); returns the seconds it took */
export async function down(opts: FleetOptions = {}): Promise<number> {
  const p = paths(opts.id);
  const t0 = Date.now();
  const lock = await acquireLock(p.lockFile, `fleet "${p.id}"`);
  try {
    const left = await removeFleet(p, opts.log ?? noLog);
    if (!isClean(left)) throw leftoverError(p, left);
  } finally {
    await lock.release();
  }
  return (Date.now() - t0) / 1000;
}

export async function status(opts: FleetOptions = {}): Promise<FleetStatus> {
  const p = paths(opts.id);
  const s = readState(p);
  if (!s) return { id: p.id, status: 'absent', machines: [] };
  const linkUp = new Map((await links()).map((l) => [l.name, l.up]));
  const machines = s.machines.map((m): MachineStatus => {
    let state: MachineState = 'stopped';
    if (alive(m.pid)) {
      const init = machineInit(m.name);
      state = init && procState(init) === 'T' ? 'paused' : 'running';
    }
    return { name: m.name, ip: m.ip, state, pid: alive(m.pid) ? m.pid : undefined, net: linkUp.get(vethNames(p, m.index).host) ? 'up' : 'down' };
  });
  return { id: p.id, status: s.status, info: infoOf(p, s, clientKeyPath()), machines };
}

export interface Resolved {
  p: FleetPaths;
  state: FleetState;
  machine: FleetState['machines'][number];
}

/** the fleet state and record of machine NAME (or index "2") */
export function resolveMachine(name: string, opts: FleetOptions = {}): Resolved {
  const p = paths(opts.id);
  const state = readState(p);
  if (!state) throw new KbsError('STATE', `fleet "${p.id}" is not up`, { hint: 'run "up N" first' });
  const machine = state.machines.find((m) => m.name === name || String(m.index) === name);
  if (!machine) {
    throw new KbsError('USAGE', `no machine "${name}" in fleet "${p.id}"`, {
      hint: `machines: ${state.machines.map((m) => m.name).join(', ')}`,
    });
  }
  return { p, state, machine };
}

/** run CMD on machine NAME as root over ssh with the fleet's key and strict host key checking */
export async function ssh(name: string, cmd: string, opts: FleetOptions & { timeoutSec?: number; input?: string } = {}): Promise<RunResult> {
  const { p, machine } = resolveMachine(name, opts);
  const connect = Math.min(opts.timeoutSec ?? 10, 10);
  return run('ssh', [...sshArgs(clientKeyPath(), p.knownHosts, machine.ip, connect), cmd], {
    timeoutMs: (opts.timeoutSec ?? 600) * 1000,
    input: opts.input,
  });
}

/** update the recorded nspawn pid of a machine (used by the fault tools) */
export function recordPid(p: FleetPaths, name: string, pid: number | undefined): void {
  const s = readState(p);
  if (!s) return;
  const m = s.machines.find((x) => x.name === name);
  if (!m) return;
  m.pid = pid;
  writeState(p, s);
}

function timer() {
  const start = Date.now();
  let last = start;
  const marks: Record<string, number> = {};
  const r = (ms: number) => Math.round(ms / 100) / 10;
  return {
    mark(name: string) {
      const now = Date.now();
      marks[name] = r(now - last);
      last = now;
    },
    done() {
      marks.total = r(Date.now() - start);
      return marks;
    },
  };
}
