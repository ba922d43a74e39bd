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
markVaultValues(doc.contents, value);

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
  const merged = mergeLayers([value, { other: 1 }, { [Symbol.for('kbs.vaulted')]: { z: 'zz' }, z: 'zz' }]);
  assert.equal(isVaultedAt(merged, 'a'), true);
  assert.equal(isVaultedAt(merged, 'z'), true);
  assert.equal(isVaultedAt(mergeLayers([value, { a: 'changed' }]), 'a'), false);
  assert.equal(isVaultedAt(mergeVaultMarks([], { a: 'one' }), 'a'), false);
});
