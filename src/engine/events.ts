/**
 * The engine's typed events. The terminal views (listr2, plain lines) and `--output json` are
 * consumers; tests assert on events, not on terminal text. Results in events are already
 * censored for no_log tasks.
 *
 * Order: a task's `task_start` comes before anything of that task; each host's `host_start`, then
 * its `item_result`s (one per loop item, as the item finishes), then its `host_result` (as soon
 * as that host is done, whatever the other hosts are doing); `task_progress` while hosts are still
 * working; `task_end` after every host result of the task. Hosts of one task interleave.
 */
import type { Position } from '../errors.js';
import type { ModuleResult } from '../modules/types.js';

export type HostStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable' | 'ignored';

export interface HostStats {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

export type EngineEvent =
  | { type: 'playbook_start'; file: string; check: boolean }
  | { type: 'play_start'; play: string; hosts: string[]; pos: Position }
  | { type: 'batch_start'; play: string; hosts: string[]; index: number; of: number }
  | { type: 'task_start'; task: string; id: number; pos: Position; role?: string; handler: boolean; hosts: string[] }
  /** a host begins the task (when a fork picks it up; a host may wait for one with --forks) */
  | { type: 'host_start'; task: string; id: number; host: string }
  | {
      type: 'host_result';
      task: string;
      id: number;
      host: string;
      status: HostStatus;
      result: ModuleResult;
      /** module name */
      action: string;
      delegatedTo?: string;
      /** the delegate's address when it is not the delegate's name */
      delegateAddress?: string;
      /** verbose-only details may be dropped by views */
      noLog: boolean;
      /** the task's diff keyword turned diff mode on: show its diff as with --diff */
      diff?: true;
    }
  /** an explicit meta task ran for these hosts (its when false on `skipped`); it has no task_start */
  | { type: 'meta'; task: string; id: number; action: string; role?: string; handler: boolean; hosts: string[]; skipped: string[] }
  | { type: 'item_result'; task: string; id: number; host: string; status: HostStatus; label: string; result: ModuleResult; action?: string; delegatedTo?: string; delegateAddress?: string; noLog?: boolean; diff?: boolean }
  /**
   * every few seconds while a task runs: the hosts still working and for how long, the number
   * of hosts done and of hosts waiting for a fork
   */
  | {
      type: 'task_progress';
      task: string;
      id: number;
      play: string;
      elapsedMs: number;
      running: { host: string; elapsedMs: number }[];
      done: number;
      queued: number;
    }
  /** a dynamic include_tasks loaded FILE for HOSTS (with a loop: one per item, LABEL), Ansible's "included:" line */
  | { type: 'included'; task: string; id: number; file: string; hosts: string[]; label?: string }
  /** an `until` that does not hold yet: the task runs again (LEFT more attempts), Ansible's "FAILED - RETRYING" */
  | { type: 'retry'; task: string; id: number; host: string; attempts: number; left: number }
  | { type: 'task_end'; task: string; id: number; durationMs?: number }
  | { type: 'warning'; msg: string; host?: string; pos?: Position; /** a module's deprecation (shown as [DEPRECATION WARNING]) */ deprecation?: boolean }
  | { type: 'play_end'; play: string }
  | {
      /**
       * The run was interrupted (SIGINT/SIGTERM): no task started after it. RUNNING: what was
       * under way on which hosts (their results are not counted); STOPPED: remote process groups
       * signalled; FORCED: something outlived the grace period and got SIGKILL.
       */
      type: 'interrupted';
      signal: string;
      running: { task: string; id: number; hosts: string[] }[];
      stopped: number;
      forced: boolean;
    }
  | {
      type: 'recap';
      stats: Record<string, HostStats>;
      durationMs: number;
      connections: number;
      execs: number;
      channels: number;
      /** set_stats data: per host, and for the whole run under '_run' (only when a task set some) */
      custom?: Record<string, Record<string, unknown>>;
    };

export type Emit = (e: EngineEvent) => void;

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

export const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
