/**
 * Unsafe data (src/template/unsafe.ts): a render that reads an unsafe value is unsafe, also when
 * it reads it through a variable whose own template read it (renders nest), and also the second
 * time (a scope keeps rendered values); an unsafe string slot is never templated while it holds
 * its text; marks follow the variable layers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createTemplater } from '../../src/template/index.js';
import { makeScope, markUnsafe, mergeLayers } from '../../src/vars/scope.js';
import { markData, markUnsafeAt, trackUnsafe } from '../../src/template/unsafe.js';

const t = createTemplater({});

test('a render that reads unsafe data is unsafe, directly, through a variable, and from the scope memo', () => {
  const vars = makeScope({ z: 'Z', r: markUnsafe({ x: '{{ z }}' }), via: '{{ r.x }}', safe: '{{ z }}' }, { templater: t });
  const direct = trackUnsafe(() => t.render('{{ r.x }}', vars));
  assert.deepEqual(direct, { value: '{{ z }}', unsafe: true });
  const through = trackUnsafe(() => t.render('pre {{ via }}', vars));
  assert.deepEqual(through, { value: 'pre {{ z }}', unsafe: true });
  assert.equal(trackUnsafe(() => t.render('{{ via }}', vars)).unsafe, true, 'the memoised value is still unsafe');
  assert.deepEqual(trackUnsafe(() => t.render('{{ safe }}', vars)), { value: 'Z', unsafe: false });
  // nested tracking: the inner render's finding counts for the outer one
  const outer = trackUnsafe(() => [trackUnsafe(() => t.render('{{ z }}', vars)).unsafe, t.render('{{ r.x }}', vars)]);
  assert.deepEqual(outer, { value: [false, '{{ z }}'], unsafe: true });
});

test('an unsafe string slot is not templated while it holds its text, through merged layers', () => {
  const facts: Record<string, unknown> = { v: '{{ z }}' };
  markUnsafeAt(facts, 'v', facts.v);
  const scope = makeScope(mergeLayers([{ z: 'Z' }, facts]), { templater: t });
  assert.deepEqual(trackUnsafe(() => t.render('{{ v }}', scope)), { value: '{{ z }}', unsafe: true });
  // set again to other text: an ordinary variable
  facts.v = '{{ z }}!';
  const again = makeScope(mergeLayers([{ z: 'Z' }, facts]), { templater: t });
  assert.deepEqual(trackUnsafe(() => t.render('{{ v }}', again)), { value: 'Z!', unsafe: false });
});

test('data (the vars mapping) is not templated when read, and does not make a render unsafe', () => {
  const scope = makeScope({ z: 'Z', vars: markData({ a: '{{ z }}' }) }, { templater: t });
  assert.deepEqual(trackUnsafe(() => t.render('{{ vars.a }}', scope)), { value: '{{ z }}', unsafe: false });
});

test('lookups are unsafe unless allow_unsafe is given (and then Ansible returns the list)', () => {
  const scope = makeScope({}, { templater: t });
  assert.deepEqual(trackUnsafe(() => t.render("{{ lookup('items', 'a', 'b') }}", scope)), { value: 'a,b', unsafe: true });
  assert.deepEqual(trackUnsafe(() => t.render("{{ lookup('items', 'a', 'b', allow_unsafe=True) }}", scope)), { value: ['a', 'b'], unsafe: false });
  assert.deepEqual(trackUnsafe(() => t.render("{{ lookup('items', 'a', allow_unsafe=False) }}", scope)), { value: 'a', unsafe: true });
});
