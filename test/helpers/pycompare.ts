/**
 * What the tests that compare kbs's template filters with Python's own (PyYAML, Jinja2) share:
 * the interpreter, whether it can import a module, a seeded random generator for their cases, and
 * keyword arguments as the template engine passes them to a filter.
 */
import { spawnSync } from 'node:child_process';

export const PY = '/usr/bin/python3';

/** /usr/bin/python3 runs `code` (e.g. `import yaml; yaml.CSafeDumper`) without an error */
export function pythonCan(code: string): boolean {
  return spawnSync(PY, ['-c', code], { encoding: 'utf8' }).status === 0;
}

/** a small seeded PRNG (mulberry32): the same cases at every run */
export function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** keyword arguments as the template engine passes them to a filter */
export const kwargs = (kw: Record<string, unknown>) => ({ ...kw, __keywords: true });
