/** becomeCommand: how sudo is called, with and without become_flags / become_exe. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { becomeCommand, becomeKey } from '../../src/transport/shell.js';

test('default: sudo -n -H, -u for a user other than root', () => {
  assert.equal(becomeCommand('id -u', undefined, false), "sudo -n -H -- /bin/sh -c 'id -u'");
  assert.equal(becomeCommand('id -u', 'app', false), "sudo -n -H -u app -- /bin/sh -c 'id -u'");
  assert.equal(becomeCommand('id -u', 'root', true), "sudo -S -p '[kbs-sudo-prompt]' -H -- /bin/sh -c 'id -u'");
});

test('become_flags replace -H as written; kbs keeps -n / -S itself; become_exe names the program', () => {
  assert.equal(becomeCommand('id -u', undefined, false, undefined, { flags: '-E  -H' }), "sudo -n -E -H -- /bin/sh -c 'id -u'");
  assert.equal(becomeCommand('id -u', undefined, true, undefined, { flags: '-H -S -n' }), "sudo -S -p '[kbs-sudo-prompt]' -H -- /bin/sh -c 'id -u'");
  assert.equal(becomeCommand('id -u', 'app', false, undefined, { flags: '' }), "sudo -n -u app -- /bin/sh -c 'id -u'");
  assert.equal(becomeCommand('id -u', undefined, false, undefined, { exe: '/opt/my sudo' }), "'/opt/my sudo' -n -H -- /bin/sh -c 'id -u'");
});

test('an identity is the user alone unless flags or exe are given', () => {
  assert.equal(becomeKey('root', {}), 'root');
  assert.notEqual(becomeKey('root', { flags: '-E' }), 'root');
  assert.notEqual(becomeKey('root', { flags: '-E' }), becomeKey('root', { exe: '-E' }));
});
