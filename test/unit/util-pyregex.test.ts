/** src/util/pyregex.ts: one Python `re` translation for the modules and the templates. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KbsError } from '../../src/errors.js';
import { pyExpand, pyRegex as modRegex } from '../../src/modules/util/pyregex.js';
import { expandTemplate, pyRegex as tplRegex, pySub } from '../../src/template/regex.js';

const PATTERNS = ['^(?P<k>\\w+)=(?P=k)$', '(?i)^a$', '(?x) a b # c\n c', '\\Afoo\\Z', '[]x]$', 'a(?#note)b', '(?s)a.b$'];

test('modules and templates translate a Python pattern the same way', () => {
  for (const p of PATTERNS) {
    const a = modRegex(p);
    const b = tplRegex(p);
    assert.equal(a.source, b.source, p);
    assert.equal(a.flags, b.flags, p);
  }
});

test('verbose (?x): whitespace and comments dropped outside sets, kept inside and when escaped', () => {
  const re = modRegex('(?x) ^ (?P<k> [a ]+ ) \\  = # a comment with $ and [\n (\\d+) $  # end');
  const m = re.exec('a a =42')!;
  assert.deepEqual([m.groups?.k, m[2]], ['a a', '42']);
  assert.equal(re.test('a a=42'), false, 'the escaped space is required');
  assert.equal(modRegex('(?x)[]a ]+$').test('] a'), true, "a ']' first in a set, and a space in it");
  assert.equal(tplRegex('(?x) a b  # c\n c').source, modRegex('(?x)abc').source);
});

test('both reject what Python rejects, each with its own error code', () => {
  for (const bad of ['a(?#open', '(?P=k', '(']) {
    assert.throws(() => modRegex(bad), (e: unknown) => e instanceof KbsError && e.code === 'TASK' && /invalid regexp/.test(e.message), bad);
    assert.throws(() => tplRegex(bad), (e: unknown) => e instanceof KbsError && e.code === 'TEMPLATE' && /invalid regular expression/.test(e.message), bad);
  }
});

test('replacement templates expand as match.expand in both', () => {
  const m = modRegex('^(\\w+)=(?P<v>.*)$').exec('key=value')!;
  for (const [tpl, want] of [
    ['\\1:\\g<v>\\t\\g<1>', 'key:value\tkey'],
    ['\\0101', '\x081'], // Python: \010 then '1'
    ['\\.', '\\.'],
  ]) {
    assert.equal(pyExpand(tpl, m), want, tpl);
    assert.equal(expandTemplate(tpl, m), want, tpl);
  }
  for (const bad of ['\\q', '\\', '\\g1', '\\5', '\\g<nope>']) {
    assert.throws(() => pyExpand(bad, m), (e: unknown) => e instanceof KbsError && e.code === 'TASK', bad);
    assert.throws(() => expandTemplate(bad, m), (e: unknown) => e instanceof KbsError && e.code === 'TEMPLATE', bad);
  }
  assert.equal(pySub('a=1 b=2', '(\\w)=(\\d)', '\\2=\\1', {}), '1=a 2=b');
});
