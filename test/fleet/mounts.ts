/** Mount table helpers (/proc/mounts). */
import { readFileSync } from 'node:fs';
import { run } from './exec.js';

function mountPoints(): string[] {
  return readFileSync('/proc/mounts', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[1])
    .filter((m): m is string => !!m)
    .map((m) => m.replace(/\\040/g, ' '));
}

export function isMounted(path: string): boolean {
  return mountPoints().includes(path);
}

/** mount points strictly below `dir` */
export function mountsBelow(dir: string): string[] {
  return mountPoints().filter((m) => m.startsWith(dir.replace(/\/$/, '') + '/'));
}

/** unmount everything below `dir`, deepest first (lazily when busy); returns what is still mounted */
export async function umountBelow(dir: string): Promise<string[]> {
  for (const m of mountsBelow(dir).sort((a, b) => b.length - a.length)) {
    const r = await run('umount', [m]);
    if (r.rc !== 0) await run('umount', ['-l', m]);
  }
  return mountsBelow(dir);
}
