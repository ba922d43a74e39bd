/**
 * File modes as Ansible takes them: a number (YAML 1.1 reads 0644 as 420: that is the mode value),
 * an octal string ('0644', '644', '0o644'), or a symbolic string ('u=rw,g=r,o=r', 'a+X').
 */
import { KbsError } from '../../errors.js';

export type ModeSpec = { kind: 'octal'; value: number } | { kind: 'symbolic'; spec: string } | { kind: 'preserve' };

const CLAUSE = /^[ugoa]*([-+=]([rwxXst]*|[ugo]))+$/;

/** Parse a mode arg; undefined/null/'' -> undefined. Throws KbsError TASK for a bad mode. */
export function parseMode(v: unknown): ModeSpec | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number') {
    if (!Number.isInteger(v) || v < 0 || v > 0o7777) throw badMode(v);
    return { kind: 'octal', value: v };
  }
  if (typeof v !== 'string') throw badMode(v);
  const s = v.trim();
  if (s === 'preserve') return { kind: 'preserve' };
  const oct = /^(?:0o)?([0-7]+)$/i.exec(s);
  if (oct) {
    const n = parseInt(oct[1], 8);
    if (n > 0o7777) throw new KbsError('TASK', `Invalid mode supplied, only permission info is allowed: ${s}`);
    return { kind: 'octal', value: n };
  }
  if (s.split(',').every((c) => CLAUSE.test(c))) return { kind: 'symbolic', spec: s };
  throw badMode(v);
}

function badMode(v: unknown): KbsError {
  return new KbsError('TASK', `mode must be in octal or symbolic form: ${JSON.stringify(v)}`, {
    hint: "quote octal modes ('0644') or use symbolic ones (u=rw,g=r,o=r)",
  });
}

/** '0644' as Ansible prints modes ('0%03o'). */
export function formatMode(n: number): string {
  return '0' + (n & 0o7777).toString(8).padStart(3, '0');
}

/**
 * The mode a file ends up with. `current` is its present mode (permission bits), `isDir` its
 * type, `umask` the host's umask (used by symbolic clauses without a who, as chmod does).
 * 'preserve' is resolved by the caller (copy: the source's mode); here it keeps `current`.
 */
export function resolveMode(spec: ModeSpec, current: number, isDir: boolean, umask = 0o022): number {
  if (spec.kind === 'octal') return spec.value;
  if (spec.kind === 'preserve') return current & 0o7777;
  return applySymbolic(spec.spec, current & 0o7777, isDir, umask);
}

/** Ansible's _symbolic_mode_to_octal, clause by clause. */
export function applySymbolic(spec: string, current: number, isDir: boolean, umask = 0o022): number {
  let mode = current;
  for (const clause of spec.split(',')) {
    if (!CLAUSE.test(clause)) throw badMode(spec);
    const m = /^([ugoa]*)(.*)$/.exec(clause)!;
    const useUmask = m[1] === '';
    const users = m[1] === '' || m[1].includes('a') ? 'ugo' : m[1];
    const ops = [...m[2].matchAll(/([-+=])([ugo]|[rwxXst]*)/g)];
    for (const [, op, perms] of ops) {
      for (const u of users) {
        const bits = permBits(u as 'u' | 'g' | 'o', perms, mode, isDir, useUmask, umask);
        if (op === '=') {
          const mask = u === 'u' ? 0o4700 : u === 'g' ? 0o2070 : 0o1007;
          mode = (mode & ~mask & 0o7777) | bits;
        } else if (op === '+') mode |= bits;
        else mode &= ~bits;
      }
    }
  }
  return mode & 0o7777;
}

function permBits(u: 'u' | 'g' | 'o', perms: string, prev: number, isDir: boolean, useUmask: boolean, umask: number): number {
  const shift = u === 'u' ? 6 : u === 'g' ? 3 : 0;
  const rev = useUmask ? ~umask & 0o777 : 0o777;
  const applyX = isDir || (prev & 0o111) !== 0;
  let out = 0;
  for (const p of perms) {
    switch (p) {
      case 'r':
        out |= (0o4 << shift) & rev;
        break;
      case 'w':
        out |= (0o2 << shift) & rev;
        break;
      case 'x':
        out |= (0o1 << shift) & rev;
        break;
      case 'X':
        if (applyX) out |= 0o1 << shift;
        break;
      case 's':
        out |= u === 'u' ? 0o4000 : u === 'g' ? 0o2000 : 0;
        break;
      case 't':
        out |= u === 'o' ? 0o1000 : 0;
        break;
      case 'u':
        out |= ((prev >> 6) & 7) << shift;
        break;
      case 'g':
        out |= ((prev >> 3) & 7) << shift;
        break;
      case 'o':
        out |= (prev & 7) << shift;
        break;
    }
  }
  return out;
}

/** The permission flags stat and find return (Ansible's wusr … isgid), from the mode bits. */
export function modeFlags(m: number): Record<string, boolean> {
  return {
    wusr: !!(m & 0o200),
    rusr: !!(m & 0o400),
    xusr: !!(m & 0o100),
    wgrp: !!(m & 0o020),
    rgrp: !!(m & 0o040),
    xgrp: !!(m & 0o010),
    woth: !!(m & 0o002),
    roth: !!(m & 0o004),
    xoth: !!(m & 0o001),
    isuid: !!(m & 0o4000),
    isgid: !!(m & 0o2000),
  };
}
