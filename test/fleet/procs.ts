/** Process lookups through /proc (no pgrep parsing): by command line, namespace, state. */
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export function pids(): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number);
}

export function cmdline(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((s, i, a) => !(s === '' && i === a.length - 1));
  } catch {
    return undefined;
  }
}

/** process state letter (R, S, T, Z, ...) or undefined when gone */
export function procState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
}

/** alive = exists and is not a zombie */
export function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  const s = procState(pid);
  return s !== undefined && s !== 'Z' && s !== 'X';
}

export function nsId(pid: number | 'self', ns: 'net' | 'pid' | 'mnt'): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/${ns}`);
  } catch {
    return undefined;
  }
}

/** pids whose command line satisfies `match` */
export function findProcs(match: (argv: string[]) => boolean): number[] {
  const out: number[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const argv = cmdline(pid);
    if (argv && argv.length > 0 && alive(pid) && match(argv)) out.push(pid);
  }
  return out;
}

/** pids whose namespace `ns` is `id` (e.g. "net:[4026532281]") */
export function procsInNs(ns: 'net' | 'pid', id: string): number[] {
  return pids().filter((pid) => pid !== process.pid && nsId(pid, ns) === id && alive(pid));
}

/** the pid (host view) of the init of the pid namespace that `pid` belongs to */
export function nsInit(nsPid: string): number | undefined {
  for (const pid of procsInNs('pid', nsPid)) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const m = /^NSpid:\s+(.*)$/m.exec(status);
      if (m && m[1].trim().split(/\s+/).at(-1) === '1') return pid;
    } catch {
      /* gone */
    }
  }
  return undefined;
}

export function signal(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}
