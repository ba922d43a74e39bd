/**
 * The cluster benchmark's two contenders on one inventory, each measured as bench/measure.ts does:
 *   kbs apply INVENTORY --output json -f 50                       (the built CLI in dist/)
 *   kbs plan INVENTORY --output vars > plan.json                   (timed apart: "plan")
 *   ansible-playbook -i INVENTORY playbooks/cluster.yml -e @plan.json   (ANSIBLE_ROLES_PATH=roles)
 * and where a kbs apply spent its time, from its own task_start/task_end events.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { measure } from './measure.js';
import { KBS_BIN, ROOT, ansibleEnv, kbsEnv, kbsResult, parseAnsibleRecap, type RunResult } from './tools.js';

/** one timed phase of a kbs apply: a play, or a task (summed over its runs in a play) */
export interface Phase {
  name: string;
  seconds: number;
}

export interface Breakdown {
  /** seconds per play of playbooks/cluster.yml (tasks of a play run one after the other) */
  plays: Phase[];
  /** the slowest tasks, "play / task" */
  tasks: Phase[];
}

/**
 * kbs apply's phases from spawn: `beforeS` until the engine's first event (node start-up,
 * validation, the lock, reading the nodes, the plan), `engineS` the playbook, `afterS` from the
 * recap to exit (records, kubeconfig, the lock released)
 */
export interface ApplyPhases {
  beforeS: number;
  engineS: number;
  afterS: number;
}

export type ClusterRun = RunResult & { breakdown?: Breakdown; planS?: number; phases?: ApplyPhases };

const tail = (s: string) => s.slice(-4000);

/** per play and per task seconds from kbs's JSON events (task_end carries durationMs) */
export function breakdown(stdout: string, top = 8): Breakdown {
  const plays = new Map<string, number>();
  const tasks = new Map<string, number>();
  const names = new Map<number, string>();
  let play = '';
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{"type":"play_start"') && !line.startsWith('{"type":"task_')) continue;
    const e = JSON.parse(line) as { type: string; play?: string; task?: string; id?: number; role?: string; durationMs?: number };
    if (e.type === 'play_start') play = e.play ?? '';
    else if (e.type === 'task_start' && e.id !== undefined) names.set(e.id, `${play} / ${e.role ? `${e.role}: ` : ''}${e.task}`);
    else if (e.type === 'task_end' && e.id !== undefined && e.durationMs !== undefined) {
      const s = e.durationMs / 1000;
      plays.set(play, (plays.get(play) ?? 0) + s);
      const n = names.get(e.id) ?? `${play} / ${e.task}`;
      tasks.set(n, (tasks.get(n) ?? 0) + s);
    }
  }
  const list = (m: Map<string, number>) => [...m].map(([name, seconds]) => ({ name, seconds: Math.round(seconds * 1000) / 1000 }));
  return { plays: list(plays), tasks: list(tasks).sort((a, b) => b.seconds - a.seconds).slice(0, top) };
}

/** `env`: kbs's environment (kbsEnv: without NODE_EXTRA_CA_CERTS, unless another is given) */
export async function runKbsApply(inventory: string, env: NodeJS.ProcessEnv = kbsEnv()): Promise<ClusterRun> {
  let start: number | undefined;
  let recapAt: number | undefined;
  let partial = '';
  const onStdout = (chunk: string, ms: number) => {
    partial += chunk;
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) {
      if (start === undefined && l.startsWith('{"type":"playbook_start"')) start = ms;
      if (l.startsWith('{"type":"recap"')) recapAt = ms;
    }
  };
  const m = await measure(process.execPath, [KBS_BIN, 'apply', inventory, '--output', 'json', '-f', '50'], { env, timeoutMs: 1_800_000, cwd: dirname(inventory), onStdout });
  const s3 = (x: number) => Math.round(x) / 1000;
  const r: ClusterRun = {
    ...kbsResult(m),
    breakdown: breakdown(m.stdout),
    phases: start !== undefined && recapAt !== undefined ? { beforeS: s3(start), engineS: s3(recapAt - start), afterS: s3(m.wallMs - recapAt) } : undefined,
  };
  if (m.code !== 0 || !r.kbs) r.error = tail(m.stdout + '\n' + m.stderr);
  return r;
}

/**
 * kbs plan --output vars (timed alone, its seconds in planS), then ansible-playbook with it. `work`
 * holds Ansible's temp, home and fact cache; `controlDir` its ssh ControlPersist sockets (one
 * folder per fleet: a re-booted fleet may reuse the addresses of a gone one).
 */
export async function runAnsibleCluster(inventory: string, forks: number, work: string, controlDir: string): Promise<ClusterRun> {
  mkdirSync(join(work, 'ansible-tmp'), { recursive: true });
  const plan = await measure(process.execPath, [KBS_BIN, 'plan', inventory, '--output', 'vars'], { env: kbsEnv(), timeoutMs: 600_000, cwd: dirname(inventory) });
  const planS = Math.round(plan.wallMs) / 1000;
  if (plan.code !== 0) {
    return { tool: 'ansible', code: plan.code, wallMs: 0, peakRssMiB: 0, cpuS: 0, machineCpuS: 0, recap: {}, planS, error: `kbs plan failed:\n${tail(plan.stdout + '\n' + plan.stderr)}` };
  }
  const planFile = join(dirname(inventory), 'plan.json');
  writeFileSync(planFile, plan.stdout);
  const env = { ...kbsEnv(), ...ansibleEnv(work, forks), ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir, ANSIBLE_ROLES_PATH: join(ROOT, 'roles') };
  const m = await measure('ansible-playbook', ['-i', inventory, join(ROOT, 'playbooks/cluster.yml'), '-e', `@${planFile}`, '-f', String(forks)], { env, timeoutMs: 1_800_000 });
  const r: ClusterRun = { tool: 'ansible', code: m.code, wallMs: m.wallMs, peakRssMiB: m.peakRssMiB, cpuS: m.cpuS, machineCpuS: m.machineCpuS, recap: parseAnsibleRecap(m.stdout), planS };
  if (m.code !== 0) r.error = tail(m.stdout + '\n' + m.stderr);
  return r;
}
