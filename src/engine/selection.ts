/**
 * Before any host is contacted: does the run select anything? `--limit` must match a host, some
 * play must match a host, `--start-at-task` must name a task. Valid input that selects nothing is
 * a NO_MATCH error (exit 6) saying what matched nothing, so that a typo does not end as a
 * successful run that did nothing (Ansible only warns).
 */
import { KbsError, didYouMean } from '../errors.js';
import { resolvePattern } from '../inventory/pattern.js';
import type { Inventory } from '../inventory/types.js';
import type { Node, Playbook } from '../load/model.js';
import type { Templater } from '../template/types.js';
import { fnmatch } from '../util/glob.js';
import type { RunOptions } from './options.js';

/** `--start-at-task` matching, as Ansible's: the name itself, or fnmatch's glob (* ? [...]). */
export function matchName(pattern: string, name: string): boolean {
  return pattern === name || fnmatch(name, pattern);
}

export function checkSelection(pb: Playbook, inv: Inventory, opts: RunOptions, templater: Templater): void {
  const names = [...inv.hosts.keys()];
  let limited: Set<string> | undefined;
  if (opts.limit !== undefined) {
    limited = new Set(resolvePattern(inv, opts.limit).hosts);
    if (limited.size === 0) {
      const guess = didYouMean(opts.limit, [...names, ...inv.groups.keys()]);
      throw new KbsError('NO_MATCH', `--limit "${opts.limit}" matched no host`, {
        hint: guess ? `did you mean ${guess}?` : names.length ? `the inventory's hosts: ${sample(names)}` : 'the inventory has no hosts',
      });
    }
  }
  checkPlays(pb, inv, opts, templater, limited);
  if (opts.startAtTask !== undefined) checkStartAt(pb, opts.startAtTask);
}

function checkPlays(pb: Playbook, inv: Inventory, opts: RunOptions, templater: Templater, limited?: Set<string>): void {
  const patterns: string[] = [];
  for (const play of pb.plays) {
    let pattern: string;
    try {
      pattern = String(templater.render(play.hosts, { ...opts.extraVars }, { pos: play.pos }));
    } catch {
      return; // a pattern that needs run-time variables: the engine decides
    }
    const hosts = resolvePattern(inv, pattern).hosts.filter((h) => !limited || limited.has(h));
    if (hosts.length > 0) return;
    patterns.push(pattern);
  }
  if (pb.plays.length === 0) return;
  const noHosts = inv.hosts.size === 0;
  throw new KbsError('NO_MATCH', `no play matched a host: ${patterns.map((p) => `"${p}"`).join(', ')}${limited ? ` with --limit "${opts.limit}"` : ''}`, {
    pos: pb.plays[0].pos,
    hint: noHosts
      ? `the inventory (${inv.sources.join(', ') || 'none'}) has no hosts`
      : `the inventory's hosts: ${sample([...inv.hosts.keys()])}; groups: ${sample([...inv.groups.keys()])}`,
  });
}

function checkStartAt(pb: Playbook, wanted: string): void {
  const names: string[] = [];
  let dynamic = false;
  const walk = (nodes: Node[]) => {
    for (const n of nodes) {
      if (n.kind === 'block') walk([...n.block, ...n.rescue, ...n.always]);
      else if (n.kind === 'task') names.push(n.kw.name ?? n.action ?? n.module);
      else dynamic = true;
      if (n.kw.name !== undefined && /\{\{|\{%/.test(n.kw.name)) dynamic = true;
    }
  };
  for (const p of pb.plays) walk([...p.preTasks, ...p.roles, ...p.tasks, ...p.postTasks]);
  if (names.some((n) => matchName(wanted, n))) return;
  if (dynamic) return; // included tasks are known at run time only: the engine reports it then
  throw startAtError(wanted, names);
}

/** the error for a --start-at-task that named no task (also raised by the engine after a run) */
export function startAtError(wanted: string, names: string[] = []): KbsError {
  const guess = didYouMean(wanted, names);
  return new KbsError('NO_MATCH', `--start-at-task "${wanted}" names no task of the playbook`, {
    hint: guess ? `did you mean "${guess}"?` : 'task names are matched exactly or as a glob (* ? [...]); see --list-tasks',
  });
}

function sample(xs: string[]): string {
  return xs.length > 10 ? `${xs.slice(0, 10).join(', ')} and ${xs.length - 10} more` : xs.join(', ');
}
