/** Reading `systemctl show` as Ansible's parse_systemctl_show does: Exec* values in { } may span lines. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseQuery } from '../../src/modules/sys/systemctl.js';

test('every property, multi-line Exec values, a Description starting with {, the marker lines', () => {
  const out = [
    'Type=simple',
    'Requires=system.slice sysinit.target',
    'ExecStart={ path=/bin/echo ; argv[]=/bin/echo foo',
    'bar ; ignore_errors=no }',
    'ExecStop={ path=/bin/true ; argv[]=/bin/true }',
    'Description={ not multi-line',
    'Environment=A=1 B=2',
    'no equals sign here',
    '@@E\t0\tenabled',
    '@@S\t1',
  ].join('\n');
  const q = parseQuery(out);
  assert.deepEqual(q.status, {
    Type: 'simple',
    Requires: 'system.slice sysinit.target',
    ExecStart: '{ path=/bin/echo ; argv[]=/bin/echo foo\nbar ; ignore_errors=no }',
    ExecStop: '{ path=/bin/true ; argv[]=/bin/true }',
    Description: '{ not multi-line',
    Environment: 'A=1 B=2',
  });
  assert.equal(q.isEnabled, 'enabled');
  assert.equal(q.isEnabledRc, 0);
  assert.equal(q.systemd, true);
});

test('an unclosed Exec value does not swallow the marker lines', () => {
  const q = parseQuery('ExecStart={ path=/bin/x\n@@E\t1\tdisabled\n@@S\t1\n');
  assert.equal(q.isEnabled, 'disabled');
  assert.equal(q.systemd, true);
  assert.equal(q.status.ExecStart, undefined);
});
