/** `serial:` → batches of hosts (number, "30%", or a list whose last size repeats). */
import { KbsError, type Position } from '../errors.js';

export function batches(hosts: string[], serial: (number | string)[] | undefined, pos?: Position): string[][] {
  if (!serial || serial.length === 0) return hosts.length ? [hosts] : [];
  const sizes = serial.map((s) => size(s, hosts.length, pos));
  const out: string[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const n = Math.max(1, sizes[Math.min(k, sizes.length - 1)]);
    out.push(hosts.slice(i, i + n));
    i += n;
    k++;
  }
  return out;
}

function size(s: number | string, total: number, pos?: Position): number {
  if (typeof s === 'number') return s <= 0 ? total : s;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(s);
  if (!m) throw new KbsError('SCHEMA', `serial value "${s}" is not a number or a percentage`, { pos, hint: 'e.g. serial: 2 or serial: "30%"' });
  const v = Number(m[1]);
  if (m[2]) return Math.max(1, Math.floor((total * v) / 100));
  return v <= 0 ? total : Math.floor(v);
}
