/** Reading module args the way Ansible does: booleans as yes/no strings, strings, lists. */
import { KbsError } from '../../errors.js';
import { PyFloat, floatRepr } from '../../util/pyfloat.js';
import type { ModuleResult } from '../types.js';

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't', '1.0']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f', '0.0', '']);

/** Ansible's boolean(): true/false, 1/0, 'yes'/'no', 'on'/'off', 'true'/'false', 'y'/'n'... */
export function toBool(v: unknown, dflt = false, name = 'value'): boolean {
  if (v === undefined || v === null) return dflt;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') {
    if (v === 1) return true;
    if (v === 0) return false;
  }
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (TRUE.has(s)) return true;
    if (FALSE.has(s)) return false;
  }
  throw new KbsError('TASK', `${name}: "${String(v)}" is not a valid boolean`, {
    hint: 'use true/false (or yes/no)',
  });
}

/** A non-negative number arg (numbers or numeric strings), DFLT when absent/null/empty. */
export function toNonNegNumber(v: unknown, dflt: number, name: string): number {
  if (v === undefined || v === null || v === '') return dflt;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new KbsError('TASK', `${name} must be a non-negative number, got ${JSON.stringify(v)}`);
  return n;
}

/** A string arg (numbers are stringified as Ansible does), or undefined when absent/null. */
export function optStr(args: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = args[n];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string') return v;
    // as Ansible's str type: Python's str() of a boolean or a number (True, 1.0)
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'number') return String(v);
    if (v instanceof PyFloat) return floatRepr(v.value);
    throw new KbsError('TASK', `${n} must be a string, got ${Array.isArray(v) ? 'a list' : typeof v}`);
  }
  return undefined;
}

export function reqStr(args: Record<string, unknown>, ...names: string[]): string {
  const v = optStr(args, ...names);
  if (v === undefined || v === '') {
    throw new KbsError('TASK', `missing required argument: ${names[0]}`);
  }
  return v;
}

/** The `validate` arg: a command with %s (the new file's temp path), or undefined. */
export function checkValidate(validate: string | undefined): string | undefined {
  if (validate !== undefined && !validate.includes('%s')) throw new KbsError('TASK', `validate must contain %s: ${validate}`);
  return validate;
}

/** A list arg: lists stay lists, a string becomes [string], (Ansible also splits "a,b": not here). */
export function toList(v: unknown): unknown[] {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

/** The result of a failed module run. */
export function failed(msg: string, extra: Record<string, unknown> = {}): ModuleResult {
  return { changed: false, ...extra, failed: true, msg };
}

/** Split text into lines like Python's str.splitlines() (no trailing empty line). */
export function splitLines(s: string): string[] {
  if (s === '') return [];
  const lines = s.split(/\r\n|\n|\r/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** stdout_lines / stderr_lines beside a result's stdout / stderr, as Ansible's action adds them. */
export function withLines(r: ModuleResult): ModuleResult {
  if (typeof r.stdout === 'string' && !('stdout_lines' in r)) r.stdout_lines = splitLines(r.stdout);
  if (typeof r.stderr === 'string' && !('stderr_lines' in r)) r.stderr_lines = splitLines(r.stderr);
  return r;
}

/** Now in microseconds since the epoch, from performance's clock (Date has milliseconds only). */
export function nowMicros(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

/**
 * Python's str(datetime) in local time, as Ansible's modules write it: '2024-05-01 10:00:00.123456'.
 * From microseconds since the epoch (nowMicros), without the fraction when they are exactly 0, as
 * Python; from a Date (milliseconds: its microseconds are not known to be 0) always with it.
 */
export function pyDateTime(at: Date | number): string {
  const us = typeof at === 'number' ? at : at.getTime() * 1000;
  const d = new Date(Math.floor(us / 1000));
  const frac = ((us % 1_000_000) + 1_000_000) % 1_000_000;
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ` +
    `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${frac || typeof at !== 'number' ? `.${p(frac, 6)}` : ''}`
  );
}

/** Python's str(timedelta): '0:00:00.002345'. */
export function pyDelta(ms: number): string {
  const totalUs = Math.max(0, Math.round(ms * 1000));
  const us = totalUs % 1_000_000;
  let s = Math.floor(totalUs / 1_000_000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}.${String(us).padStart(6, '0')}`;
}

/** Ansible's `type: list` arguments with string elements: a list, or a string split on commas. */
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
