/**
 * Ansible's `version` test / `version_compare` filter: LooseVersion comparison by default
 * (numeric parts numerically, a leading "v" tolerated), StrictVersion with strict=True, and
 * semver with version_type='semver'.
 */
import semver from 'semver';
import { pyStr, templateError } from './python.js';

const OPS: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0,
  lt: (c) => c < 0,
  '<=': (c) => c <= 0,
  le: (c) => c <= 0,
  '>': (c) => c > 0,
  gt: (c) => c > 0,
  '>=': (c) => c >= 0,
  ge: (c) => c >= 0,
  '==': (c) => c === 0,
  '=': (c) => c === 0,
  eq: (c) => c === 0,
  '!=': (c) => c !== 0,
  '<>': (c) => c !== 0,
  ne: (c) => c !== 0,
};

type Part = number | string;

/** LooseVersion components: "v1.29.6-rc.1" -> [1, 29, 6, '-', 'rc', 1]. */
export function looseParts(v: string): Part[] {
  const s = v.trim().replace(/^[vV](?=\d)/, '');
  return s
    .split(/(\d+|[a-z]+|\.)/i)
    .filter((x) => x && x !== '.')
    .map((x) => (/^\d+$/.test(x) ? Number(x) : x));
}

function cmpPart(a: Part, b: Part): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  return typeof a === 'number' ? -1 : 1; // numbers sort before strings
}

export function compareLoose(a: string, b: string): number {
  const x = looseParts(a);
  const y = looseParts(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const c = cmpPart(x[i], y[i]);
    if (c) return c;
  }
  return Math.sign(x.length - y.length);
}

const STRICT = /^(\d+)\.(\d+)(?:\.(\d+))?(?:([ab])(\d+))?$/;

export function compareStrict(a: string, b: string): number {
  const parse = (v: string): number[] => {
    const m = STRICT.exec(v.trim());
    if (!m) throw templateError(`invalid version number '${v}'`, 'strict versions look like 1.2, 1.2.3 or 1.2.3b1');
    const pre = m[4] ? [m[4] === 'a' ? 0 : 1, Number(m[5])] : [2, 0];
    return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0), ...pre];
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i] < y[i] ? -1 : 1;
  return 0;
}

export function compareSemver(a: string, b: string): number {
  const x = semver.parse(a.trim().replace(/^[vV]/, ''));
  const y = semver.parse(b.trim().replace(/^[vV]/, ''));
  if (!x || !y) throw templateError(`invalid semantic version '${!x ? a : b}'`);
  return semver.compare(x, y);
}

/** `value is version(other, op, strict=, version_type=)`. */
export function versionCompare(value: unknown, other: unknown, op: unknown = 'eq', strict: unknown = false, versionType: unknown = null): boolean {
  const o = pyStr(op ?? 'eq');
  const test = OPS[o];
  if (!test) throw templateError(`invalid version comparison operator '${o}'`, `use one of: ${Object.keys(OPS).join(' ')}`);
  const a = pyStr(value);
  const b = pyStr(other);
  if (a === '' || b === '') throw templateError('version value cannot be empty');
  const type = versionType === null || versionType === undefined ? (strict ? 'strict' : 'loose') : pyStr(versionType);
  let c: number;
  switch (type) {
    case 'loose':
    case 'pep440':
      c = compareLoose(a, b);
      break;
    case 'strict':
      c = compareStrict(a, b);
      break;
    case 'semver':
    case 'semantic':
      c = compareSemver(a, b);
      break;
    default:
      throw templateError(`unknown version_type '${type}'`, 'use loose, strict, semver or pep440');
  }
  return test(c);
}
