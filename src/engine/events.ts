/**
 * The engine's typed events. The terminal views (listr2, plain lines) and `--output json` are
 * consumers; tests assert on events, not on terminal text. Results in events are already
 * censored for no_log tasks.
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
      /** verbose-only details may be dropped by views */
      noLog: boolean;
    }
  | { type: 'item_result'; task: string; id: number; host: string; status: HostStatus; label: string; result: ModuleResult }
  | { type: 'task_end'; task: string; id: number }
  | { type: 'warning'; msg: string; host?: string; pos?: Position }
  | { type: 'play_end'; play: string }
  | { type: 'recap'; stats: Record<string, HostStats>; durationMs: number; connections: number; execs: number; channels: number };

export type Emit = (e: EngineEvent) => void;

export function emptyStats(): HostStats {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}

export const CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result";
