/**
 * The marks that let `vault_encrypted` tell a decrypted `!vault` value from plain text
 * (src/vault/marks.ts): set on the slots of a parsed document that held `!vault` scalars, kept by
 * copies and layer merges, gone when the slot holds other text; never serialised.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { isVaultedAt, markVaultValues, mergeVaultMarks } from '../../src/vault/marks.js';
import { vaultTag } from '../../src/vault/yaml.js';
import { mergeLayers } from '../../src/vars/scope.js';

// the scalars stand for text already decrypted (the tag stays on the node)
const doc = parseDocument('a: !vault one\nb: one\nd:\n  x: !vault two\nl:\n  - !vault three\n  - three\n', { customTags: [vaultTag] });
const value = doc.toJS() as Record<string, unknown>;
markVaultValues(doc, doc.contents, value);

test('the slots that held !vault values are marked, the others are not', () => {
  assert.equal(isVaultedAt(value, 'a'), true);
  assert.equal(isVaultedAt(value, 'b'), false);
  assert.equal(isVaultedAt(value.d, 'x'), true);
  assert.equal(isVaultedAt(value.l, 0), true);
  assert.equal(isVaultedAt(value.l, '1'), false);
  assert.equal(isVaultedAt(value, 'missing'), false);
  assert.equal(isVaultedAt('one', 'a'), false);
  assert.equal(JSON.stringify(value), '{"a":"one","b":"one","d":{"x":"two"},"l":["three","three"]}');
});

test('spreads and merged layers keep the marks; a slot set to other text is no longer vaulted', () => {
  assert.equal(isVaultedAt({ ...value }, 'a'), true);
  const zdoc = parseDocument('z: !vault zz\n', { customTags: [vaultTag] });
  const z = zdoc.toJS() as Record<string, unknown>;
  markVaultValues(zdoc, zdoc.contents, z);
  const merged = mergeLayers([value, { other: 1 }, z]);
  assert.equal(isVaultedAt(merged, 'a'), true);
  assert.equal(isVaultedAt(merged, 'z'), true);
  assert.equal(isVaultedAt(mergeLayers([value, { a: 'changed' }]), 'a'), false);
  assert.equal(isVaultedAt(mergeVaultMarks([], { a: 'one' }), 'a'), false);
});

test('through an alias and a merge key; the mark holds a hash, not the decrypted text', () => {
  const d = parseDocument('v: &v !vault sec\nt: *v\nbase: &b {p: !vault pw, q: plain}\nm:\n  <<: *b\n  r: 1\nn:\n  <<: [*b]\n  p: other\nl: [*v]\n', { customTags: [vaultTag], merge: true });
  const v = d.toJS() as Record<string, Record<string, unknown> & unknown[]>;
  markVaultValues(d, d.contents, v);
  assert.equal(isVaultedAt(v, 't'), true);
  assert.equal(isVaultedAt(v.m, 'p'), true);
  assert.equal(isVaultedAt(v.m, 'q'), false);
  assert.equal(isVaultedAt(v.n, 'p'), false, 'an explicit key over the merged one');
  assert.equal(isVaultedAt(v.l, 0), true);
  const marks = JSON.stringify(Object.getOwnPropertySymbols(v).map((k) => (v as unknown as Record<symbol, unknown>)[k]));
  assert.doesNotMatch(marks, /sec/);
  assert.match(marks, /[0-9a-f]{64}/);
});
