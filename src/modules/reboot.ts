/**
 * ansible.builtin.reboot: reboot the host and wait until it is back, as Ansible's reboot action:
 * read the boot id (`boot_time_command`), find `shutdown` in `search_paths` and run
 * `shutdown -r MINUTES "MSG"` (or `reboot_command`), drop the connection, wait
 * `post_reboot_delay`, then dial again over the same connection settings until the boot id has
 * changed and `test_command` succeeds, within `reboot_timeout`. Check mode reports a reboot
 * without doing it, as Ansible does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { shq } from '../transport/shell.js';
import { withTimeout } from '../util/timeout.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed, optStr, toNonNegNumber } from './util/args.js';
import { INT, LIST_OF_STR, STR, argsSchema } from './util/schema.js';

const DEFAULT_PATHS = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'];

/** Run CMD on a freshly dialed connection; throws when the host does not answer in time. */
async function tryRun(ctx: ModuleContext, cmd: string, timeoutS: number): Promise<{ rc: number; stdout: string; stderr: string }> {
  return withTimeout(ctx.run(cmd, { timeoutMs: timeoutS * 1000 }), timeoutS * 1000 + 2000);
}

export const reboot: ModuleDef = {
  name: 'reboot',
  schema: argsSchema({
    pre_reboot_delay: INT,
    post_reboot_delay: INT,
    reboot_timeout: INT,
    connect_timeout: INT,
    test_command: STR,
    msg: STR,
    search_paths: { anyOf: [LIST_OF_STR, STR] },
    boot_time_command: STR,
    reboot_command: STR,
  }),
  async run(args, ctx) {
    const pre = toNonNegNumber(args.pre_reboot_delay, 0, 'pre_reboot_delay');
    const post = toNonNegNumber(args.post_reboot_delay, 0, 'post_reboot_delay');
    const timeout = toNonNegNumber(args.reboot_timeout, 600, 'reboot_timeout');
    const connectTimeout = args.connect_timeout === undefined || args.connect_timeout === null ? 10 : Math.max(1, toNonNegNumber(args.connect_timeout, 10, 'connect_timeout'));
    const testCommand = optStr(args, 'test_command') ?? 'whoami';
    const msg = optStr(args, 'msg') ?? 'Reboot initiated by Ansible';
    const bootCmd = optStr(args, 'boot_time_command') ?? 'cat /proc/sys/kernel/random/boot_id';
    const paths = args.search_paths === undefined || args.search_paths === null ? DEFAULT_PATHS : Array.isArray(args.search_paths) ? args.search_paths.map(String) : [String(args.search_paths)];
    if (ctx.check) return { changed: true, elapsed: 0, rebooted: true };
    const t0 = Date.now();
    const elapsed = () => Math.floor((Date.now() - t0) / 1000);

    const before = await ctx.run(bootCmd);
    if (before.rc !== 0) {
      return failed(`Failed to get boot time: Command returned rc=${before.rc}, stdout='${before.stdout.trim()}', stderr='${before.stderr.trim()}'`, { rebooted: false, elapsed: elapsed() });
    }
    const bootId = before.stdout.trim();

    // the command's binary: absolute as given, else the first match in search_paths (as Ansible's find)
    const custom = optStr(args, 'reboot_command');
    const bin0 = custom !== undefined ? custom.split(' ')[0] : 'shutdown';
    let bin = bin0;
    if (!bin0.startsWith('/')) {
      const find = await ctx.run(`for d in ${paths.map(shq).join(' ')}; do if [ -e "$d/"${shq(bin0)} ]; then echo "$d/"${shq(bin0)}; exit 0; fi; done; exit 1`);
      bin = find.stdout.trim().split('\n')[0];
      if (find.rc !== 0 || !bin) return failed(`Unable to find command "${bin0}" in search paths: [${paths.map((p) => `'${p}'`).join(', ')}]`);
    }
    // shutdown counts in minutes: a pre_reboot_delay under 60 s is no delay, as in Ansible on Linux
    const rest = custom !== undefined ? custom.split(' ').slice(1).join(' ') : `-r ${Math.floor(pre / 60)} ${shq(msg)}`;
    const cmd = rest ? `${shq(bin)} ${rest}` : shq(bin);
    try {
      const r = await tryRun(ctx, cmd, 30);
      // a command that reports failure before the connection drops: the reboot did not start
      if (r.rc !== 0 && r.rc !== 255 && r.rc !== -1) {
        return failed(`Reboot command failed. Error was: '${r.stdout.trim()}${r.stderr.trim() ? `, ${r.stderr.trim()}` : ''}'`, { rebooted: false, elapsed: elapsed(), rc: r.rc });
      }
    } catch {
      // the connection went away with the host: expected
    }
    await ctx.reconnect?.().catch(() => undefined);
    if (post > 0) await sleep(post * 1000);

    const end = t0 + timeout * 1000;
    let last = '';
    let phase: 'boot' | 'test' = 'boot';
    for (;;) {
      const attempt = Date.now();
      try {
        if (phase === 'boot') {
          const r = await tryRun(ctx, bootCmd, connectTimeout);
          if (r.rc === 0 && r.stdout.trim() !== '' && r.stdout.trim() !== bootId) phase = 'test';
          else last = r.rc === 0 ? 'boot time has not changed' : `rc=${r.rc} ${r.stderr.trim()}`;
        }
        if (phase === 'test') {
          const r = await tryRun(ctx, testCommand, connectTimeout);
          if (r.rc === 0) return { changed: true, rebooted: true, elapsed: elapsed() } as ModuleResult;
          last = `Test command failed: ${r.stderr.trim() || r.stdout.trim()}`;
        }
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
        await ctx.reconnect?.().catch(() => undefined);
      }
      if (Date.now() >= end) break;
      await sleep(Math.max(0, Math.min(1000 - (Date.now() - attempt), end - Date.now())));
    }
    const what = phase === 'boot' ? 'last boot time check' : 'post-reboot test command';
    return failed(`Timed out waiting for ${what} (timeout=${timeout})`, { rebooted: true, elapsed: elapsed(), details: last });
  },
};
