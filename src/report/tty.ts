/**
 * Live view on a TTY with listr2: each task is a list with one line per host that spins while the
 * host works and ends as ✔ ok / changed, ↓ skipped or ✖ failed; a finished task collapses into
 * one summary line. Play banners, diffs, warnings and the recap are printed between tasks.
 */
import { Listr, type ListrTask } from 'listr2';
import type { EngineEvent, HostStatus } from '../engine/events.js';
import { banner, diffText, failureDetail, recapLines } from './format.js';

interface Pending {
  resolve: (r: { status: HostStatus; text: string }) => void;
}

export function ttyView(write: (s: string) => void, opts: { verbosity: number; diff: boolean }) {
  let chain: Promise<void> = Promise.resolve();
  /** per task id: hosts waiting for their result, and results that came before the host's line started */
  const tasks = new Map<number, { waiting: Map<string, Pending>; early: Map<string, { status: HostStatus; text: string }>; counts: Record<string, number> }>();
  const queue = (fn: () => Promise<void> | void) => {
    chain = chain.then(fn, fn);
  };

  const view = (e: EngineEvent): void => {
    switch (e.type) {
      case 'play_start':
        queue(() => write(`\n${banner(`PLAY [${e.play}]`)}\n`));
        break;
      case 'task_start': {
        const state = { waiting: new Map<string, Pending>(), early: new Map<string, { status: HostStatus; text: string }>(), counts: {} as Record<string, number> };
        tasks.set(e.id, state);
        const title = `${e.handler ? 'HANDLER' : 'TASK'} [${e.role ? e.role + ' : ' : ''}${e.task}]`;
        const myCounts = state.counts;
        const hostTasks: ListrTask[] = e.hosts.map((h) => ({
          title: h,
          task: async (_c, task) => {
            const r = state.early.get(h) ?? (await new Promise<{ status: HostStatus; text: string }>((resolve) => state.waiting.set(h, { resolve })));
            task.title = `${h}: ${r.status}`;
            if (r.status === 'skipped') task.skip(`${h}: skipped`);
            if (r.status === 'failed' || r.status === 'unreachable') throw new Error(`${h}: ${r.status === 'unreachable' ? 'UNREACHABLE' : 'FAILED'}\n${r.text}`);
            if (r.status === 'ignored' && r.text) task.output = r.text;
          },
        }));
        const list = new Listr(
          [
            {
              title,
              task: (_c, task) => task.newListr(hostTasks, { concurrent: true, exitOnError: false }),
            },
          ],
          { exitOnError: false, rendererOptions: { collapseSubtasks: true, collapseErrors: false }, registerSignalListeners: false },
        );
        // one list at a time on the screen: a task's list starts when the previous one is done
        queue(async () => {
          await list.run().catch(() => undefined);
          tasks.delete(e.id);
          const summary = Object.entries(myCounts).map(([k, v]) => `${k}=${v}`).join(' ');
          if (opts.verbosity > 0 && summary) write(`  ${summary}\n`);
        });
        break;
      }
      case 'task_end': {
        // hosts that got no result (e.g. a task that ended early) must not spin forever
        const st = tasks.get(e.id);
        if (st) for (const [h, p] of st.waiting) if (!st.early.has(h)) p.resolve({ status: 'skipped', text: '' });
        break;
      }
      case 'host_result': {
        const st = tasks.get(e.id);
        if (!st) break;
        st.counts[e.status] = (st.counts[e.status] ?? 0) + 1;
        let text = '';
        if (e.status === 'failed' || e.status === 'unreachable' || e.status === 'ignored') text = failureDetail(e.result);
        const r = { status: e.status, text };
        st.early.set(e.host, r);
        st.waiting.get(e.host)?.resolve(r);
        if (opts.diff && !e.noLog) {
          const d = diffText(e.result);
          if (d) queue(() => write(d + '\n'));
        }
        if (e.action === 'debug' && e.status !== 'skipped') {
          const { changed: _c, ...rest } = e.result;
          queue(() => write(`  [${e.host}] ${JSON.stringify(rest)}\n`));
        }
        break;
      }
      case 'warning':
        queue(() => write(`[WARNING]: ${e.msg}\n`));
        break;
      case 'recap':
        queue(() => write('\n' + recapLines(e.stats).join('\n') + '\n'));
        break;
      default:
        break;
    }
  };
  return { view, done: () => chain };
}
