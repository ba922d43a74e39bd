/**
 * Fault tools, each reversible:
 *  stop/start     terminate the machine's nspawn (orderly poweroff, SIGKILL after a grace period)
 *                 / boot it again on the same overlay (files written before survive)
 *  killSshd/startSshd  `systemctl stop ssh.service ssh.socket` inside the machine (entered from the
 *                 host with nsenter): the machine stays up, port 22 REFUSES new connections;
 *                 sessions already open survive (Debian's ssh.service has KillMode=process)
 *  pause/resume   SIGSTOP / SIGCONT every process of the machine's pid namespace: port 22 still
 *                 completes the TCP handshake (the kernel does it) but nothing answers: ssh HANGS
 *  netDown/netUp  the host side of the machine's veth down / up: packets are dropped
 */
import { readFileSync } from 'node:fs';
import { KbsError } from '../../src/errors.js';
import { machineLog } from './config.js';
import { run, sleep, tail } from './exec.js';
import { recordPid, resolveMachine, type FleetOptions } from './fleet.js';
import { clientKeyPath } from './keys.js';
import { bootMachine, machineInit, machineProcs, mountOverlay, stopMachine, waitReady } from './machine.js';
import { setHostVeth } from './net.js';
import { alive, procState, signal } from './procs.js';

export async function stop(name: string, opts: FleetOptions = {}): Promise<void> {
  const { p, machine } = resolveMachine(name, opts);
  await stopMachine(machine.name, machine.pid);
  recordPid(p, machine.name, undefined);
}

export async function start(name: string, opts: FleetOptions & { timeoutSec?: number } = {}): Promise<void> {
  const { p, state, machine } = resolveMachine(name, opts);
  if (alive(machine.pid)) return;
  if (!state.baseDir) throw new KbsError('STATE', `fleet "${p.id}" has no base image recorded`);
  await mountOverlay(p, machine.name, state.baseDir);
  machine.pid = bootMachine(p, machine.name);
  recordPid(p, machine.name, machine.pid);
  await waitReady(p, machine, clientKeyPath(), Date.now() + (opts.timeoutSec ?? 90) * 1000);
}

/** run a command inside a running machine from the host (nsenter into its namespaces) */
export async function enter(name: string, argv: string[], opts: FleetOptions = {}) {
  const { machine } = resolveMachine(name, opts);
  const init = machineInit(machine.name);
  if (!init) throw new KbsError('STATE', `machine ${machine.name} is not running`);
  return run('nsenter', ['-t', String(init), '-m', '-u', '-i', '-n', '-p', '--', ...argv], { timeoutMs: 60_000 });
}

export async function killSshd(name: string, opts: FleetOptions = {}): Promise<void> {
  await systemctl(name, ['stop', 'ssh.socket', 'ssh.service'], opts);
}

export async function startSshd(name: string, opts: FleetOptions = {}): Promise<void> {
  await systemctl(name, ['start', 'ssh.service'], opts);
}

async function systemctl(name: string, args: string[], opts: FleetOptions): Promise<void> {
  const r = await enter(name, ['systemctl', ...args], opts);
  // ssh.socket is not enabled on Debian; stopping an inactive unit is fine, a missing one prints a note
  if (r.rc !== 0 && !/not loaded/.test(r.stderr)) {
    throw new KbsError('INTERNAL', `systemctl ${args.join(' ')} on ${name} failed`, { hint: tail(r.stderr, 4) });
  }
}

export async function pause(name: string, opts: FleetOptions = {}): Promise<void> {
  const { machine } = resolveMachine(name, opts);
  if (!machineInit(machine.name)) throw new KbsError('STATE', `machine ${machine.name} is not running`);
  // repeat until a sweep finds every process stopped (a fork may race the first sweep)
  for (let round = 0; round < 50; round++) {
    const procs = machineProcs(machine.name);
    const running = procs.filter((pid) => procState(pid) !== 'T');
    if (running.length === 0 && procs.length > 0) return;
    for (const pid of running) signal(pid, 'SIGSTOP');
    await sleep(50);
  }
  throw new KbsError('INTERNAL', `could not pause every process of ${machine.name}`);
}

export async function resume(name: string, opts: FleetOptions = {}): Promise<void> {
  const { machine } = resolveMachine(name, opts);
  for (const pid of machineProcs(machine.name)) signal(pid, 'SIGCONT');
}

export async function netDown(name: string, opts: FleetOptions = {}): Promise<void> {
  const { p, machine } = resolveMachine(name, opts);
  await setHostVeth(p, machine.index, false);
}

export async function netUp(name: string, opts: FleetOptions = {}): Promise<void> {
  const { p, machine } = resolveMachine(name, opts);
  await setHostVeth(p, machine.index, true);
}

/** the last lines of a machine's console log */
export function consoleLog(name: string, opts: FleetOptions = {}, lines = 40): string {
  const { p, machine } = resolveMachine(name, opts);
  return tail(readLog(machineLog(p, machine.name)), lines);
}

function readLog(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}
