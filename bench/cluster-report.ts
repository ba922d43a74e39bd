/** Summaries and the Markdown report of the cluster benchmark (kbs apply vs ansible-playbook). */
import type { ClusterRun, Phase } from './cluster-tools.js';
import type { ClusterResults } from './cluster.js';
import { checkRun, stat, summarize, type Cell, type CellSummary, type Stat } from './report.js';

export interface ClusterCell extends Omit<Cell, 'runs'> {
  layout: string;
  /** kbsCa: no-op only, the kbs run once more with this machine's NODE_EXTRA_CA_CERTS (the others run without it) */
  runs: { ansible: ClusterRun[]; kbs: ClusterRun[]; kbsCa?: ClusterRun[] };
  /** Ready nodes / nodes after each run, per tool (asked on the first control plane) */
  ready: { ansible: { ready: number; nodes: number }[]; kbs: { ready: number; nodes: number }[] };
}

export interface ClusterSummary extends CellSummary {
  layout: string;
  /** kbs plan --output vars before each Ansible run (not in Ansible's wall time) */
  planS: Stat;
  /** kbs / (plan + Ansible) per pair, and its speed-up */
  ratiosWithPlan: number[];
  speedupWithPlan: number;
  /** kbs's own CPU / its wall time, median: the share of the run kbs itself was working */
  kbsCpuShare: number;
  ready: ClusterCell['ready'];
  /** median seconds per play and the slowest tasks of the kbs runs (first of the medians' runs) */
  kbsPlays: Phase[];
  kbsTasks: Phase[];
  /** medians: before the engine (start-up, lock, reading the nodes, plan), the playbook, after it */
  kbsPhases?: { beforeS: number; engineS: number; afterS: number };
  /** the kbs runs with NODE_EXTRA_CA_CERTS kept: wall time, kbs/Ansible per pair, speed-up */
  withCa?: { wallS: Stat; ratios: number[]; speedup: number };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

/** every node a node of the cluster (all machines but a load balancer) and Ready */
function readyProblems(c: ClusterCell, nodes: number): string[] {
  const out: string[] = [];
  for (const tool of ['ansible', 'kbs'] as const) {
    c.ready[tool].forEach((r, i) => {
      if (r.nodes !== nodes || r.ready !== nodes) out.push(`${tool} run ${i + 1}: ${r.ready} of ${r.nodes} nodes Ready, expected ${nodes}`);
    });
  }
  return out;
}

export function summarizeCluster(c: ClusterCell & { nodes?: number }): ClusterSummary {
  const base = summarize(c as unknown as Cell);
  const nodes = c.nodes ?? (c.layout.endsWith('ha') ? c.hosts - 1 : c.hosts);
  const problems = [...base.problems, ...readyProblems(c, nodes)];
  const { ansible, kbs } = c.runs;
  const pairs = Math.min(ansible.length, kbs.length);
  const withPlan = Array.from({ length: pairs }, (_, i) => kbs[i].wallMs / (ansible[i].wallMs + (ansible[i].planS ?? 0) * 1000));
  const share = stat(kbs.map((r) => (r.wallMs > 0 ? r.cpuS / (r.wallMs / 1000) : 0)));
  const med = (pick: (r: ClusterRun) => Phase[] | undefined): Phase[] => {
    const names = [...new Set(kbs.flatMap((r) => (pick(r) ?? []).map((p) => p.name)))];
    return names
      .map((name) => ({ name, seconds: round(stat(kbs.map((r) => (pick(r) ?? []).find((p) => p.name === name)?.seconds ?? 0)).median) }))
      .filter((p) => p.seconds > 0);
  };
  const phased = kbs.flatMap((r) => (r.phases ? [r.phases] : []));
  const ca = c.runs.kbsCa ?? [];
  // checked as every other run of the cell is (summarize)
  ca.forEach((r, i) => problems.push(...checkRun(r, c.hosts, c.expectChanged).map((p) => `with NODE_EXTRA_CA_CERTS, run ${i + 1}: ${p}`)));
  const caRatios = ca.slice(0, pairs).map((r, i) => r.wallMs / ansible[i].wallMs);
  const plays = med((r) => r.breakdown?.plays);
  const tasks = med((r) => r.breakdown?.tasks).sort((a, b) => b.seconds - a.seconds).slice(0, 8);
  return {
    ...base,
    layout: c.layout,
    planS: roundStat(stat(ansible.map((r) => r.planS ?? NaN).filter((x) => !Number.isNaN(x)))),
    ratiosWithPlan: withPlan.map((x) => round(x, 4)),
    speedupWithPlan: round(1 / stat(withPlan).median, 1),
    kbsCpuShare: round(share.median, 3),
    ready: c.ready,
    kbsPlays: plays,
    kbsTasks: tasks,
    kbsPhases: phased.length ? { beforeS: round(stat(phased.map((p) => p.beforeS)).median), engineS: round(stat(phased.map((p) => p.engineS)).median), afterS: round(stat(phased.map((p) => p.afterS)).median) } : undefined,
    withCa: ca.length ? { wallS: roundStat(stat(ca.map((r) => r.wallMs / 1000))), ratios: caRatios.map((x) => round(x, 4)), speedup: round(1 / stat(caRatios).median, 1) } : undefined,
    sane: problems.length === 0,
    problems: [...new Set(problems)].slice(0, 20),
  };
}

const roundStat = (s: Stat): Stat => ({ median: round(s.median), min: round(s.min), max: round(s.max) });
const fmt = (s: Stat, d = 1) => (Number.isNaN(s.median) ? 'n/a' : s.min === s.max ? s.median.toFixed(d) : `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`);

export function layoutName(l: string): string {
  const m = /^(\d+)(ha)?$/.exec(l);
  if (!m) return l;
  const n = Number(m[1]);
  return m[2] ? `${n}: 3 CP + LB + ${n - 4} W` : `${n}: 1 CP + ${n - 1} W`;
}

export function clusterTable(rows: ClusterSummary[]): string {
  const head = [
    '| layout | scenario | runs | Ansible wall s | kbs plan s (before Ansible) | kbs apply wall s | kbs/Ansible per pair | speed-up | speed-up incl. plan | kbs CPU s | kbs CPU / wall | machine CPU s during kbs | Ansible CPU s | kbs peak RSS MiB | Ansible peak RSS MiB | Ready | ok |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|',
  ];
  const body = rows.map((r) => {
    const ready = (['ansible', 'kbs'] as const).map((t) => r.ready[t].map((x) => `${x.ready}/${x.nodes}`).join(',')).join(' · ');
    return `| ${layoutName(r.layout)} | ${r.scenario} | ${r.runs} | ${fmt(r.wallS.ansible)} | ${fmt(r.planS)} | ${fmt(r.wallS.kbs, 2)} | ${r.ratios.map((x) => x.toFixed(3)).join(', ')} | ${r.speedup.toFixed(1)}× | ${r.speedupWithPlan.toFixed(1)}× | ${fmt(r.cpuS.kbs, 2)} | ${r.kbsCpuShare.toFixed(2)} | ${fmt(r.machineCpuS.kbs)} | ${fmt(r.cpuS.ansible)} | ${fmt(r.peakRssMiB.kbs, 0)} | ${fmt(r.peakRssMiB.ansible, 0)} | ${ready} | ${r.sane ? 'yes' : 'NO'} |`;
  });
  return [...head, ...body].join('\n');
}

/** the no-ops once more with this machine's NODE_EXTRA_CA_CERTS, beside those without it */
export function caMarkdown(rows: ClusterSummary[], file: string | null | undefined): string {
  const withCa = rows.filter((r) => r.withCa);
  if (!withCa.length) return '';
  return [
    `### kbs as it starts on this machine: with NODE_EXTRA_CA_CERTS=${file}`,
    '',
    'This machine sets NODE_EXTRA_CA_CERTS for its package proxy. Node 20 reads that file at every start, before kbs runs a line, ' +
      'and builds its whole root certificate store with it; a kbs apply makes no TLS connection from the workstation. The table above ' +
      'times kbs without the variable; each no-op pair also ran kbs once more with it, right after:',
    '',
    '| layout | scenario | Ansible wall s | kbs wall s, without | kbs wall s, with NODE_EXTRA_CA_CERTS | kbs/Ansible per pair, with | speed-up, with |',
    '|---|---|---:|---:|---:|---|---:|',
    ...withCa.map((r) => `| ${layoutName(r.layout)} | ${r.scenario} | ${fmt(r.wallS.ansible)} | ${fmt(r.wallS.kbs, 2)} | ${fmt(r.withCa!.wallS, 2)} | ${r.withCa!.ratios.map((x) => x.toFixed(3)).join(', ')} | ${r.withCa!.speedup.toFixed(1)}× |`),
    '',
  ].join('\n');
}

/** where a kbs apply's time went, per play and the slowest tasks (medians over the runs) */
export function breakdownMarkdown(rows: ClusterSummary[]): string {
  const out: string[] = [];
  for (const r of rows) {
    if (!r.kbsPlays.length) continue;
    out.push(`### ${layoutName(r.layout)}, ${r.scenario}: kbs apply ${fmt(r.wallS.kbs, 2)} s wall`, '');
    const p = r.kbsPhases;
    if (p) out.push(`Before the playbook (node start-up, validation, lock, reading the nodes, the plan): ${p.beforeS.toFixed(2)} s; the playbook: ${p.engineS.toFixed(2)} s; after it (records, kubeconfig, unlock): ${p.afterS.toFixed(2)} s. kbs's own CPU: ${r.cpuS.kbs.median.toFixed(2)} s.`, '');
    out.push('| play | s |', '|---|---:|', ...r.kbsPlays.map((p) => `| ${p.name} | ${p.seconds.toFixed(2)} |`), '');
    out.push('| slowest tasks (all hosts at once) | s |', '|---|---:|', ...r.kbsTasks.map((p) => `| ${p.name} | ${p.seconds.toFixed(2)} |`), '');
  }
  return out.join('\n');
}

export function renderClusterMarkdown(r: ClusterResults): string {
  const m = r.machine;
  const boots = r.fleets.map((f) => f.bootS);
  const lines = [
    `# kbs apply vs ansible-playbook (same roles, same plan) — ${r.mode} cluster benchmark, ${r.started.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGiB} GiB, kernel ${m.kernel}; load average ${m.loadavg} at the start, ${m.loadavgEnd} at the end ` +
      `(other work shares the machine). ${r.versions.ansible}; node ${r.versions.node}. ${r.fleets.length} fresh fleets of Debian 12 machines ` +
      `(systemd-nspawn) booted, ${boots.length ? `${Math.min(...boots).toFixed(0)}–${Math.max(...boots).toFixed(0)} s each` : ''}; the Kubernetes binaries are test/sim's simulators.`,
    '',
    'Per run: two fresh fleets (one per tool), then Ansible first run, kbs first run, Ansible no-op, kbs no-op (A B A B). ' +
      'Wall time is spawn-to-exit (kbs includes node start-up; every kbs command runs without NODE_EXTRA_CA_CERTS, see below when it is set here). Ansible runs after `kbs plan --output vars`, timed apart (plan s). ' +
      'kbs CPU / wall: the share of the run kbs itself computed; the rest is waiting for the hosts. Ready: Ready nodes/nodes after each run, Ansible · kbs.',
    '',
    clusterTable(r.cells),
    '',
    caMarkdown(r.cells, r.settings.nodeExtraCaCerts),
    '## Where a kbs apply spends its time',
    '',
    'From kbs\'s own task events (each task runs on all its hosts at once; plays run one after the other).',
    '',
    breakdownMarkdown(r.cells),
  ];
  const bad = r.cells.filter((c) => !c.sane);
  if (bad.length) {
    lines.push('## Problems', '');
    for (const c of bad) lines.push(`- ${c.layout} ${c.scenario}: ${c.problems.join('; ')}`);
    lines.push('');
  }
  lines.push('## Settings', '', 'Ansible (environment):', '', '```', ...Object.entries(r.settings.ansible).map(([k, v]) => `${k}=${v}`), '```', '', `kbs: ${r.settings.kbs}`, '', `Ansible: ${r.settings.plan}`, '', `Kubernetes: ${r.settings.kubernetes_version}`);
  return lines.join('\n') + '\n';
}
