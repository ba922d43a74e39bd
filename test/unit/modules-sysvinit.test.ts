/** sysvinit's reading of a service's state (Ansible's heuristics) and its enable commands, without a host. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { enableCommand, sysvStarted } from '../../src/modules/sysvinit.js';

const probe = (rc: number, out: string, psName = false) => ({ exists: true, bins: {}, enabled: {}, status: { rc, out, err: '' }, psName });

test('the status heuristics, as Ansible 2.14 reads them', () => {
  const rows: [number, string, boolean, boolean, number][] = [
    // rc, stdout, ps finds the name, started, warnings
    [0, 'foo is running\n', false, true, 0],
    [3, 'foo is not running\n', false, false, 0], // "not " vetoes "run"
    [0, 'foo stopped\n', false, false, 0], // "stop" wins over rc 0
    [0, 'foo: active\n', false, true, 0],
    [0, 'inactive\n', false, false, 0],
    [0, 'line one\nline two\nline three\n', false, true, 0], // more than one line: rc 0 decides
    [5, 'weird\n', false, false, 1], // nothing matched, rc not in the list: assumed down, warned
    [5, 'weird\n', true, true, 1], // ps found the name: up, warned
    [3, '', false, false, 0], // rc 3 is a known "bad" return
    [0, 'foo is running\n', false, true, 0],
  ];
  for (const [rc, out, ps, started, warns] of rows) {
    const r = sysvStarted('foo', probe(rc, out, ps));
    assert.equal(r.started, started, JSON.stringify(out));
    assert.equal(r.warnings.length, warns, JSON.stringify(out));
  }
  assert.equal(sysvStarted('iptables', probe(0, 'Chain INPUT (policy ACCEPT)\n...\n')).started, true);
  assert.deepEqual(sysvStarted('foo', { exists: true, bins: {}, enabled: {}, psPattern: true }), { started: true, warnings: [] });
});

test('enable commands: update-rc.d first, then chkconfig, with runlevels', () => {
  const a = (runlevels: string[]) => ({ name: 'foo', runlevels, sleep: 1, daemonize: false }) as Parameters<typeof enableCommand>[0];
  assert.equal(enableCommand(a([]), true, { 'update-rc.d': '/usr/sbin/update-rc.d', chkconfig: '/sbin/chkconfig' }), '/usr/sbin/update-rc.d foo defaults');
  assert.equal(enableCommand(a(['2', '3']), false, { 'update-rc.d': '/usr/sbin/update-rc.d' }), '/usr/sbin/update-rc.d foo disable 2 3');
  assert.equal(enableCommand(a(['2', '3']), true, { chkconfig: '/sbin/chkconfig' }), '/sbin/chkconfig --level 23 foo on');
  assert.equal(enableCommand(a([]), true, {}), undefined);
});
