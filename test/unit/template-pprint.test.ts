/**
 * The pprint filter against Python's own pprint.pformat (Jinja2's pprint), and repr() of text
 * (what `{{ a_dict }}` shows) against Python's repr: seeded random values of mappings, lists and
 * text of words, spaces, line breaks, quotes, backslashes, accents, CJK, emoji, and characters
 * Python escapes (controls, format characters, separators), long enough to be broken over lines.
 * Skipped where /usr/bin/python3 is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PY, pythonCan, rng } from '../helpers/pycompare.js';
import { pformat } from '../../src/template/pprint.js';
import { makeTuple, pyRepr } from '../../src/template/python.js';
import { JINJA_FILTERS } from '../../src/template/filters-jinja.js';

const hasPython = pythonCan('import pprint');

const PFORMAT = `
import json, pprint, sys
json.dump([pprint.pformat(v) for v in json.load(sys.stdin)], sys.stdout)
`;
const REPR = `
import json, sys
json.dump([repr(v) for v in json.load(sys.stdin)], sys.stdout)
`;

const PIECES = ['a', 'kubeadm', 'control-plane', 'x'.repeat(30), ' ', ' ', '  ', '\t', '\n', '\r\n', "'", '"', '\\', 'é', '日本語', '😀', '\u200b', '\xa0', '\x85', '\u2028', '\x07', '\x7f', '\x9f', '\ue000', '{{ x }}', '0', 'long words for the width of eighty columns'];

function text(r: () => number, max: number): string {
  let s = '';
  const n = Math.floor(r() * max);
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)];
  return s;
}

function value(r: () => number, depth: number): unknown {
  const k = r();
  if (depth > 2 || k < 0.35) {
    const t = r();
    if (t < 0.6) return text(r, 25);
    if (t < 0.75) return Math.floor(r() * 2000) - 1000;
    if (t < 0.82) return Math.floor(r() * 1e6) / 1000 + 0.5;
    if (t < 0.9) return r() < 0.5;
    return null;
  }
  const n = Math.floor(r() * 7);
  if (k < 0.65) return Array.from({ length: n }, () => value(r, depth + 1));
  const d: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) d[text(r, 4) || `k${i}`] = value(r, depth + 1);
  return d;
}

function python(code: string, values: unknown[]): string[] {
  const py = spawnSync(PY, ['-c', code], { input: JSON.stringify(values), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(py.status, 0, py.stderr);
  return JSON.parse(py.stdout) as string[];
}

test('pprint: the same text as Python pprint.pformat for 1500 random values', { skip: hasPython ? false : 'no /usr/bin/python3' }, () => {
  const r = rng(5);
  const values = Array.from({ length: 1500 }, () => value(r, 0));
  const want = python(PFORMAT, values);
  const diffs = values.map((v, i) => ({ v: JSON.stringify(v), want: want[i], got: pformat(v) })).filter((d) => d.want !== d.got);
  assert.deepEqual(diffs.slice(0, 3), []);
  // the cases are not all short: many are broken over lines
  assert.ok(want.filter((w) => w.includes('\n')).length > 300, 'too few values broken over lines');
  assert.ok(want.filter((w) => /^\('/.test(w)).length > 20, 'too few texts broken into pieces');
});

test("repr of text: the same as Python's repr for 3000 random texts", { skip: hasPython ? false : 'no /usr/bin/python3' }, () => {
  const r = rng(9);
  const values = Array.from({ length: 3000 }, () => text(r, 12));
  const want = python(REPR, values);
  const diffs = values.map((v, i) => ({ v, want: want[i], got: pyRepr(v) })).filter((d) => d.want !== d.got);
  assert.deepEqual(diffs.slice(0, 3), []);
});

test('pprint: tuples, the filter itself, a value that fits', () => {
  assert.equal(pformat(makeTuple([1])), '(1,)');
  assert.equal(pformat({ b: 1, a: [makeTuple(['x', 2])] }), "{'a': [('x', 2)], 'b': 1}");
  const long = makeTuple(Array.from({ length: 30 }, (_, i) => i));
  assert.equal(pformat(long).split('\n').length, 30);
  assert.ok(pformat(long).endsWith('29)'));
  assert.equal(JINJA_FILTERS.pprint({ z: null, y: true }), "{'y': True, 'z': None}");
});
