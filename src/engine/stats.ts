/**
 * Counting for the recap, as Ansible's AggregateStats: a host's outcome of one task marks the
 * host (failed, unreachable, refused) and adds to its ok/changed/failed/skipped/rescued/ignored/
 * unreachable counts. A failure inside a block with a rescue counts as rescued, and the rescue
 * sees ansible_failed_task / ansible_failed_result. And set_stats' aggregation of custom stats.
 */
import type { HostOutcome, TaskRun } from './task.js';
import type { HostState } from './state.js';
import type { Vars } from '../load/model.js';

export function countOutcome(s: HostState, t: TaskRun, out: HostOutcome): void {
  switch (out.status) {
    case 'unreachable':
      s.unreachable = true;
      if (out.result.host_key_refused) s.refused = true;
      s.stats.unreachable++;
      break;
    case 'failed':
      s.failed = true;
      if (t.inh.rescuable === true) {
        s.stats.rescued++;
        // the task as Ansible serialises it: its own name ('' for a task without one), its action
        s.setFacts.ansible_failed_task = { name: t.task.kw.name ?? '', action: t.task.action ?? t.task.module };
        s.setFacts.ansible_failed_result = out.result;
      } else s.stats.failed++;
      break;
    case 'ignored':
      s.stats.ok++;
      s.stats.ignored++;
      if (out.result.changed) s.stats.changed++;
      break;
    case 'skipped':
      s.stats.skipped++;
      break;
    case 'changed':
      s.stats.ok++;
      s.stats.changed++;
      break;
    default:
      s.stats.ok++;
  }
}

/** Ansible's update_custom_stats: values of another type are left as they were */
export function aggregateStat(old: unknown, v: unknown): unknown {
  const kind = (x: unknown) => (Array.isArray(x) ? 'list' : x === null ? 'null' : typeof x);
  if (kind(old) !== kind(v)) return old;
  if (Array.isArray(old)) return [...old, ...(v as unknown[])];
  if (typeof old === 'number') return old + (v as number);
  if (typeof old === 'string') return old + (v as string);
  if (old && typeof old === 'object') return mergeHash(old as Vars, v as Vars);
  return v;
}

function mergeHash(a: Vars, b: Vars): Vars {
  const out: Vars = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const o = out[k];
    out[k] = o && v && typeof o === 'object' && typeof v === 'object' && !Array.isArray(o) && !Array.isArray(v) ? mergeHash(o as Vars, v as Vars) : v;
  }
  return out;
}
