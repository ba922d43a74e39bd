import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FILTERS } from '../../src/template/filters.js';
import { LOOKUPS } from '../../src/template/lookups.js';
import { TESTS } from '../../src/template/tests.js';

const doc = readFileSync(join(import.meta.dirname, '../../docs/playbooks.md'), 'utf8');

/** The backquoted names of the paragraph that starts with `label`. */
function listed(label: string): string[] {
  const start = doc.indexOf(`\n${label}`);
  assert.ok(start >= 0, `docs/playbooks.md has no "${label}" paragraph`);
  const para = doc.slice(start + 1 + label.length).split('\n\n')[0];
  return [...para.matchAll(/`([^`]+)`/g)].map((m) => m[1]).filter((n) => !/[()]/.test(n));
}

test('docs/playbooks.md lists exactly the filters, tests and lookups templates have', () => {
  assert.deepEqual(listed('Filters:'), Object.keys(FILTERS).sort());
  assert.deepEqual(listed('Tests:'), Object.keys(TESTS).sort());
  assert.deepEqual(listed('Lookups'), Object.keys(LOOKUPS).sort());
});
