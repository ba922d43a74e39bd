/** Summaries of the measured runs: medians, ranges, ratios, and the Markdown table. */
import type { RunResult, Tool } from './tools.js';

export interface Stat {
  median: number;
  min: number;
  max: number;
}

export interface Cell {
  playbook: string;
  scenario: string;
  hosts: number;
  /** changed tasks expected per host ("first" = more than 0) */
  expectChanged: number | 'some';
  runs: { ansible: RunResult[]; kbs: RunResult[] };
}

export interface CellSummary {
  playbook: string;
  scenario: string;
  hosts: number;
  runs: number;
  wallS: Record<Tool, Stat>;
  /** kbs / Ansible wall time of each pair (run i of both), and their median */
  ratios: number[];
  ratioMedian: number;
  speedup: number;
  peakRssMiB: Record<Tool, Stat>;
  /** the tool's own CPU seconds, and the machine's busy CPU seconds (fleet included) per run */
  cpuS: Record<Tool, Stat>;
  machineCpuS: Record<Tool, Stat>;
  /** execs: remote commands run; channels: SSH exec channels opened (long-lived shells + commands with stdin) */
  kbs: { durationMs: Stat; connections: Stat; execs: Stat; channels: Stat };
  /** every run exited 0 and changed what it should have */
  sane: boolean;
  problems: string[];
}

export function stat(xs: number[]): Stat {
  if (!xs.length) return { median: NaN, min: NaN, max: NaN };
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  const median = s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { median, min: s[0], max: s[s.length - 1] };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
const roundStat = (s: Stat, d = 3): Stat => ({ median: round(s.median, d), min: round(s.min, d), max: round(s.max, d) });

/** what is wrong with one run (exit code, unreachable/failed hosts, changed counts) */
export function checkRun(r: RunResult, hosts: number, expect: number | 'some'): string[] {
  const out: string[] = [];
  const tag = `${r.tool}`;
  if (r.code !== 0) out.push(`${tag} exited ${r.code}`);
  const names = Object.keys(r.recap);
  if (names.length !== hosts) out.push(`${tag} recap has ${names.length} hosts, expected ${hosts}`);
  for (const [h, c] of Object.entries(r.recap)) {
    if (c.failed || c.unreachable) out.push(`${tag} ${h}: failed=${c.failed} unreachable=${c.unreachable}`);
    else if (expect === 'some' ? c.changed === 0 : c.changed !== expect) out.push(`${tag} ${h}: changed=${c.changed}, expected ${expect === 'some' ? '> 0' : expect}`);
  }
  if (r.tool === 'kbs' && !r.kbs) out.push('kbs printed no recap event');
  return out;
}

export function summarize(c: Cell): CellSummary {
  const { ansible, kbs } = c.runs;
  const pairs = Math.min(ansible.length, kbs.length);
  const ratios = Array.from({ length: pairs }, (_, i) => kbs[i].wallMs / ansible[i].wallMs);
  const problems = [...ansible, ...kbs].flatMap((r) => checkRun(r, c.hosts, c.expectChanged));
  const wall = (rs: RunResult[]) => roundStat(stat(rs.map((r) => r.wallMs / 1000)));
  const ratio = stat(ratios);
  const k = kbs.filter((r) => r.kbs).map((r) => r.kbs!);
  return {
    playbook: c.playbook,
    scenario: c.scenario,
    hosts: c.hosts,
    runs: pairs,
    wallS: { ansible: wall(ansible), kbs: wall(kbs) },
    ratios: ratios.map((x) => round(x, 4)),
    ratioMedian: round(ratio.median, 4),
    speedup: round(1 / ratio.median, 1),
    peakRssMiB: { ansible: roundStat(stat(ansible.map((r) => r.peakRssMiB)), 1), kbs: roundStat(stat(kbs.map((r) => r.peakRssMiB)), 1) },
    cpuS: { ansible: roundStat(stat(ansible.map((r) => r.cpuS)), 2), kbs: roundStat(stat(kbs.map((r) => r.cpuS)), 2) },
    machineCpuS: { ansible: roundStat(stat(ansible.map((r) => r.machineCpuS)), 2), kbs: roundStat(stat(kbs.map((r) => r.machineCpuS)), 2) },
    kbs: {
      durationMs: roundStat(stat(k.map((x) => x.durationMs)), 0),
      connections: stat(k.map((x) => x.connections)),
      execs: stat(k.map((x) => x.execs)),
      channels: stat(k.map((x) => x.channels)),
    },
    sane: problems.length === 0,
    problems: [...new Set(problems)].slice(0, 20),
  };
}

const fmt = (s: Stat, d = 2) => (s.min === s.max ? s.median.toFixed(d) : `${s.median.toFixed(d)} (${s.min.toFixed(d)}–${s.max.toFixed(d)})`);
const fmtInt = (s: Stat) => (s.min === s.max ? String(s.median) : `${s.median} (${s.min}–${s.max})`);

export function markdownTable(rows: CellSummary[]): string {
  const head = [
    '| play | scenario | hosts | runs | Ansible wall s, median (min–max) | kbs wall s, median (min–max) | kbs/Ansible per pair | speed-up | Ansible peak RSS MiB | kbs peak RSS MiB | kbs connections | kbs exec channels | kbs remote commands | ok |',
    '|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  const body = rows.map(
    (r) =>
      `| ${r.playbook} | ${r.scenario} | ${r.hosts} | ${r.runs} | ${fmt(r.wallS.ansible)} | ${fmt(r.wallS.kbs)} | ${r.ratios.map((x) => x.toFixed(3)).join(', ')} | ${r.speedup.toFixed(1)}× | ${fmt(r.peakRssMiB.ansible, 0)} | ${fmt(r.peakRssMiB.kbs, 0)} | ${fmtInt(r.kbs.connections)} | ${fmtInt(r.kbs.channels)} | ${fmtInt(r.kbs.execs)} | ${r.sane ? 'yes' : 'NO'} |`,
  );
  return [...head, ...body].join('\n');
}

/**
 * Where the CPU went, per cell (medians): each tool's own CPU, the whole machine's busy CPU during
 * the run (the fleet's sshd and shells included), and that divided by the wall time (CPUs kept busy).
 */
export function cpuTable(rows: CellSummary[]): string {
  const busy = (c: Stat, w: Stat) => (w.median > 0 ? (c.median / w.median).toFixed(2) : 'n/a');
  const head = [
    '| play | scenario | hosts | Ansible CPU s | machine CPU s during Ansible | CPUs busy | kbs CPU s | machine CPU s during kbs | CPUs busy |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const body = rows.map(
    (r) =>
      `| ${r.playbook} | ${r.scenario} | ${r.hosts} | ${r.cpuS.ansible.median.toFixed(2)} | ${r.machineCpuS.ansible.median.toFixed(2)} | ${busy(r.machineCpuS.ansible, r.wallS.ansible)} | ${r.cpuS.kbs.median.toFixed(2)} | ${r.machineCpuS.kbs.median.toFixed(2)} | ${busy(r.machineCpuS.kbs, r.wallS.kbs)} |`,
  );
  return [...head, ...body].join('\n');
}

/** kbs alone on bench/playbooks/floor.yml (facts + 30 commands that do nothing) at one size */
export interface FloorSummary {
  hosts: number;
  runs: number;
  wallS: Stat;
  machineCpuS: Stat;
  /** every run exited 0 with no failed or unreachable host and nothing changed */
  sane: boolean;
}

export function summarizeFloor(hosts: number, runs: RunResult[]): FloorSummary {
  const problems = runs.flatMap((r) => checkRun(r, hosts, 0));
  return {
    hosts,
    runs: runs.length,
    wallS: roundStat(stat(runs.map((r) => r.wallMs / 1000))),
    machineCpuS: roundStat(stat(runs.map((r) => r.machineCpuS)), 2),
    sane: problems.length === 0,
  };
}

export function floorTable(rows: FloorSummary[]): string {
  const head = ['| hosts | runs | kbs wall s, median (min–max) | machine CPU s | ok |', '|---:|---:|---:|---:|---|'];
  return [...head, ...rows.map((r) => `| ${r.hosts} | ${r.runs} | ${fmt(r.wallS)} | ${r.machineCpuS.median.toFixed(2)} | ${r.sane ? 'yes' : 'NO'} |`)].join('\n');
}
