/**
 * The pip module's check-mode comparison (src/modules/pkg/pipreq.ts): requirements parsed and
 * matched against `pip list --format=freeze`; each expectation is what pip's own packaging
 * (PEP 440 / PEP 503) answers for the same pair.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareVersions, isPresent, normalizeName, parseFreeze, parseRequirement } from '../../src/modules/pkg/pipreq.js';

test('names are compared as PEP 503 normalizes them', () => {
  assert.deepEqual(['PyYAML', 'zope.interface', 'Foo__Bar-baz'].map(normalizeName), ['pyyaml', 'zope-interface', 'foo-bar-baz']);
});

test('versions are ordered as PEP 440 orders them', () => {
  const sorted = ['1.0.dev1', '1.0a1', '1.0b2', '1.0rc1', '1.0', '1.0.post1', '1.0.1', '1.1', '2.0', '10.0'];
  for (let i = 0; i + 1 < sorted.length; i++) assert.ok(compareVersions(sorted[i], sorted[i + 1]) < 0, `${sorted[i]} < ${sorted[i + 1]}`);
  assert.equal(compareVersions('1.0', '1.0.0'), 0);
  assert.equal(compareVersions('v2.1', '2.1'), 0);
});

test('requirements against the installed packages', () => {
  const installed = parseFreeze('PyYAML==6.0.1\nsix==1.16.0\nzope.interface==5.4.0\n\nnot a line\n');
  const cases: [string, boolean][] = [
    ['pyyaml', true],
    ['PyYAML==6.0.1', true],
    ['pyyaml==6.0', false],
    ['pyyaml>=6', true],
    ['pyyaml>=6,<6.0.1', false],
    ['pyyaml~=6.0', true],
    ['pyyaml~=5.4', false],
    ['pyyaml==6.*', true],
    ['pyyaml!=6.0.1', false],
    ['six[extra] >= 1.15', true],
    ['zope-interface<6', true],
    ['requests', false],
  ];
  for (const [req, want] of cases) assert.equal(isPresent(parseRequirement(req), installed), want, req);
});
