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
  let hosts = new Map<string, Pending>();
  const early = new Map<string, { status: HostStatus; text: string }>();
  const counts: Record<string, number> = {};
  const queue = (fn: () => Promise<void> | void) => {
    chain = chain.then(fn, fn);
  };

  const view = (e: EngineEvent): void => {
    switch (e.type) {
      case 'play_start':
        queue(() => write(`\n${banner(`PLAY [${e.play}]`)}\n`));
        break;
      case 'task_start': {
        hosts = new Map();
        early.clear();
        for (const k of Object.keys(counts)) delete counts[k];
        const title = `${e.handler ? 'HANDLER' : 'TASK'} [${e.role ? e.role + ' : ' : ''}${e.task}]`;
        const myHosts = hosts;
        const myCounts = counts;
        const tasks: ListrTask[] = e.hosts.map((h) => ({
          title: h,
          task: async (_c, task) => {
            const r = early.get(h) ?? (await new Promise<{ status: HostStatus; text: string }>((resolve) => myHosts.set(h, { resolve })));
            task.title = `${h}: ${r.status}${r.text ? ' ' + r.text : ''}`;
            if (r.status === 'skipped') task.skip(`${h}: skipped`);
            if (r.status === 'failed' || r.status === 'unreachable') throw new Error(`${h}: ${r.status}\n${r.text}`);
          },
        }));
        const list = new Listr(
          [
            {
              title,
              task: (_c, task) => task.newListr(tasks, { concurrent: true, exitOnError: false }),
            },
          ],
          { exitOnError: false, rendererOptions: { collapseSubtasks: true, collapseErrors: false }, registerSignalListeners: false },
        );
        const running = list.run().catch(() => undefined);
        queue(async () => {
          await running;
          const summary = Object.entries(myCounts).map(([k, v]) => `${k}=${v}`).join(' ');
          if (opts.verbosity > 0 && summary) write(`  ${summary}\n`);
        });
        break;
      }
      case 'host_result': {
        counts[e.status] = (counts[e.status] ?? 0) + 1;
        let text = '';
        if (e.status === 'failed' || e.status === 'unreachable' || e.status === 'ignored') text = failureDetail(e.result);
        const r = { status: e.status, text };
        const p = hosts.get(e.host);
        if (p) p.resolve(r);
        else early.set(e.host, r);
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
