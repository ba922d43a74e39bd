/**
 * What playbook and role files parse to, kept across runs (src/yaml/cache.ts): plain data only,
 * never a text holding a known secret, and read back with the same value and positions.
 * The cache's place is set as bin/kbs.js sets it (this test file runs in its own process).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPlain, keepParse, keptParse } from '../../src/yaml/cache.js';
import { outlineOf } from '../../src/yaml/outline.js';
import { parseYaml, posAt } from '../../src/yaml/read.js';
import { addSecret } from '../../src/vault/redact.js';
import { PyFloat } from '../../src/util/pyfloat.js';

const dir = mkdtempSync(join(tmpdir(), 'kbs-yamlcache-'));
(globalThis as Record<symbol, unknown>)[Symbol.for('kbs.cache')] = { dir, place: 'p', files: { tpl: { file: join(dir, 'tpl-p-b.bin'), readable: true }, yaml: { file: join(dir, 'yaml-p-b.bin'), readable: true } } };

test('plain data: strings, numbers, booleans, null, lists and plain mappings; nothing else', () => {
  for (const v of ['x', 1, -0, 1.5, true, null, [], {}, [1, ['a', { b: null }]], { a: { b: [1, 2] } }]) assert.equal(isPlain(v), true, JSON.stringify(v));
  const marked = { a: 'x' } as Record<string | symbol, unknown>;
  marked[Symbol.for('kbs.vaulted')] = { a: 'digest' };
  const holes = [1, , 3]; // eslint-disable-line no-sparse-arrays
  const extra = Object.assign([1], { x: 2 });
  const protoKey = JSON.parse('{"__proto__": 1}') as unknown;
  for (const v of [undefined, new Date(0), new Map(), marked, { a: marked }, holes, extra, Object.create(null), protoKey, new PyFloat(1), [new PyFloat(2)], () => 1])
    assert.equal(isPlain(v), false, Object.prototype.toString.call(v));
});

test('a kept parse reads back with the same value and the same positions', () => {
  const text = '- hosts: all\n  tasks:\n    - debug: {msg: hi}\n      when: x\n';
  assert.equal(keptParse(text), undefined);
  const yf = parseYaml('/x/pb.yml', text);
  keepParse(text, yf.value, outlineOf(yf.doc), yf.lc);
  const back = keptParse(text);
  assert.ok(back);
  assert.deepEqual(back.value, yf.value);
  const src = { file: '/x/pb.yml', ...back };
  for (const p of [[0], [0, 'tasks', 0, 'when'], [0, 'tasks', 0, 'debug', 'msg']]) assert.deepEqual(posAt(src, p, 'key'), posAt(yf, p, 'key'));
  assert.deepEqual(posAt(src, [0, 'tasks', 0, 'when']), { file: '/x/pb.yml', line: 4, col: 13 });
  // another text (one character more) is another entry
  assert.equal(keptParse(text + '\n'), undefined);
});

test('not kept: a value that is not plain data, and a text holding a known secret', () => {
  const floats = 'a: 1.0\n';
  const yf = parseYaml('/x/f.yml', floats);
  assert.ok((yf.value as { a: unknown }).a instanceof PyFloat, 'a float kept as Python prints it');
  keepParse(floats, yf.value, outlineOf(yf.doc), yf.lc);
  assert.equal(keptParse(floats), undefined);
  const text = 'password: s3cr3t-for-the-test\n';
  addSecret('s3cr3t-for-the-test');
  const s = parseYaml('/x/s.yml', text);
  keepParse(text, s.value, outlineOf(s.doc), s.lc);
  assert.equal(keptParse(text), undefined);
});
