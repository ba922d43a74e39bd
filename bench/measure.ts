/**
 * Run one command and measure it: wall time (spawn to exit) and the peak resident memory of its
 * whole process tree (the sum of VmRSS over the process and its descendants, sampled from /proc).
 * Ansible forks a worker per host, so the tree sum is what the machine pays; kbs is one process.
 * Processes that leave the tree (ssh ControlPersist masters daemonise) are not counted.
 * CPU: the tool's own (user + system of the command and the children it waited for, from this
 * process's cutime/cstime) and the whole machine's busy time over the run (/proc/stat), which
 * includes the fleet's sshd and shells: on a 2-CPU machine the latter bounds the wall time.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface Measured {
  code: number;
  wallMs: number;
  /** peak of the summed RSS of the process tree, in MiB */
  peakRssMiB: number;
  stdout: string;
  stderr: string;
  /** user + system CPU seconds of the command and its waited-for descendants */
  cpuS: number;
  /** busy CPU seconds of the whole machine (all CPUs) between spawn and exit */
  machineCpuS: number;
}

const TICK = 100; // USER_HZ on Linux

/** user + system ticks of this process's waited-for children (/proc/self/stat cutime + cstime) */
function childTicks(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[13]) + Number(f[14]);
}

/** busy ticks of the machine: every /proc/stat cpu field but idle and iowait */
function machineTicks(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return f.reduce((a, b) => a + b, 0) - (f[3] ?? 0) - (f[4] ?? 0) - (f[8] ?? 0) - (f[9] ?? 0); // guest time is in user already
}

export interface MeasureOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** sampling period of the RSS sampler (default 100 ms) */
  sampleMs?: number;
  timeoutMs?: number;
  /** called with each stdout chunk and the milliseconds since spawn */
  onStdout?: (chunk: string, ms: number) => void;
}

/** pid -> ppid for every process, from /proc/PID/stat */
function parents(): Map<number, number> {
  const out = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ..." — comm may hold spaces and parens: split after the last ')'
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(name), Number(rest[1]));
    } catch {
      // the process ended while we looked
    }
  }
  return out;
}

function rssKiB(pid: number): number {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** summed RSS (KiB) of `root` and every descendant */
export function treeRssKiB(root: number): number {
  const pp = parents();
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of pp) {
    const l = kids.get(ppid) ?? [];
    l.push(pid);
    kids.set(ppid, l);
  }
  let sum = 0;
  const stack = [root];
  const seen = new Set<number>();
  while (stack.length) {
    const p = stack.pop()!;
    if (seen.has(p)) continue;
    seen.add(p);
    sum += rssKiB(p);
    stack.push(...(kids.get(p) ?? []));
  }
  return sum;
}

export function measure(cmd: string, args: string[], opts: MeasureOptions = {}): Promise<Measured> {
  return new Promise((resolvePromise, reject) => {
    const t0 = process.hrtime.bigint();
    const cpu0 = childTicks();
    const busy0 = machineTicks();
    const child = spawn(cmd, args, { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      opts.onStdout?.(d.toString(), Number(process.hrtime.bigint() - t0) / 1e6);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sample = () => {
      if (child.pid) peak = Math.max(peak, treeRssKiB(child.pid));
    };
    const timer = setInterval(sample, opts.sampleMs ?? 100);
    setTimeout(sample, 20);
    const killer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.on('error', (e) => {
      clearInterval(timer);
      if (killer) clearTimeout(killer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      clearInterval(timer);
      if (killer) clearTimeout(killer);
      const cpuS = (childTicks() - cpu0) / TICK;
      const machineCpuS = (machineTicks() - busy0) / TICK;
      resolvePromise({ code: code ?? (signal ? 128 : 1), wallMs, peakRssMiB: Math.round((peak / 1024) * 10) / 10, stdout, stderr, cpuS, machineCpuS });
    });
  });
}
