/**
 * npm run bench:cluster [-- --smoke] [--runs N] [--layouts 3,10,10ha] [--id PREFIX] [--out DIR]
 *                        [--keep] [--no-build]
 *
 * `kbs apply` against ansible-playbook running the same roles (playbooks/cluster.yml) with the same
 * plan (`kbs plan --output vars`), side by side: for every run of every layout, two fresh fleets
 * are booted (PREFIX-a for Ansible, PREFIX-k for kbs), then Ansible's first run, kbs's first run,
 * Ansible's no-op re-run, kbs's no-op re-run (A B A B). After each first run the cluster is checked
 * (every node Ready). Layouts: N = 1 control plane + N-1 workers; NhA = 3 control planes behind
 * haproxy on one machine + N-4 workers. Results: OUT/cluster.json and OUT/cluster.md. See
 * docs/benchmarks.md.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { KbsError, exitCodeFor } from '../src/errors.js';
import { down, inventoryYaml, ssh, up, type FleetInfo } from '../test/fleet/index.js';
import { writeFileAtomic } from '../test/fleet/state.js';
import { runAnsibleCluster, runKbsApply, type ClusterRun } from './cluster-tools.js';
import { renderClusterMarkdown, summarizeCluster, type ClusterCell, type ClusterSummary } from './cluster-report.js';
import { buildKbs, ensureAnsible, machineInfo, type MachineInfo } from './setup.js';
import { ROOT, ansibleEnv, versions } from './tools.js';

export interface Layout {
  name: string;
  controlPlanes: number;
  workers: number;
  loadbalancer: boolean;
  machines: number;
}

export interface ClusterFlags {
  smoke: boolean;
  runs: number;
  layouts: Layout[];
  id: string;
  out: string;
  keep: boolean;
  build: boolean;
}

export interface ClusterResults {
  started: string;
  finished: string;
  mode: 'smoke' | 'full';
  machine: MachineInfo & { loadavgEnd: string };
  versions: { node: string; ansible: string };
  fleets: { id: string; layout: string; run: number; machines: number; bootS: number }[];
  settings: { ansible: Record<string, string>; kbs: string; plan: string; kubernetes_version: string; nodeExtraCaCerts?: string | null };
  cells: ClusterSummary[];
  /** every run, without the recaps */
  raw: { layout: string; scenario: string; hosts: number; runs: (Omit<ClusterRun, 'recap'> & { changed: number; env?: string })[] }[];
}

/** "3" → 1 control plane + 2 workers; "10ha" → 3 control planes + haproxy + 6 workers */
export function parseLayout(s: string): Layout {
  const m = /^(\d+)(ha)?$/.exec(s.trim());
  const n = m ? Number(m[1]) : NaN;
  if (!m || n < 2 || n > 30 || (m[2] && n < 5)) throw new KbsError('USAGE', `--layouts: "${s}" is not a layout`, { hint: 'N (1 control plane + N-1 workers, N 2..30) or Nha (3 control planes + a load balancer + N-4 workers, N 5..30)' });
  return m[2] ? { name: `${n}ha`, controlPlanes: 3, workers: n - 4, loadbalancer: true, machines: n } : { name: String(n), controlPlanes: 1, workers: n - 1, loadbalancer: false, machines: n };
}

export function parseClusterFlags(argv: string[]): ClusterFlags {
  const f: ClusterFlags = { smoke: false, runs: 2, layouts: [], id: 'benchc', out: join(ROOT, 'bench/results'), keep: false, build: true };
  let runsGiven = false;
  let layouts: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      const v = argv[++i];
      if (v === undefined) throw new KbsError('USAGE', `${a} needs a value`);
      return v;
    };
    if (a === '--smoke') f.smoke = true;
    else if (a === '--keep') f.keep = true;
    else if (a === '--no-build') f.build = false;
    else if (a === '--runs') (f.runs = Number(val())), (runsGiven = true);
    else if (a === '--layouts') layouts = val();
    else if (a === '--id') f.id = val();
    else if (a === '--out') f.out = resolve(val());
    else throw new KbsError('USAGE', `unknown flag "${a}"`, { hint: 'see the header of bench/cluster.ts' });
  }
  if (f.smoke && !runsGiven) f.runs = 1;
  f.layouts = (layouts ?? (f.smoke ? '2' : '3,10')).split(',').map(parseLayout);
  if (!Number.isInteger(f.runs) || f.runs < 1) throw new KbsError('USAGE', '--runs must be a positive integer');
  // fleet ids: PREFIX-a and PREFIX-k (test/fleet allows 31 characters)
  if (!/^[a-z][a-z0-9-]{0,28}$/.test(f.id) || f.id.endsWith('-')) throw new KbsError('USAGE', `--id "${f.id}": lowercase letters, digits and -, at most 29 characters`);
  return f;
}

const log = (m: string) => process.stderr.write(`bench:cluster: ${m}\n`);
const secs = (r: ClusterRun) => `${(r.wallMs / 1000).toFixed(1)}s${r.code ? ` (exit ${r.code})` : ''}${r.planS !== undefined ? ` (+ plan ${r.planS.toFixed(1)}s)` : ''}`;

/**
 * The pod network: scripts/demo-cni.yaml, a DaemonSet that installs a CNI configuration on every
 * node (as flannel's install-cni does); the simulated kubelet turns Ready once it is there.
 */
const CNI_MANIFEST = join(ROOT, 'scripts/demo-cni.yaml');

/** the layout's inventory for a fleet, in its own folder (its .kbs/ is per cluster) */
export function clusterInventory(info: FleetInfo, layout: Layout, dir: string, cniManifest: string): string {
  const names = info.machines.map((m) => m.name);
  const cps = names.slice(0, layout.controlPlanes);
  const lb = layout.loadbalancer ? names.slice(layout.controlPlanes, layout.controlPlanes + 1) : [];
  const workers = names.slice(layout.controlPlanes + lb.length, layout.machines);
  const groups: Record<string, string[]> = { control_plane: cps, workers };
  if (lb.length) groups.loadbalancer = lb;
  const inv = parse(inventoryYaml(info, groups)) as { all: { vars: Record<string, unknown> } };
  inv.all.vars.cni_manifest = cniManifest;
  if (lb.length) inv.all.vars.control_plane_endpoint = `${info.machines.find((m) => m.name === lb[0])!.ip}:6443`;
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'inventory.yml');
  writeFileAtomic(path, stringify(inv, { lineWidth: 0 }));
  return path;
}

/** Ready nodes / nodes of the cluster, asked on its first control plane (untimed) */
async function readiness(fleet: string, cp: string): Promise<{ ready: number; nodes: number }> {
  const r = await ssh(cp, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o json', { id: fleet, timeoutSec: 60 });
  if (r.rc !== 0) return { ready: 0, nodes: 0 };
  const items = (JSON.parse(r.stdout) as { items: { status: { conditions: { type: string; status: string }[] } }[] }).items;
  return { ready: items.filter((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')).length, nodes: items.length };
}

export async function clusterBench(f: ClusterFlags): Promise<ClusterResults> {
  const started = new Date().toISOString();
  const machine = machineInfo();
  ensureAnsible(log);
  if (f.build) buildKbs(log);
  // Ansible's apt module needs python3-apt on the hosts: put it in the fleets' apt repository
  const extra = (process.env.KBS_FLEET_EXTRA_PACKAGES ?? '').split(/[\s,]+/).filter(Boolean);
  if (!extra.includes('python3-apt')) process.env.KBS_FLEET_EXTRA_PACKAGES = [...extra, 'python3-apt'].join(' ');
  const work = mkdtempSync(join(tmpdir(), 'kbs-bench-cluster-'));
  const cniManifest = CNI_MANIFEST;
  const ids = { ansible: `${f.id}-a`, kbs: `${f.id}-k` };
  const cells: ClusterCell[] = [];
  const fleets: ClusterResults['fleets'] = [];
  const maxForks = Math.max(...f.layouts.map((l) => l.machines));
  try {
    for (const layout of f.layouts) {
      const cell = (scenario: string, expectChanged: number | 'some'): ClusterCell => {
        const c: ClusterCell = { playbook: 'cluster', layout: layout.name, scenario, hosts: layout.machines, expectChanged, runs: { ansible: [], kbs: [] }, ready: { ansible: [], kbs: [] } };
        cells.push(c);
        return c;
      };
      const first = cell('first run', 'some');
      const noop = cell('no-op', 0);
      for (let i = 0; i < f.runs; i++) {
        const info: Record<'ansible' | 'kbs', FleetInfo> = {} as Record<'ansible' | 'kbs', FleetInfo>;
        for (const tool of ['ansible', 'kbs'] as const) {
          const t0 = Date.now();
          info[tool] = await up(layout.machines, { id: ids[tool], replace: true, log: (m) => log(`fleet ${ids[tool]}: ${m}`) });
          const bootS = (Date.now() - t0) / 1000;
          fleets.push({ id: ids[tool], layout: layout.name, run: i + 1, machines: layout.machines, bootS });
          log(`fleet ${ids[tool]}: ${layout.machines} machines up in ${bootS.toFixed(1)} s`);
        }
        const dir = (tool: string) => join(work, `${layout.name}-${i + 1}-${tool}`);
        const inv = { ansible: clusterInventory(info.ansible, layout, dir('ansible'), cniManifest), kbs: clusterInventory(info.kbs, layout, dir('kbs'), cniManifest) };
        const control = `/tmp/kbsbc-${process.pid}-${layout.name}-${i + 1}`;
        const cpOf = (tool: 'ansible' | 'kbs') => info[tool].machines[0].name;
        const pair = async (c: ClusterCell) => {
          const a = await runAnsibleCluster(inv.ansible, layout.machines, dir('ansible'), control);
          c.runs.ansible.push(a);
          const k = await runKbsApply(inv.kbs);
          c.runs.kbs.push(k);
          // the no-op once more, as kbs starts on this machine: with its NODE_EXTRA_CA_CERTS (kbsEnv)
          if (c.scenario === 'no-op' && process.env.NODE_EXTRA_CA_CERTS) (c.runs.kbsCa ??= []).push(await runKbsApply(inv.kbs, process.env));
          for (const tool of ['ansible', 'kbs'] as const) c.ready[tool].push(await readiness(ids[tool], cpOf(tool)));
          log(`${layout.name} ${c.scenario}, run ${i + 1}/${f.runs}: ansible ${secs(a)}  kbs ${secs(k)}  ready ${c.ready.ansible.at(-1)!.ready}/${c.ready.kbs.at(-1)!.ready}`);
          for (const r of [a, k]) if (r.error) log(`${r.tool} output tail:\n${r.error.slice(-1500)}`);
        };
        await pair(first);
        await pair(noop);
        rmSync(control, { recursive: true, force: true });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!f.keep) {
      for (const id of Object.values(ids)) {
        log(`taking fleet "${id}" down (--keep keeps it)`);
        await down({ id }).catch((e: unknown) => log(`down ${id}: ${String(e)}`));
      }
    }
  }
  const summaries = cells.map(summarizeCluster);
  return {
    started,
    finished: new Date().toISOString(),
    mode: f.smoke ? 'smoke' : 'full',
    machine: { ...machine, loadavgEnd: machineInfo().loadavg },
    versions: versions(),
    fleets,
    settings: {
      ansible: { ...ansibleEnv('WORK', maxForks), ANSIBLE_SSH_CONTROL_PATH_DIR: '/tmp/kbsbc-PID-LAYOUT-RUN', ANSIBLE_ROLES_PATH: 'roles' },
      kbs: 'node bin/kbs.js apply INVENTORY --output json -f 50 (environment: the bench\'s own without NODE_EXTRA_CA_CERTS)',
      nodeExtraCaCerts: process.env.NODE_EXTRA_CA_CERTS ?? null,
      plan: 'node bin/kbs.js plan INVENTORY --output vars > plan.json (timed apart, before each Ansible run); ansible-playbook -i INVENTORY playbooks/cluster.yml -e @plan.json -f MACHINES',
      kubernetes_version: 'the default (v1.37.1), binaries from the fleet release server',
    },
    cells: summaries,
    raw: cells.map((c) => ({
      layout: c.layout,
      scenario: c.scenario,
      hosts: c.hosts,
      runs: [...c.runs.ansible, ...c.runs.kbs, ...(c.runs.kbsCa ?? []).map((r) => ({ ...r, tool: 'kbs' as const, env: 'NODE_EXTRA_CA_CERTS' }))].map(({ recap, ...r }) => ({ ...r, changed: Object.values(recap).reduce((s, h) => s + h.changed, 0) })),
    })),
  };
}

async function main(argv: string[]): Promise<number> {
  const f = parseClusterFlags(argv);
  const res = await clusterBench(f);
  mkdirSync(f.out, { recursive: true });
  const md = renderClusterMarkdown(res);
  writeFileAtomic(join(f.out, 'cluster.json'), JSON.stringify(res, null, 2) + '\n');
  writeFileAtomic(join(f.out, 'cluster.md'), md);
  process.stdout.write(md + '\n');
  log(`results: ${join(f.out, 'cluster.json')} and cluster.md`);
  return res.cells.every((c) => c.sane) ? 0 : 2;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(ROOT, 'bench/cluster.ts')) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: unknown) => {
      process.stderr.write((e instanceof KbsError ? e.render() : String((e as Error)?.stack ?? e)) + '\n');
      process.exitCode = exitCodeFor(e);
    },
  );
}
