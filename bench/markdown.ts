/** The Markdown report of a benchmark run, and the issue's targets checked against it. */
import { profileMarkdown } from './profile.js';
import { cpuTable, floorTable, markdownTable, type CellSummary, type FloorSummary } from './report.js';
import type { BenchResults } from './run.js';

export interface TargetCheck {
  name: string;
  goal: string;
  measured: string;
  met: boolean | null;
}

/** ≥ 25× and < 3.5 s as a no-op at 30 hosts, ≥ 10× on the first run, flat no-op from 3 to 30 hosts */
export function targets(cells: CellSummary[], floor: FloorSummary[] = []): TargetCheck[] {
  const find = (scenario: string, hosts: number) => cells.find((c) => c.playbook === 'files' && c.scenario === scenario && c.hosts === hosts);
  const out: TargetCheck[] = [];
  const noop30 = find('no-op', 30);
  out.push({
    name: 'no-op at 30 hosts',
    goal: '≥ 25× faster than Ansible and under ~3.5 s',
    measured: noop30 ? `${noop30.speedup}× (kbs ${noop30.wallS.kbs.median} s, Ansible ${noop30.wallS.ansible.median} s)` : 'not measured',
    met: noop30 ? noop30.speedup >= 25 && noop30.wallS.kbs.median < 3.5 : null,
  });
  const first30 = find('first run', 30);
  out.push({
    name: 'first run at 30 hosts',
    goal: '≥ 10× faster than Ansible',
    measured: first30 ? `${first30.speedup}× (kbs ${first30.wallS.kbs.median} s, Ansible ${first30.wallS.ansible.median} s)` : 'not measured',
    met: first30 ? first30.speedup >= 10 : null,
  });
  const noop3 = find('no-op', 3);
  const flat = noop3 && noop30 ? noop30.wallS.kbs.median / noop3.wallS.kbs.median : undefined;
  const f3 = floor.find((x) => x.hosts === 3);
  const f30 = floor.find((x) => x.hosts === 30);
  const floorNote = f3 && f30 ? `; the floor play: ${(f30.wallS.median / f3.wallS.median).toFixed(2)}× (${f3.wallS.median} s → ${f30.wallS.median} s)` : '';
  out.push({
    name: 'flat no-op, 3 → 30 hosts',
    goal: 'kbs no-op time nearly flat (≤ 2× from 3 to 30 hosts)',
    measured: flat !== undefined ? `${flat.toFixed(2)}× (kbs ${noop3!.wallS.kbs.median} s → ${noop30!.wallS.kbs.median} s)${floorNote}` : 'not measured',
    met: flat !== undefined ? flat <= 2 : null,
  });
  return out;
}

export function renderMarkdown(r: BenchResults): string {
  const m = r.machine;
  const lines = [
    `# kbs vs Ansible — ${r.mode} benchmark, ${r.started.slice(0, 16).replace('T', ' ')} UTC`,
    '',
    `Machine: ${m.nproc} CPUs (${m.cpu}), ${m.memGiB} GiB, kernel ${m.kernel}; load average ${m.loadavg} at the start, ${m.loadavgEnd} at the end. ` +
      `${r.versions.ansible}; node ${r.versions.node}. Fleet "${r.fleet.id}": ${r.fleet.machines} Debian 12 machines (systemd-nspawn) on the same machine` +
      `${r.fleet.booted ? `, booted in ${r.fleet.bootS.toFixed(0)} s` : ' (reused)'}.`,
    '',
    'Wall time is spawn-to-exit of the whole command (kbs includes node start-up). Peak RSS is the sum over the ' +
      "tool's process tree, sampled every 100 ms. A pair is Ansible run i and kbs run i, run back to back (A B A B).",
    '',
    markdownTable(r.cells),
    '',
    '## CPU (medians)',
    '',
    "The tool's own CPU (user + system, its children included) and the whole machine's busy CPU during the run, " +
      "which includes the fleet's sshd and shells; CPUs busy = machine CPU / wall time (at most the CPU count).",
    '',
    cpuTable(r.cells),
    '',
    '## The floor: kbs alone on facts + 30 commands that do nothing (bench/playbooks/floor.yml)',
    '',
    'What any no-op costs on this fleet whatever the tasks do: connections, fact gathering and one command per task per host.',
    '',
    floorTable(r.floor ?? []),
    '',
    '## Targets',
    '',
    '| target | goal | measured | met |',
    '|---|---|---|---|',
    ...r.targets.map((t) => `| ${t.name} | ${t.goal} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : 'no'} |`),
  ];
  const bad = r.cells.filter((c) => !c.sane);
  if (bad.length) {
    lines.push('', '## Problems', '');
    for (const c of bad) lines.push(`- ${c.playbook}/${c.scenario} at ${c.hosts}: ${c.problems.join('; ')}`);
  }
  lines.push('', '## Settings', '', 'Ansible (environment):', '', '```', ...Object.entries(r.settings.ansible).map(([k, v]) => `${k}=${v}`), '```', '', `kbs: ${r.settings.kbs}`);
  if (r.profile) {
    lines.push('', `## Profile of a kbs no-op at ${r.profile.hosts} hosts (node --cpu-prof, ${r.profile.wallS} s wall)`, '', profileMarkdown(r.profile));
  }
  return lines.join('\n') + '\n';
}
