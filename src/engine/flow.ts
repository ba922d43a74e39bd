/**
 * The flow modules' side of the engine, as Ansible's strategy handles their results:
 * - include_vars: the result's ansible_facts become the host's include_vars layer (above task
 *   vars, below set_fact; docs/variables.md), for every host of the batch under run_once, for the
 *   delegate with delegate_facts;
 * - set_stats: custom stats per host (or for the run), aggregated or replaced;
 * - group_by / add_host change the inventory while they run (makeFlow); later tasks see the new
 *   `groups`, later plays' `hosts:` patterns match the new groups and hosts.
 */
import { dirname } from 'node:path';
import { addDynamicGroup, addDynamicHost } from '../inventory/dynamic.js';
import type { TaskNode, Vars } from '../load/model.js';
import type { FlowContext, ModuleResult } from '../modules/types.js';
import type { RunContext } from './context.js';
import type { HostOutcome, TaskRun } from './task.js';

/** Ansible's Task.get_search_path: the task's role and the roles it comes from, then the task file's folder */
export function taskSearchPath(task: TaskNode): string[] {
  const role = task.role;
  const taskDir = dirname(task.pos.file);
  // the dependency chain: the role, then the roles that depend on, import or include it
  const searchPath: string[] = [];
  for (let r = role; r; r = r.parent) if (!searchPath.includes(r.path)) searchPath.push(r.path);
  if (!searchPath.includes(taskDir)) searchPath.push(taskDir);
  return searchPath;
}

/** What include_vars, group_by and add_host need from the run, for one task on one host. */
export function makeFlow(ctx: RunContext, task: TaskNode, host: string): FlowContext {
  const role = task.role;
  const taskDir = dirname(task.pos.file);
  const searchPath = taskSearchPath(task);
  return {
    searchPath,
    taskDir,
    playbookDir: ctx.playbookDir,
    rolePath: role?.path,
    addHost(name, groups, vars) {
      ctx.host(name);
      const changed = addDynamicHost(ctx.inv, name, groups, vars);
      // as Ansible's strategy: a host added (a change) joins ansible_play_hosts_all
      if (changed && !ctx.playHostsAll.includes(name)) ctx.playHostsAll.push(name);
      ctx.invalidate();
      return changed;
    },
    groupBy(group, parents) {
      const changed = addDynamicGroup(ctx.inv, host, group, parents);
      ctx.invalidate();
      return changed;
    },
  };
}

/**
 * After a task succeeded on a host (ok or changed): what its include_vars and set_stats results
 * do to the run.
 */
export function flowEffects(ctx: RunContext, t: TaskRun, host: string, out: HostOutcome): void {
  const mod = t.task.module;
  if (mod !== 'include_vars' && mod !== 'set_stats') return;
  if (out.status !== 'ok' && out.status !== 'changed') return;
  const df = t.task.kw.delegate_facts ?? t.inh.delegateFacts;
  const delegateFacts = out.delegatedTo !== undefined && df !== undefined && ctx.templater.condition(df, ctx.taskVars(host, t.task.role, t.inh, t.task.kw));
  const items: ModuleResult[] = Array.isArray(out.result.results) ? (out.result.results as ModuleResult[]) : [out.result];
  const batch = ctx.batchHosts.filter((h) => !ctx.host(h).unreachable);
  const targets = delegateFacts && out.delegatedTo ? [out.delegatedTo] : t.runOnce ? batch : [host];
  for (const r of items) {
    if (mod === 'include_vars' && isMap(r.ansible_facts)) {
      for (const h of targets) Object.assign(ctx.host(h).includeVars, r.ansible_facts);
      ctx.invalidate();
    } else if (mod === 'set_stats' && isMap(r.ansible_stats) && isMap(r.ansible_stats.data) && Object.keys(r.ansible_stats.data).length) {
      const s = r.ansible_stats;
      const owners = s.per_host === false ? ['_run'] : t.runOnce ? batch : [host];
      for (const o of owners) for (const [k, v] of Object.entries(s.data as Vars)) ctx.setCustomStat(o, k, v, s.aggregate !== false);
    }
  }
}

function isMap(v: unknown): v is Vars {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
