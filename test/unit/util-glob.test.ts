/** src/util/glob.ts: the one fnmatch translation behind host patterns, setup filter and package versions. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fnmatch, globToRegExp } from '../../src/util/glob.js';
import { filterFacts } from '../../src/facts/index.js';

test('globToRegExp follows Python fnmatch.fnmatchcase', () => {
  const m = (name: string, glob: string) => globToRegExp(glob).test(name);
  assert.ok(m('a\nb', 'a*b'), '* matches a newline as in Python');
  assert.ok(m('a\nb', 'a?b'));
  assert.ok(m(']', '[]]'), "']' first in a set is literal");
  assert.ok(m('x', '[!]]') && !m(']', '[!]]'));
  assert.ok(m('^', '[^x]') && !m('y', '[^x]'), "'^' first in a set is literal (only ! negates)");
  assert.ok(m('a[b', 'a[b'), 'an unclosed [ is literal');
  assert.ok(m('a\\b', 'a[\\]b'), 'a backslash in a set is literal');
  assert.ok(m('a|b(c)', 'a|b(c)') && !m('a', 'a|b'));
  assert.ok(!m('Ab', 'ab'), 'case-sensitive');
  assert.ok(!m('abc', 'ab'), 'whole string');
});

test('callers share the semantics: package versions, setup filter', () => {
  assert.ok(fnmatch('^1', '[^x]1'));
  assert.ok(!fnmatch('y1', '[^x]1'));
  const facts = { ansible_x: 1, 'ansible_^': 2, ansible_y: 3 };
  assert.deepEqual(Object.keys(filterFacts(facts, 'ansible_[^x]')), ['ansible_x', 'ansible_^']);
});
