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
import type { ExecResult } from '../transport/types.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { change } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { LIST_OF_STR, STR } from './util/schema.js';
import { secondsArg } from './util/seconds.js';

const DEFAULT_PATHS = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'];

const args = declareArgs({
  pre_reboot_delay: secondsArg(0),
  post_reboot_delay: secondsArg(0),
  reboot_timeout: secondsArg(600),
  connect_timeout: secondsArg(10),
  test_command: { type: 'str', default: 'whoami' },
  msg: { type: 'str', default: 'Reboot initiated by Ansible' },
  search_paths: { type: 'any', schema: { anyOf: [LIST_OF_STR, STR] }, default: DEFAULT_PATHS, read: (v) => (Array.isArray(v) ? v.map(String) : [String(v)]) },
  boot_time_command: { type: 'str', default: 'cat /proc/sys/kernel/random/boot_id' },
  reboot_command: { type: 'str' },
});

/** what check mode reports: Ansible's action returns it without contacting the host */
const CHECK_RESULT: ModuleResult = { changed: true, elapsed: 0, rebooted: true };

/** Run CMD on a freshly dialed connection; throws when the host does not answer in time. */
async function tryRun(ctx: ModuleContext, cmd: string, timeoutS: number): Promise<{ rc: number; stdout: string; stderr: string }> {
  return withTimeout(ctx.run(cmd, { timeoutMs: timeoutS * 1000 }), timeoutS * 1000 + 2000);
}

export const reboot: ModuleDef = {
  name: 'reboot',
  schema: args.schema,
  async run(given, ctx) {
    const a = args.read(given);
    const timeout = a.reboot_timeout;
    const connectTimeout = Math.max(1, a.connect_timeout);
    const t0 = Date.now();
    const elapsed = () => Math.floor((Date.now() - t0) / 1000);

    // the reboot, from reading the boot id on, goes through the change seam: nothing runs in check mode
    // (an empty boot_time_command runs as `:`, an empty answer, rather than as no change)
    const before = await change(ctx, 'read the boot id', a.boot_time_command || ':', { keepFailure: true });
    if (!before) return { ...CHECK_RESULT };
    if (before.rc !== 0) {
      return failed(`Failed to get boot time: Command returned rc=${before.rc}, stdout='${before.stdout.trim()}', stderr='${before.stderr.trim()}'`, { rebooted: false, elapsed: elapsed() });
    }
    const bootId = before.stdout.trim();

    // the command's binary: absolute as given, else the first match in search_paths (as Ansible's find)
    const custom = a.reboot_command;
    const bin0 = custom !== undefined ? custom.split(' ')[0] : 'shutdown';
    let bin = bin0;
    if (!bin0.startsWith('/')) {
      const paths = a.search_paths;
      const find = await ctx.run(`for d in ${paths.map(shq).join(' ')}; do if [ -e "$d/"${shq(bin0)} ]; then echo "$d/"${shq(bin0)}; exit 0; fi; done; exit 1`);
      bin = find.stdout.trim().split('\n')[0];
      if (find.rc !== 0 || !bin) return failed(`Unable to find command "${bin0}" in search paths: [${paths.map((p) => `'${p}'`).join(', ')}]`);
    }
    // shutdown counts in minutes: a pre_reboot_delay under 60 s is no delay, as in Ansible on Linux
    const rest = custom !== undefined ? custom.split(' ').slice(1).join(' ') : `-r ${Math.floor(a.pre_reboot_delay / 60)} ${shq(a.msg)}`;
    const cmd = rest ? `${shq(bin)} ${rest}` : shq(bin);
    try {
      const r = (await withTimeout(change(ctx, 'reboot the host', cmd, { timeoutMs: 30_000, keepFailure: true }), 32_000)) as ExecResult;
      // a command that reports failure before the connection drops: the reboot did not start
      if (r.rc !== 0 && r.rc !== 255 && r.rc !== -1) {
        return failed(`Reboot command failed. Error was: '${r.stdout.trim()}${r.stderr.trim() ? `, ${r.stderr.trim()}` : ''}'`, { rebooted: false, elapsed: elapsed(), rc: r.rc });
      }
    } catch {
      // the connection went away with the host: expected
    }
    await ctx.reconnect?.().catch(() => undefined);
    if (a.post_reboot_delay > 0) await sleep(a.post_reboot_delay * 1000);

    const end = t0 + timeout * 1000;
    let last = '';
    let phase: 'boot' | 'test' = 'boot';
    for (;;) {
      const attempt = Date.now();
      try {
        if (phase === 'boot') {
          const r = await tryRun(ctx, a.boot_time_command, connectTimeout);
          if (r.rc === 0 && r.stdout.trim() !== '' && r.stdout.trim() !== bootId) phase = 'test';
          else last = r.rc === 0 ? 'boot time has not changed' : `rc=${r.rc} ${r.stderr.trim()}`;
        }
        if (phase === 'test') {
          const r = await tryRun(ctx, a.test_command, connectTimeout);
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
