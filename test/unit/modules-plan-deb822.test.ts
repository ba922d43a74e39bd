/** deb822_repository's removal planned from the files the probe found: the ones there are removed, none is no change. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planRemoval } from '../../src/modules/deb822_repository.js';

const SRC = '/etc/apt/sources.list.d/k8s.sources';
const ASC = '/etc/apt/keyrings/k8s.asc';

test('deb822_repository: absent removes the sources file and keyrings found, nothing when none is there', () => {
  const rows: [string[], string[], boolean][] = [
    [[SRC, ASC], [`remove ${SRC}: rm -f -- ${SRC} ${ASC}`], true],
    [[ASC], [`remove ${SRC}: rm -f -- ${ASC}`], true],
    [[], [], false],
  ];
  for (const [found, want, diff] of rows) {
    const p = planRemoval(SRC, 'k8s', found, true);
    assert.deepEqual(p.changes.map((c) => `${c.description}: ${c.command}`), want, found.join(' '));
    assert.equal(p.result.diff !== undefined, diff);
    assert.deepEqual([p.result.repo, p.result.key_filename], [null, '/etc/apt/keyrings/k8s.gpg']);
  }
  assert.equal(planRemoval(SRC, 'k8s', [SRC], false).result.diff, undefined, 'no diff unless asked');
});
