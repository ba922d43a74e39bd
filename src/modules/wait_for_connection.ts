/**
 * ansible.builtin.wait_for_connection: retry a trivial command on the host until it answers.
 * Between attempts the connection is dropped (ctx.reconnect) so that a rebooted host is dialed
 * again instead of staying unreachable for the run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { withTimeout } from '../util/timeout.js';
import type { ModuleDef } from './types.js';
import { declareArgs } from './util/declare.js';
import { secondsArg } from './util/seconds.js';

const args = declareArgs({ timeout: secondsArg(600), delay: secondsArg(0), sleep: secondsArg(1), connect_timeout: secondsArg(5) });

export const wait_for_connection: ModuleDef = {
  name: 'wait_for_connection',
  noCheckMode: true,
  schema: args.schema,
  async run(given, ctx) {
    const { timeout, delay, ...a } = args.read(given);
    const pause = Math.max(0.1, a.sleep);
    const connectTimeout = Math.max(1, a.connect_timeout);
    const t0 = Date.now();
    if (delay > 0) await sleep(delay * 1000);
    const end = Date.now() + timeout * 1000;
    let last = '';
    for (;;) {
      const attempt = Date.now();
      try {
        const r = await withTimeout(ctx.run('echo kbs-pong', { timeoutMs: connectTimeout * 1000 }), connectTimeout * 1000 + 2000);
        if (r.rc === 0 && r.stdout.includes('kbs-pong')) {
          return { changed: false, elapsed: Math.round((Date.now() - t0) / 1000) };
        }
        last = (r.stderr || `rc=${r.rc}`).trim().split('\n').pop() ?? '';
      } catch (e) {
        last = e instanceof Error ? e.message : String(e);
      }
      if (Date.now() >= end) break;
      // the connection may be dead (reboot): dial again next time
      await ctx.reconnect?.().catch(() => undefined);
      const wait = Math.max(0, Math.min(pause * 1000 - (Date.now() - attempt), end - Date.now()));
      await sleep(wait);
    }
    return {
      changed: false,
      failed: true,
      elapsed: Math.round((Date.now() - t0) / 1000),
      msg: `timed out waiting for ping module test: ${last}`,
    };
  },
};
