/** The input limits (docs/cli.md, Limits): sizes, the environment override, the range cap's edge. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KbsError } from '../../src/errors.js';
import { expandHostRange } from '../../src/inventory/range.js';
import { DEFAULT_MAX_YAML_BYTES, MAX_RANGE_HOSTS, maxYamlSize, parseSize, setMaxYamlSize } from '../../src/yaml/limits.js';
import { parseYaml } from '../../src/yaml/read.js';

test('sizes: bytes, k, M, G; nonsense is a usage error', () => {
  assert.equal(parseSize('1048576', 'x'), 1048576);
  assert.equal(parseSize('512k', 'x'), 512 * 1024);
  assert.equal(parseSize('64M', 'x'), 64 * 1024 ** 2);
  assert.equal(parseSize('1GB', 'x'), 1024 ** 3);
  assert.equal(parseSize('1.5m', 'x'), 1.5 * 1024 ** 2);
  assert.throws(() => parseSize('lots', '--max-yaml-size'), (e: unknown) => e instanceof KbsError && e.code === 'USAGE' && /--max-yaml-size/.test(e.message));
  assert.throws(() => parseSize('0', 'x'), KbsError);
});

test('the YAML size limit: default, KBS_MAX_YAML_SIZE, then the option', () => {
  const saved = process.env.KBS_MAX_YAML_SIZE;
  try {
    delete process.env.KBS_MAX_YAML_SIZE;
    setMaxYamlSize(undefined);
    assert.equal(maxYamlSize(), DEFAULT_MAX_YAML_BYTES);
    process.env.KBS_MAX_YAML_SIZE = '1k';
    assert.equal(maxYamlSize(), 1024);
    assert.throws(() => parseYaml('big.yml', `a: "${'x'.repeat(2000)}"\n`), (e: unknown) => e instanceof KbsError && e.code === 'YAML' && /over the 1k limit/.test(e.message) && /KBS_MAX_YAML_SIZE/.test(e.hint ?? ''));
    setMaxYamlSize('4k');
    assert.equal(maxYamlSize(), 4096);
    assert.deepEqual(parseYaml('ok.yml', `a: "${'x'.repeat(2000)}"\n`).value, { a: 'x'.repeat(2000) });
  } finally {
    setMaxYamlSize(undefined);
    if (saved === undefined) delete process.env.KBS_MAX_YAML_SIZE;
    else process.env.KBS_MAX_YAML_SIZE = saved;
  }
});

test('a host range may expand to exactly the cap, not one more', () => {
  assert.equal(expandHostRange(`n[1:${MAX_RANGE_HOSTS}]`).length, MAX_RANGE_HOSTS);
  assert.throws(() => expandHostRange(`n[0:${MAX_RANGE_HOSTS}]`), (e: unknown) => e instanceof KbsError && /expands to more than 100000 hosts/.test(e.message));
  assert.throws(() => expandHostRange('n[0:999]x[0:100]'), KbsError);
});

test('nesting up to the limit loads; one level more is refused', () => {
  const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
  assert.ok(parseYaml('ok.yml', `a: ${nest(199)}\n`));
  assert.throws(() => parseYaml('deep.yml', `a: ${nest(200)}\n`), (e: unknown) => e instanceof KbsError && /nesting too deep/.test(e.message) && e.pos?.line === 1);
});
