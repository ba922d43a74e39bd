import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseFacts, pythonFacts } from '../../src/facts/parse.js';
import { FACTS_MAGIC } from '../../src/facts/script.js';

test('ansible_python: executable, version and version_info as Ansible reports them', () => {
  assert.deepEqual(pythonFacts(['/usr/bin/python3', '3 11 2 final 0', 'cpython']), {
    executable: '/usr/bin/python3',
    has_sslcontext: true,
    type: 'cpython',
    version: { major: 3, minor: 11, micro: 2, releaselevel: 'final', serial: 0 },
    version_info: [3, 11, 2, 'final', 0],
  });
  // no python on the host, or output that is not the expected one: no fact
  assert.equal(pythonFacts([]), undefined);
  assert.equal(pythonFacts(['/usr/bin/python3', '3.11']), undefined);
});

test('the python section of the fact script output becomes the python fact', () => {
  const out = [FACTS_MAGIC, '@@files', '/proc/sys/kernel/hostname:h', '@@python', '/usr/bin/python3', '3 12 1 final 0', 'cpython', '@@env', ''].join('\n');
  const facts = parseFacts(out);
  assert.equal((facts.python as { executable: string }).executable, '/usr/bin/python3');
  assert.deepEqual((facts.python as { version_info: unknown[] }).version_info, [3, 12, 1, 'final', 0]);
  assert.equal(parseFacts([FACTS_MAGIC, '@@python', '@@env', ''].join('\n')).python, undefined);
});
