/** The probe's identity line: one `id` on the host gives the user and group names (bench finding). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { userInfo } from 'node:os';
import { parseProbe, probeScript } from '../../src/modules/util/remote.js';

test('parseProbe reads user and group from id output', () => {
  const p = parseProbe(Buffer.from('M\t0027\tuid=1001(ann) gid=1002(staff) groups=1002(staff),27(sudo)\n'));
  assert.equal(p.umask, 0o027);
  assert.equal(p.user, 'ann');
  assert.equal(p.group, 'staff');
});

test('parseProbe leaves names empty when the host has none for the ids', () => {
  const p = parseProbe(Buffer.from('M\t0022\tuid=4242 gid=4243 groups=4243\n'));
  assert.equal(p.user, '');
  assert.equal(p.group, '');
});

test('the probe script run by sh reports the current user', () => {
  const out = execFileSync('/bin/sh', ['-c', probeScript([{ tag: 'x', path: '/etc/hostname' }])]);
  const p = parseProbe(out);
  assert.equal(p.user, userInfo().username);
  assert.equal(p.umask, process.umask());
  assert.equal(p.files.x.exists, true);
});
