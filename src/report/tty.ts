/**
 * Live view on a TTY with listr2: each task is a list with one line per host that spins while the
 * host works (with how long it has been working, and the loop items it has done) and ends as
 * ✔ ok / changed, ↓ skipped or ✖ failed as soon as that host is done. While the task runs, its
 * title names the phase (the play) and counts the seconds and the hosts done; a finished task
 * collapses into one summary line. Play banners, diffs, warnings and the recap are printed between
 * tasks.
 */
import { Listr, type ListrTask } from 'listr2';
import type { EngineEvent, HostStatus } from '../engine/events.js';
import type { ModuleResult } from '../modules/types.js';
import { banner, customStatsLines, resultDiffText, failureDetail, interruptedLines, recapLines } from './format.js';
import { jsonText } from '../util/pyfloat.js';

interface HostDone {
  status: HostStatus;
  text: string;
  /** shown instead of the status (a host cut short by an interruption) */
  label?: string;
}

/** what the view knows of one task's hosts; times are when the view heard of them */
interface TaskState {
  title: string;
  play: string;
  hosts: string[];
  /** set when the task's list starts on the screen */
  shownAt?: number;
  parent?: { title: string };
  /** host lines on the screen still spinning */
  lines: Map<string, { title: string }>;
  waiting: Map<string, (r: HostDone) => void>;
  early: Map<string, HostDone>;
  started: Map<string, number>;
  items: Map<string, number>;
  /** retries left after the last failed `until`, per host */
  retries: Map<string, number>;
  counts: Record<string, number>;
}

/** how often the seconds on the screen are brought up to date */
const TICK_MS = 1000;

export function ttyView(write: (s: string) => void, opts: { verbosity: number; diff: boolean; showCustomStats?: boolean }) {
  let chain: Promise<void> = Promise.resolve();
  const tasks = new Map<number, TaskState>();
  let play = '';
  const queue = (fn: () => Promise<void> | void) => {
    chain = chain.then(fn, fn);
  };
  const secs = (since: number) => `${Math.floor((Date.now() - since) / 1000)}s`;

  const hostTitle = (st: TaskState, h: string): string => {
    const since = st.started.get(h);
    const n = st.items.get(h);
    const left = st.retries.get(h);
    return `${h} ${since === undefined ? '(waiting for a fork)' : secs(since)}${n ? ` · ${n} item${n > 1 ? 's' : ''} done` : ''}${left !== undefined ? ` · retrying (${left} left)` : ''}`;
  };

  /** bring the running task's title and its spinning host lines up to date */
  const refresh = (st: TaskState): void => {
    const done = st.early.size;
    // the collapsed line of a finished task keeps the task's own title
    if (st.parent && done >= st.hosts.length) st.parent.title = st.title;
    else if (st.parent) st.parent.title = `[${st.play}] ${st.title} ${secs(st.shownAt ?? Date.now())} · ${done}/${st.hosts.length} hosts done`;
    for (const [h, line] of st.lines) line.title = hostTitle(st, h);
  };

  const view = (e: EngineEvent): void => {
    switch (e.type) {
      case 'play_start':
        play = e.play;
        queue(() => write(`\n${banner(`PLAY [${e.play}]`)}\n`));
        break;
      case 'task_start': {
        const st: TaskState = {
          title: `${e.handler ? 'HANDLER' : 'TASK'} [${e.role ? e.role + ' : ' : ''}${e.task}]`,
          play,
          hosts: e.hosts,
          lines: new Map(),
          waiting: new Map(),
          early: new Map(),
          started: new Map(),
          items: new Map(),
          retries: new Map(),
          counts: {},
        };
        tasks.set(e.id, st);
        const hostTasks: ListrTask[] = e.hosts.map((h) => ({
          title: h,
          task: async (_c, task) => {
            st.lines.set(h, task);
            task.title = hostTitle(st, h);
            const r = st.early.get(h) ?? (await new Promise<HostDone>((resolve) => st.waiting.set(h, resolve)));
            st.lines.delete(h);
            task.title = `${h}: ${r.label ?? r.status}`;
            if (r.status === 'skipped') task.skip(`${h}: ${r.label ?? 'skipped'}`);
            if (r.status === 'failed' || r.status === 'unreachable') throw new Error(`${h}: ${r.status === 'unreachable' ? 'UNREACHABLE' : 'FAILED'}\n${r.text}`);
            if (r.status === 'ignored' && r.text) task.output = r.text;
          },
        }));
        const list = new Listr(
          [
            {
              title: st.title,
              task: (_c, task) => {
                st.parent = task;
                refresh(st);
                return task.newListr(hostTasks, { concurrent: true, exitOnError: false });
              },
            },
          ],
          { exitOnError: false, rendererOptions: { collapseSubtasks: true, collapseErrors: false }, registerSignalListeners: false },
        );
        // one list at a time on the screen: a task's list starts when the previous one is done
        queue(async () => {
          st.shownAt = Date.now();
          const tick = setInterval(() => refresh(st), TICK_MS);
          tick.unref?.();
          try {
            await list.run().catch(() => undefined);
          } finally {
            clearInterval(tick);
          }
          tasks.delete(e.id);
          const summary = Object.entries(st.counts).map(([k, v]) => `${k}=${v}`).join(' ');
          if (opts.verbosity > 0 && summary) write(`  ${summary}\n`);
        });
        break;
      }
      case 'host_start': {
        const st = tasks.get(e.id);
        if (!st) break;
        st.started.set(e.host, Date.now());
        const line = st.lines.get(e.host);
        if (line) line.title = hostTitle(st, e.host);
        break;
      }
      case 'item_result': {
        const st = tasks.get(e.id);
        if (st) st.items.set(e.host, (st.items.get(e.host) ?? 0) + 1);
        st?.retries.delete(e.host);
        break;
      }
      case 'included': {
        const st = tasks.get(e.id);
        if (st) for (const h of e.hosts) if (!st.early.has(h)) settle(st, h, { status: 'ok', text: '', label: `included ${e.file}` });
        break;
      }
      case 'retry': {
        const st = tasks.get(e.id);
        if (st) st.retries.set(e.host, e.left);
        break;
      }
      case 'task_end': {
        // hosts that got no result (e.g. a task that ended early) must not spin forever
        const st = tasks.get(e.id);
        if (!st) break;
        for (const h of st.hosts) if (!st.early.has(h)) settle(st, h, { status: 'skipped', text: '' });
        break;
      }
      case 'host_result': {
        const st = tasks.get(e.id);
        if (!st) break;
        st.counts[e.status] = (st.counts[e.status] ?? 0) + 1;
        let text = '';
        if (e.status === 'failed' || e.status === 'unreachable' || e.status === 'ignored') text = failureDetail(e.result);
        settle(st, e.host, { status: e.status, text });
        refresh(st);
        if ((opts.diff || e.diff) && !e.noLog) {
          const rs = e.result.results;
          const d = Array.isArray(rs) ? (rs as ModuleResult[]).map(resultDiffText).join('') : resultDiffText(e.result);
          if (d) queue(() => write(d));
        }
        if (e.action === 'debug' && e.status !== 'skipped') {
          const { changed: _c, ...rest } = e.result;
          queue(() => write(`  [${e.host}] ${jsonText(rest)}\n`));
        }
        break;
      }
      case 'warning':
        queue(() => write(`${e.deprecation ? '[DEPRECATION WARNING]' : '[WARNING]'}: ${e.msg}\n`));
        break;
      case 'interrupted': {
        // hosts still spinning in the current task's list stop spinning
        for (const st of tasks.values()) for (const h of st.hosts) if (!st.early.has(h)) settle(st, h, { status: 'skipped', text: '', label: 'interrupted' });
        queue(() => write('\n' + interruptedLines(e).join('\n') + '\n'));
        break;
      }
      case 'recap':
        queue(() => write('\n' + recapLines(e.stats).join('\n') + '\n'));
        if (opts.showCustomStats && e.custom) queue(() => write(customStatsLines(e.custom!).join('\n') + '\n'));
        break;
      default:
        break;
    }
  };
  return { view, done: () => chain };
}

/** A host's result is in: its line (now or when the list reaches the screen) ends with it. */
function settle(st: TaskState, host: string, r: HostDone): void {
  st.early.set(host, r);
  st.waiting.get(host)?.(r);
}
