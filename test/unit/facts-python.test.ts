import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { parseFacts, pythonFacts } from '../../src/facts/parse.js';
import { FACTS_MAGIC } from '../../src/facts/script.js';

test('ansible_python: executable, version and version_info as Ansible reports them', () => {
  assert.deepEqual(pythonFacts(['/usr/bin/python3', 'Python 3.11.2']), {
    executable: '/usr/bin/python3',
    has_sslcontext: true,
    type: 'cpython',
    version: { major: 3, minor: 11, micro: 2, releaselevel: 'final', serial: 0 },
    version_info: [3, 11, 2, 'final', 0],
  });
  // pre-releases, python 2, PyPy (two lines)
  assert.deepEqual(pythonFacts(['/usr/bin/python3', 'Python 3.13.0rc1'])?.version_info, [3, 13, 0, 'candidate', 1]);
  assert.deepEqual(pythonFacts(['/usr/bin/python3', 'Python 3.14.0a4+'])?.version_info, [3, 14, 0, 'alpha', 4]);
  assert.deepEqual(pythonFacts(['/usr/bin/python3', 'Python 3.12.0b2'])?.version_info, [3, 12, 0, 'beta', 2]);
  assert.deepEqual(pythonFacts(['/usr/bin/python', 'Python 2.7.18'])?.version_info, [2, 7, 18, 'final', 0]);
  const pypy = pythonFacts(['/usr/local/bin/python3', 'Python 3.9.16 (7.3.11+dfsg-2, Feb 01 2023, 13:57:30)', '[PyPy 7.3.11 with GCC 12.2.0]']);
  assert.equal(pypy?.type, 'pypy');
  assert.deepEqual(pypy?.version_info, [3, 9, 16, 'final', 0]);
  // no python on the host, or output that is not the expected one: no fact
  assert.equal(pythonFacts([]), undefined);
  assert.equal(pythonFacts(['/usr/bin/python3', '3.11']), undefined);
  assert.equal(pythonFacts(['/usr/bin/python3', 'python3: command not found']), undefined);
});

test("ansible_python from this machine's python3 -V: what the interpreter itself says", () => {
  const py = '/usr/bin/python3';
  const v = spawnSync(py, ['-V'], { encoding: 'utf8' });
  const self = spawnSync(py, ['-c', 'import json, sys; print(json.dumps([sys.executable, list(sys.version_info), sys.implementation.name]))'], { encoding: 'utf8' });
  assert.equal(self.status, 0, self.stderr);
  const [executable, info, impl] = JSON.parse(self.stdout) as [string, unknown[], string];
  const f = pythonFacts([py, ...(v.stdout + v.stderr).split('\n')]);
  assert.deepEqual([f?.executable, f?.version_info, f?.type], [executable, info, impl]);
});

test('the python section of the fact script output becomes the python fact', () => {
  const out = [FACTS_MAGIC, '@@files', '/proc/sys/kernel/hostname:h', '@@python', '/usr/bin/python3', 'Python 3.12.1', '@@env', ''].join('\n');
  const facts = parseFacts(out);
  assert.equal((facts.python as { executable: string }).executable, '/usr/bin/python3');
  assert.deepEqual((facts.python as { version_info: unknown[] }).version_info, [3, 12, 1, 'final', 0]);
  assert.equal(parseFacts([FACTS_MAGIC, '@@python', '@@env', ''].join('\n')).python, undefined);
});
