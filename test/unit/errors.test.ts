import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KbsError, didYouMean, exitCodeFor } from '../../src/errors.js';
import { PyFloat } from '../../src/util/pyfloat.js';

test('KbsError renders file:line:col, message and hint', () => {
  const e = new KbsError('SCHEMA', 'unknown module "lineinfil"', {
    pos: { file: 'site.yml', line: 4, col: 7 },
    hint: 'did you mean lineinfile?',
  });
  assert.equal(e.render(), 'site.yml:4:7: error: unknown module "lineinfil"\n  hint: did you mean lineinfile?');
  assert.equal(exitCodeFor(e), 4);
  assert.equal(exitCodeFor(new Error('x')), 1);
});

test('didYouMean finds close names and ignores far ones', () => {
  assert.equal(didYouMean('lineinfil', ['copy', 'lineinfile', 'file']), 'lineinfile');
  assert.equal(didYouMean('zzzzzz', ['copy', 'lineinfile']), undefined);
});

test('YAML 1.1 as PyYAML reads it: yes/on are booleans, y/n are strings, 0644 is octal', async () => {
  const { parseYaml } = await import('../../src/yaml/read.js');
  const v = parseYaml('x.yml', 'a: y\nb: n\nc: yes\nd: Off\ne: 0644\nf: TRUE\ny: 1\n').value;
  assert.deepEqual(v, { a: 'y', b: 'n', c: true, d: false, e: 420, f: true, y: 1 });
});

test('YAML 1.1 floats and timestamps as PyYAML reads them', async () => {
  const { parseYaml } = await import('../../src/yaml/read.js');
  const v = parseYaml('x.yml', 'a: e1\nb: 1e3\nc: 1.5\nd: 1.0e+3\ne: 1:20\nf: 2024-01-02\ng: 1_000.5\nh: E5\n').value;
  assert.deepEqual(v, { a: 'e1', b: '1e3', c: 1.5, d: new PyFloat(1000), e: 80, f: '2024-01-02', g: 1000.5, h: 'E5' }); // a whole float stays a float
});
