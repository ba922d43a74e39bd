/**
 * Jinja2's own filters that kbs takes from nunjucks or writes itself (batch, center, escape, e,
 * forceescape, slice, striptags, truncate, urlencode, wordcount, xmlattr): the same
 * templates rendered by kbs and by Jinja2 (as Ansible's templating calls them) give the same text.
 * Skipped where /usr/bin/python3 has no jinja2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PY, pythonCan } from '../helpers/pycompare.js';
import { createTemplater } from '../../src/template/index.js';

const hasJinja = pythonCan('import jinja2');

const RENDER = `
import json, sys
from jinja2 import Environment
env = Environment()
c = json.load(sys.stdin)
out = []
for src in c['templates']:
    try:
        out.append(env.from_string(src).render(**c['vars']))
    except Exception as e:
        out.append('ERROR')
json.dump(out, sys.stdout)
`;

const vars = {
  s: 'Hello <b>"World"</b> & \'you\'',
  long: 'The quick brown fox jumps over the lazy dog. '.repeat(8).trim(),
  words: 'one two  three\tfour\nfive-six seven_eight ünï 日本 x1 2y',
  items: ['a', 'b', 'c', 'd', 'e', 'f', 'g'],
  d: { a: 'x y', b: '/p&q', c: null, 'd-e': 3, f: true, g: 'it\'s <ok>' },
  pairs: [['k', 'v w'], ['x/y', 'z&1']],
  html: '<p>Para  one</p>\n<p>two &amp; <i>three</i></p>  <!-- c --> &lt;x&gt;',
  n: 42,
};

const TEMPLATES = [
  ...[10, 11, 12, 40, 41, 5, 0].map((w) => `[{{ 'abc' | center(${w}) }}][{{ 'ab' | center(${w}) }}]`),
  "[{{ 'abcd' | center }}]",
  '{{ s | escape }}|{{ s | e }}|{{ s | forceescape }}|{{ s | e | e }}|{{ s | safe | e }}|{{ n | e }}|{{ none | e }}',
  ...[2, 3, 4, 7, 8].map((k) => `{{ items | batch(${k}) | list }}|{{ items | batch(${k}, 'X') | list }}|{{ items | slice(${k}) | list }}|{{ items | slice(${k}, 'X') | list }}`),
  ...[10, 20, 44, 45, 50, 255].map((l) => `{{ long | truncate(${l}) }}|{{ long | truncate(${l}, True) }}|{{ long | truncate(${l}, False, '>>') }}|{{ long | truncate(${l}, True, '', 0) }}|{{ long | truncate(${l}, leeway=0) }}`),
  "{{ 'abcdefghij' | truncate(8) }}|{{ 'abcdefghij' | truncate(5) }}|{{ 'abcdefghij' | truncate(5, leeway=0) }}|{{ 'abc def ghi' | truncate(9, leeway=0) }}",
  '{{ words | wordcount }}|{{ long | wordcount }}|{{ "" | wordcount }}|{{ "a-b c_d" | wordcount }}',
  "{{ 'a b/c?d=é&f' | urlencode }}|{{ d | urlencode }}|{{ pairs | urlencode }}|{{ n | urlencode }}|{{ '~._-!*()' | urlencode }}",
  '{{ html | striptags }}|{{ s | striptags }}|{{ "  a \n\t b  " | striptags }}',
  '<a{{ d | xmlattr }}>|<a{{ d | xmlattr(False) }}>|<a{{ {} | xmlattr }}>',
];

test('Jinja2 built-in filters render as Jinja2 renders them', { skip: hasJinja ? false : 'no jinja2 for /usr/bin/python3' }, () => {
  const py = spawnSync(PY, ['-c', RENDER], { input: JSON.stringify({ templates: TEMPLATES, vars }), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const want = JSON.parse(py.stdout) as string[];
  const t = createTemplater();
  const bad = TEMPLATES.flatMap((src, i) => {
    let got: string;
    try {
      got = String(t.render(src, vars));
    } catch (e) {
      got = `ERROR ${(e as Error).message}`;
    }
    return got === want[i] ? [] : [`${src}\n  jinja2: ${JSON.stringify(want[i])}\n  kbs:    ${JSON.stringify(got)}`];
  });
  assert.equal(bad.length, 0, `${bad.length} of ${TEMPLATES.length} differ:\n${bad.join('\n')}`);
});
