/**
 * One machine: an overlay over the base image, its identity (hostname, machine-id, host key,
 * authorized key, apt source), and a detached `systemd-nspawn --boot` inside its netns.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { machineDirs, machineLog, type FleetPaths } from './config.js';
import { run, runOk, sleep, tail } from './exec.js';
import { makeHostKey } from './keys.js';
import { isMounted } from './mounts.js';
import { alive, nsInit, nsId, procsInNs, signal } from './procs.js';
import type { MachineRecord } from './state.js';

export interface Identity {
  authorizedKey: string;
  aptLine: string;
  /** "IP NAME" lines for /etc/hosts (every machine of the fleet) */
  hosts: string[];
}

export async function mountOverlay(p: FleetPaths, name: string, baseRootfs: string): Promise<string> {
  const d = machineDirs(p, name);
  for (const dir of [d.upper, d.work, d.root]) mkdirSync(dir, { recursive: true });
  if (!isMounted(d.root)) {
    await runOk('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${baseRootfs},upperdir=${d.upper},workdir=${d.work}`, d.root]);
  }
  return d.root;
}

/** write the machine's identity into its root; returns its host public key ("ssh-ed25519 AAAA...") */
export async function writeIdentity(root: string, name: string, id: Identity): Promise<string> {
  const w = (rel: string, content: string, mode = 0o644) => {
    const f = join(root, rel);
    mkdirSync(join(f, '..'), { recursive: true });
    writeFileSync(f, content, { mode });
    chmodSync(f, mode);
  };
  w('etc/hostname', `${name}\n`);
  w('etc/hosts', `127.0.0.1 localhost\n127.0.1.1 ${name}\n::1 localhost ip6-localhost ip6-loopback\n${id.hosts.join('\n')}\n`);
  w('etc/machine-id', randomBytes(16).toString('hex') + '\n', 0o444);
  mkdirSync(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
  chmodSync(join(root, 'root/.ssh'), 0o700);
  w('root/.ssh/authorized_keys', id.authorizedKey + '\n', 0o600);
  w('etc/apt/sources.list.d/kbs-fleet.list', id.aptLine + '\n');
  return makeHostKey(join(root, 'etc/ssh'), name);
}

/**
 * A machine's supervisor: runs systemd-nspawn and starts it again when it exits with 133, which
 * is how nspawn reports that the machine rebooted (systemd-nspawn@.service restarts on 133 the
 * same way), so `reboot` inside a machine brings it back on the same overlay. SIGTERM to the
 * supervisor is passed to nspawn (an orderly poweroff) and ends the loop.
 */
const SUPERVISOR = [
  'trap \'kill -TERM "$c" 2>/dev/null; wait "$c"; exit 0\' TERM',
  'while :; do "$@" & c=$!; wait "$c"; rc=$?; [ "$rc" -eq 133 ] || exit "$rc"; done',
].join('\n');

/** start the machine's systemd-nspawn (under its supervisor) detached (own process group, output to its log); returns the supervisor's pid */
export function bootMachine(p: FleetPaths, name: string): number {
  const d = machineDirs(p, name);
  const logFd = openSync(machineLog(p, name), 'a');
  try {
    const child = spawn(
      'sh',
      [
        '-c', SUPERVISOR, 'kbs-fleet-supervisor', 'systemd-nspawn',
        '-q', '-D', d.root, `--machine=${name}`, `--hostname=${name}`, '--boot', '--register=no', '--keep-unit',
        `--network-namespace-path=/run/netns/${name}`, '--capability=CAP_NET_ADMIN',
        '--resolv-conf=off', '--link-journal=no', '--timezone=off',
      ],
      {
        detached: true,
        stdio: ['ignore', logFd, logFd],
        env: { ...process.env, SYSTEMD_NSPAWN_API_VFS_WRITABLE: 'network', SYSTEMD_LOG_COLOR: '0' },
      },
    );
    if (!child.pid) throw new KbsError('INTERNAL', `cannot start systemd-nspawn for ${name}`);
    child.on('error', () => undefined);
    child.unref();
    return child.pid;
  } finally {
    closeSync(logFd);
  }
}

export function netnsId(name: string): string | undefined {
  try {
    return `net:[${statSync(`/run/netns/${name}`).ino}]`;
  } catch {
    return undefined;
  }
}

/** host pid of the machine's init (its systemd), or undefined when not running */
export function machineInit(name: string): number | undefined {
  const net = netnsId(name);
  if (!net) return undefined;
  for (const pid of procsInNs('net', net)) {
    const pidNs = nsId(pid, 'pid');
    if (pidNs && pidNs !== nsId('self', 'pid')) return nsInit(pidNs);
  }
  return undefined;
}

/** every process of the machine (host pids), from its pid namespace */
export function machineProcs(name: string): number[] {
  const init = machineInit(name);
  const pidNs = init ? nsId(init, 'pid') : undefined;
  return pidNs ? procsInNs('pid', pidNs) : [];
}

/** processes joined to the machine's netns (covers a machine whose init is gone) */
export function netnsProcs(name: string): number[] {
  const net = netnsId(name);
  return net ? procsInNs('net', net) : [];
}

export function sshArgs(key: string, knownHosts: string, ip: string, timeoutSec = 5): string[] {
  return [
    '-F', '/dev/null', '-i', key, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${knownHosts}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes', '-o', `ConnectTimeout=${timeoutSec}`, '-o', 'LogLevel=ERROR',
    `root@${ip}`,
  ];
}

function portOpen(ip: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: ip, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(timeoutMs, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** wait until systemd inside is running (or degraded) and sshd answers with the fleet's key */
export async function waitReady(
  p: FleetPaths,
  m: MachineRecord,
  key: string,
  deadline: number,
): Promise<string> {
  let last = '';
  while (Date.now() < deadline) {
    if (!alive(m.pid)) {
      throw new KbsError('INTERNAL', `machine ${m.name} stopped while booting`, { hint: logTail(p, m.name) });
    }
    if (await portOpen(m.ip, 22, 1000)) {
      const left = Math.max(5, Math.round((deadline - Date.now()) / 1000));
      const r = await run('ssh', [...sshArgs(key, p.knownHosts, m.ip, 5), `timeout ${left} systemctl is-system-running --wait`], {
        timeoutMs: (left + 10) * 1000,
      });
      const state = r.stdout.trim();
      if (state === 'running' || state === 'degraded') return state;
      last = `systemd: ${state || '?'} ${r.stderr.trim()}`;
    } else {
      last = 'port 22 closed';
    }
    await sleep(700);
  }
  throw new KbsError('INTERNAL', `machine ${m.name} (${m.ip}) did not become ready in time (${last})`, {
    hint: logTail(p, m.name),
  });
}

export function logTail(p: FleetPaths, name: string): string {
  try {
    return `last lines of ${machineLog(p, name)}:\n${tail(readFileSync(machineLog(p, name), 'utf8'), 12)}`;
  } catch {
    return '';
  }
}

/**
 * graceMs > 0: orderly shutdown (SIGTERM → nspawn asks systemd to power off), SIGKILL after graceMs.
 * graceMs = 0: power cut — SIGKILL the machine's init (the kernel then kills its whole pid
 * namespace) and let nspawn notice and exit; used by down, where the disk is thrown away anyway.
 */
export async function stopMachine(name: string, nspawnPid: number | undefined, graceMs = 15_000): Promise<void> {
  for (const pid of machineProcs(name)) signal(pid, 'SIGCONT'); // a paused machine cannot shut down
  if (graceMs > 0) {
    if (alive(nspawnPid)) signal(nspawnPid!, 'SIGTERM');
  } else {
    const init = machineInit(name);
    if (init) signal(init, 'SIGKILL');
  }
  const until = Date.now() + Math.max(graceMs, 3000);
  while (alive(nspawnPid) && Date.now() < until) await sleep(100);
  if (alive(nspawnPid)) signal(nspawnPid!, 'SIGKILL');
  for (let i = 0; i < 30; i++) {
    const left = [...machineProcs(name), ...netnsProcs(name)];
    if (left.length === 0 && !alive(nspawnPid)) return;
    for (const pid of left) signal(pid, 'SIGKILL');
    await sleep(100);
  }
}
