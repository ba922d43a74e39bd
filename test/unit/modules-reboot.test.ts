/** reboot without rebooting: check mode contacts no host; the failures before the reboot command. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { makeCtx, runModule, tempDir } from './modules/helper.js';

test('reboot in check mode reports a reboot and runs nothing', async () => {
  const ctx = await makeCtx({ check: true });
  assert.deepEqual(await runModule('reboot', {}, ctx), { changed: true, elapsed: 0, rebooted: true });
  assert.deepEqual(ctx.commands, []);
});

test('reboot: a failing boot_time_command or a missing reboot command stops before any reboot', async () => {
  const ctx = await makeCtx();
  const boot = await runModule('reboot', { boot_time_command: 'echo nope; exit 3' }, ctx);
  assert.deepEqual([boot.failed, boot.rebooted, boot.msg], [true, false, "Failed to get boot time: Command returned rc=3, stdout='nope', stderr=''"]);
  const { dir, cleanup } = tempDir();
  try {
    const r = await runModule('reboot', { boot_time_command: 'echo id', reboot_command: 'kbs-no-such-reboot now', search_paths: [dir] }, ctx);
    assert.deepEqual([r.failed, r.msg], [true, `Unable to find command "kbs-no-such-reboot" in search paths: ['${dir}']`]);
    const one = await runModule('reboot', { boot_time_command: 'echo id', search_paths: dir, reboot_command: 'kbs-no-such-reboot' }, ctx);
    assert.match(String(one.msg), new RegExp(`search paths: \\['${dir}'\\]`));
  } finally {
    cleanup();
  }
});
