/**
 * Progress of one running task: which hosts started it and when, which finished. It emits
 * `host_start` as a host begins the task and, every `intervalMs` while the task runs, a
 * `task_progress` naming the hosts still working (with how long each has been at it). The timer
 * never keeps the process alive.
 */
import type { Emit } from './events.js';

/** how often a running task reports the hosts still working, unless the run options say otherwise */
export const DEFAULT_PROGRESS_INTERVAL_MS = 10_000;

export class TaskProgress {
  private readonly started = Date.now();
  private readonly running = new Map<string, number>();
  private done = 0;
  private timer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly emit: Emit,
    private readonly task: { name: string; id: number; play: string },
    /** hosts the task will run on */
    private readonly total: number,
    intervalMs: number,
  ) {
    if (intervalMs > 0) {
      this.timer = setInterval(() => this.report(), intervalMs);
      this.timer.unref?.();
    }
  }

  /** A host begins the task (a fork picked it up). */
  hostStart(host: string): void {
    this.running.set(host, Date.now());
    this.emit({ type: 'host_start', task: this.task.name, id: this.task.id, host });
  }

  /** A host's result is in. */
  hostEnd(host: string): void {
    if (this.running.delete(host)) this.done++;
  }

  /** Stop reporting; returns how long the task ran. */
  stop(): number {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    return Date.now() - this.started;
  }

  private report(): void {
    const now = Date.now();
    this.emit({
      type: 'task_progress',
      task: this.task.name,
      id: this.task.id,
      play: this.task.play,
      elapsedMs: now - this.started,
      running: [...this.running].map(([host, since]) => ({ host, elapsedMs: now - since })),
      done: this.done,
      queued: Math.max(0, this.total - this.done - this.running.size),
    });
  }
}
