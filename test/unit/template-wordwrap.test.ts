/**
 * The wordwrap filter against Jinja2's own (Ansible's templating): seeded random texts of words,
 * hyphenated words, em-dashes, long words, runs of spaces, tabs and line breaks, wrapped at many
 * widths with every option, must give the same text. Skipped where /usr/bin/python3 has no jinja2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PY, pythonCan, rng, kwargs } from '../helpers/pycompare.js';
import { TEXT_FILTERS } from '../../src/template/filters-text.js';
import { pySplitlines } from '../../src/template/textwrap.js';

const hasJinja = pythonCan('import jinja2');

const WRAP = `
import json, sys
from jinja2 import Environment
from jinja2.filters import do_wordwrap
env = Environment()
out = []
for c in json.load(sys.stdin):
    out.append(do_wordwrap(env, c['s'], width=c['width'], break_long_words=c['blw'], wrapstring=c['ws'], break_on_hyphens=c['boh']))
json.dump(out, sys.stdout)
`;

const WORDS = ['a', 'the', 'kubeadm', 'control-plane', 'well-known', 'x-y-z', 'a--b', 'word--', '--flag', '-b', 'option!', 'Look,', 'goof-ball', 'e-mail.', 'ünïcödé', 'naïve-café', '日本語', '😀😀', 'anti-dis-establish-ment-arian-ism', 'https://example.com/a-very-long/path-with-hyphens/and/more', 'x'.repeat(40), '3-4', 'a1-b2', 'end.'];
const SEPS = [' ', ' ', ' ', '  ', '\t', ' -- ', '\n', '\n\n', '\r\n', ' \n'];

test('wordwrap wraps as Jinja2 does (500 random texts, widths 1-60, every option)', { skip: hasJinja ? false : 'no jinja2 for /usr/bin/python3' }, () => {
  const r = rng(7);
  const cases = Array.from({ length: 500 }, (_, i) => {
    const n = Math.floor(r() * 30);
    let s = r() < 0.1 ? ' ' : '';
    for (let k = 0; k < n; k++) s += WORDS[Math.floor(r() * WORDS.length)] + SEPS[Math.floor(r() * SEPS.length)];
    return { s, width: [1, 2, 5, 10, 17, 30, 60][i % 7], blw: r() < 0.7, ws: r() < 0.8 ? '\n' : '<br>', boh: r() < 0.7 };
  });
  const py = spawnSync(PY, ['-c', WRAP], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const want = JSON.parse(py.stdout) as string[];
  const bad = cases.flatMap((c, i) => {
    const got = TEXT_FILTERS.wordwrap(c.s, kwargs({ width: c.width, break_long_words: c.blw, wrapstring: c.ws, break_on_hyphens: c.boh }));
    return got === want[i] ? [] : [`${JSON.stringify(c)}\n  jinja2: ${JSON.stringify(want[i])}\n  kbs:    ${JSON.stringify(got)}`];
  });
  assert.equal(bad.length, 0, `${bad.length} of ${cases.length} differ:\n${bad.slice(0, 3).join('\n')}`);
});

test('wordwrap: defaults, and what it refuses', () => {
  const long = 'word '.repeat(20).trim();
  assert.equal(TEXT_FILTERS.wordwrap(long), `${'word '.repeat(16).trim()}\n${'word '.repeat(4).trim()}`);
  assert.equal(TEXT_FILTERS.wordwrap('goof-ball and more', 7), 'goof-\nball\nand\nmore');
  assert.equal(TEXT_FILTERS.wordwrap('goof-ball and more', kwargs({ width: 7, break_on_hyphens: false })), 'goof-ba\nll and\nmore');
  assert.throws(() => TEXT_FILTERS.wordwrap(5), /'int' object has no attribute 'splitlines'/);
  assert.throws(() => TEXT_FILTERS.wordwrap('x', 0), /invalid width 0/);
  // str.splitlines: every line break Python knows
  assert.deepEqual(pySplitlines('a\r\nb\rc\vd\fe\x1cf\x85g\u2028h\n'), ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
});
