/**
 * to_yaml and to_nice_yaml against Ansible's own dumper: random nested values (seeded), full of
 * texts that need quotes, escapes or folding, dumped by Python's yaml.dump with Ansible's dumper
 * (PyYAML's CSafeDumper: libyaml) and by kbs's emitter (src/template/pyyaml.ts) with the same
 * indent, width and flow style, must be the same text. Skipped where /usr/bin/python3 has no
 * PyYAML with libyaml.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PY, pythonCan, rng, kwargs } from '../helpers/pycompare.js';
import { SERIAL_FILTERS } from '../../src/template/filters-serial.js';
import { jsonText, pyFloat } from '../../src/util/pyfloat.js';

const hasYaml = pythonCan('import yaml; yaml.CSafeDumper');

const DUMP = `
import json, sys, yaml
try:
    from ansible.parsing.yaml.dumper import AnsibleDumper as D
except Exception:
    D = yaml.CSafeDumper
out = []
for c in json.load(sys.stdin):
    kw = dict(indent=c['indent'], allow_unicode=True, default_flow_style=c['flow'])
    if c.get('width') is not None: kw['width'] = c['width']
    out.append(yaml.dump(c['v'], Dumper=D, **kw))
json.dump(out, sys.stdout)
`;

const TEXTS = [
  '', ' ', 'a', 'yes', 'No', 'on', 'OFF', 'y', 'n', 'true', 'null', '~', 'Null', '123', '0o17', '017', '0x1F', '1_000', '1:30', '1.5', '.5', '1e3', '1.0e+3', '.inf', '-.Inf', '.nan',
  '2001-12-14', '2001-12-14 21:59:43.10 -5', '<<', '=', '---', '--- x', '...', '- a', '-a', '? a', '?a', ': a', 'a: b', 'a:b', 'a :b', 'a #b', 'a#b', '#a', '@a', '`a', '%a', '!a', '&a', '*a', '|', '>',
  "it's", '"q"', 'a"b', 'back\\slash', '[a]', '{a}', 'a,b', 'a, b', 'tab\there', 'nul\0x', 'bell\x07', 'esc\x1b', 'del\x7f', 'nbsp\xa0x', 'bom\ufeff', 'ünïcödé', '日本語', 'emoji 😀 x', '\u2028sep', 'x\x85y',
  'line\nbreak', 'two\n\nbreaks', 'trailing\n', '\nleading', 'space \nbreak', 'break\n space', ' lead', 'trail ', 'a  b', 'many   spaces   here',
  'word '.repeat(25).trim(), 'x'.repeat(100), `${'long '.repeat(12)}with: colon and 'quote' and "dq" ${'more '.repeat(10)}`, `${'a'.repeat(70)} ${'b'.repeat(30)}`,
  `${'tab\t'.repeat(20)}end`, `${'folded line '.repeat(9)}\n${'next line '.repeat(9)}`, '😀'.repeat(50) + ' ' + '😀'.repeat(50),
];

function scalar(r: () => number): unknown {
  const x = r();
  if (x < 0.55) return TEXTS[Math.floor(r() * TEXTS.length)];
  if (x < 0.65) return Math.floor(r() * 2e6) - 1e6;
  if (x < 0.72) return [0.5, -2.25, 1e-7, 1.5e17, 123456.789, 3.14159][Math.floor(r() * 6)];
  if (x < 0.77) return pyFloat([5, 0, -3, 1e17, 1e22][Math.floor(r() * 5)]);
  if (x < 0.85) return r() < 0.5;
  if (x < 0.9) return null;
  return `k${Math.floor(r() * 50)}`;
}

function value(r: () => number, depth: number): unknown {
  const x = r();
  if (depth > 3 || x < 0.35) return scalar(r);
  const n = Math.floor(r() * 5);
  if (x < 0.65) return Array.from({ length: n }, () => value(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = 0; i < n; i++) {
    const k = r() < 0.75 ? `key${Math.floor(r() * 20)}` : String(TEXTS[Math.floor(r() * TEXTS.length)]);
    o[k] = value(r, depth + 1);
  }
  if (r() < 0.05) o['k'.repeat(130)] = 1; // a key of 128 characters or more is not a simple key
  return o;
}

interface Case {
  v: unknown;
  indent: number;
  flow: boolean | null;
  width?: number;
}

function kbsDump(c: Case): string {
  const kw = c.width === undefined ? {} : { width: c.width };
  return c.flow === false
    ? String(SERIAL_FILTERS.to_nice_yaml(c.v, kwargs({ indent: c.indent, ...kw })))
    : String(SERIAL_FILTERS.to_yaml(c.v, kwargs({ indent: c.indent, default_flow_style: c.flow, ...kw })));
}

test('to_yaml / to_nice_yaml write what Ansible\'s dumper writes (600 random values, indents 2-9, flow styles, widths)', { skip: hasYaml ? false : 'no PyYAML with libyaml for /usr/bin/python3' }, () => {
  const r = rng(20261205);
  const cases: Case[] = [];
  for (let i = 0; i < 600; i++) {
    const flow = [false, null, true][i % 3] as boolean | null;
    cases.push({ v: value(r, 0), indent: [2, 4, 3, 8, 9][i % 5], flow, width: i % 7 === 0 ? 40 : i % 11 === 0 ? 5 : undefined });
  }
  // every text alone, at the root and in a mapping and a list
  for (const t of TEXTS) for (const flow of [false, null]) cases.push({ v: t, indent: 4, flow }, { v: { [t]: t }, indent: 4, flow }, { v: [t, [t]], indent: 4, flow });
  const py = spawnSync(PY, ['-c', DUMP], { input: jsonText(cases), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  assert.equal(py.status, 0, py.stderr);
  const want = JSON.parse(py.stdout) as string[];
  const bad: string[] = [];
  cases.forEach((c, i) => {
    const got = kbsDump(c);
    if (got !== want[i]) bad.push(`case ${i} (indent ${c.indent}, flow ${c.flow}, width ${c.width}): ${jsonText(c.v)}\nPyYAML:\n${want[i]}kbs:\n${got}`);
  });
  assert.equal(bad.length, 0, `${bad.length} of ${cases.length} differ; the first:\n${bad.slice(0, 2).join('\n')}`);
});

test('to_yaml / to_nice_yaml: the forms Ansible users meet', () => {
  const nice = (v: unknown, kw: Record<string, unknown> = {}) => String(SERIAL_FILTERS.to_nice_yaml(v, kwargs(kw)));
  // a list in a mapping at its key's column; a mapping in a list item after "-" and the indent's spaces
  assert.equal(nice({ a: { b: [1, { c: 2, d: [3] }] } }), 'a:\n    b:\n    - 1\n    -   c: 2\n        d:\n        - 3\n');
  assert.equal(nice({ a: [{ b: 1 }] }, { indent: 2 }), 'a:\n- b: 1\n');
  // text that reads back as another type is quoted; multi-line text single-quoted with its breaks doubled
  assert.equal(nice({ a: 'yes', b: '1.0', c: 'x\ny' }), "a: 'yes'\nb: '1.0'\nc: 'x\n\n    y'\n");
  // control characters only in double quotes; long text folded at 80 columns (width moves it)
  assert.equal(nice({ t: 'a\tb' }), 't: "a\\tb"\n');
  assert.equal(nice({ w: 'word '.repeat(20).trim() }, { width: 30 }), 'w: word word word word word word\n    word word word word word word\n    word word word word word word\n    word word\n');
  // floats as Python writes them; text beyond the BMP only escaped in double quotes (libyaml)
  assert.equal(nice([pyFloat(5), pyFloat(1e17), 0.1, NaN, -Infinity]), '- 5.0\n- 1.0e+17\n- 0.1\n- .nan\n- -.inf\n');
  assert.equal(nice({ e: 'ok 😀' }), 'e: "ok \\U0001F600"\n');
  assert.equal(nice('text'), 'text\n');
  assert.equal(nice(''), "''\n");
  // to_yaml: collections of scalars in flow style; sort_keys=false keeps the order; explicit_start
  assert.equal(String(SERIAL_FILTERS.to_yaml({ b: [1, 2], a: { c: 'x' } })), 'a: {c: x}\nb: [1, 2]\n');
  assert.equal(String(SERIAL_FILTERS.to_yaml({ b: 1, a: 2 }, kwargs({ sort_keys: false }))), '{b: 1, a: 2}\n');
  assert.equal(nice({ a: 1 }, { explicit_start: true }), '---\na: 1\n');
});
