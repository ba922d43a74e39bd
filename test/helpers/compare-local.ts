/**
 * Compact comparisons with ansible-playbook on the workstation itself (connection local): the
 * same playbook runs under Ansible (its json callback) and under kbs (JSON events); each task's
 * `msg` per host (per item for loops) and status come back in one shape to compare.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ansiblePlaybook } from './ansible.js';
import { kbs } from './kbs.js';

/** task name -> host -> what the task showed: its msg (a list of msgs for a loop), or its status */
export type Shown = Record<string, Record<string, unknown>>;

export interface Compared {
  ansible: Shown;
  kbs: Shown;
  ansibleCode: number;
  kbsCode: number;
  ansibleOut: string;
  kbsOut: string;
}

type R = Record<string, unknown>;

function shownOf(r: R, status?: string): unknown {
  if (Array.isArray(r.results)) return (r.results as R[]).map((x) => shownOf(x));
  if (r.skipped === true || status === 'skipped') return 'SKIPPED';
  if (r.failed === true && r.msg === undefined) return 'FAILED';
  if (r.msg !== undefined) return r.msg;
  return r.failed ? 'FAILED' : r.changed ? 'CHANGED' : 'OK';
}

/** write `files` (path -> text) under dir */
export function writeTree(dir: string, files: Record<string, string>): void {
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, p)), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
}

/**
 * Run `playbook` (a file in dir) with inventory `inv` (a file in dir, or a comma list) under both.
 * Give every task a unique name. `perTool` adds arguments for one tool only ('a' Ansible, 'k' kbs),
 * e.g. a folder of its own to write in.
 */
export async function compareLocal(dir: string, playbook: string, inv: string, extra: string[] = [], o: { perTool?: (tool: 'a' | 'k') => string[] } = {}): Promise<Compared> {
  const invArg = inv.includes(',') ? inv : join(dir, inv);
  const a = await ansiblePlaybook(['-i', invArg, join(dir, playbook), ...extra, ...(o.perTool?.('a') ?? [])], dir, { ANSIBLE_STDOUT_CALLBACK: 'json' });
  const ansible: Shown = {};
  const start = a.out.indexOf('{\n');
  if (start >= 0) {
    const doc = JSON.parse(a.out.slice(start, a.out.lastIndexOf('}') + 1)) as { plays: { tasks: { task: { name: string }; hosts: Record<string, R> }[] }[] };
    for (const p of doc.plays) {
      for (const t of p.tasks) {
        if (!t.task.name) continue;
        for (const [h, r] of Object.entries(t.hosts)) (ansible[t.task.name] ??= {})[h] = shownOf(r);
      }
    }
  }
  const k = await kbs(['run', join(dir, playbook), '-i', invArg, ...extra, ...(o.perTool?.('k') ?? [])]);
  const shown: Shown = {};
  for (const e of k.events) {
    if (e.type !== 'host_result' || !e.task) continue;
    (shown[e.task] ??= {})[e.host] = shownOf(e.result as R, e.status);
  }
  return { ansible, kbs: shown, ansibleCode: a.code, kbsCode: k.code, ansibleOut: a.out, kbsOut: k.stdout + k.stderr };
}
