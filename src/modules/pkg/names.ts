/** Ansible's `type: list` arguments: a list, or a string split on commas. */
import { KbsError } from '../../errors.js';

export function listArg(v: unknown, name: string): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(',') : [v];
  return items
    .map((x) => {
      if (typeof x === 'string') return x.trim();
      if (typeof x === 'number' || typeof x === 'boolean') return String(x);
      throw new KbsError('TASK', `${name}: elements must be strings, got ${Array.isArray(x) ? 'a list' : typeof x}`);
    })
    .filter((x) => x !== '');
}

/** an integer argument (strings of digits accepted) */
export function intArg(v: unknown, name: string, dflt: number): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = typeof v === 'number' ? v : /^\s*-?\d+\s*$/.test(String(v)) ? Number(v) : NaN;
  if (!Number.isInteger(n)) throw new KbsError('TASK', `${name}: "${String(v)}" is not a valid integer`);
  return n;
}

/** one of the allowed values, with Ansible's message */
export function choiceArg<T extends string>(v: string | undefined, name: string, choices: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(choices as readonly string[]).includes(v)) throw new KbsError('TASK', `value of ${name} must be one of: ${choices.join(', ')}, got: ${v}`);
  return v as T;
}

/** the last lines of a command's stderr, for a one-line message */
export function tailOf(s: string, n = 4): string {
  return s.trim().split('\n').slice(-n).join('\n');
}
