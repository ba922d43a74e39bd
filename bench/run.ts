/**
 * npm run bench [-- --smoke] [--runs N] [--sizes 3,10,30] [--id ID] [--out DIR] [--keep]
 *                [--no-build] [--[no-]profile] [--only files|system]
 *
 * The same playbook files under ansible-playbook and kbs run, alternating A B A B, on a fleet of
 * Debian 12 machines (test/fleet) with its own id, at several sizes: the file play as a first run
 * on fresh machines, as a no-op re-run and with 1 task in 30 changing; the system play (apt,
 * systemd, sysctl) as a no-op after a first converge. Then a CPU profile of a kbs no-op at the
 * largest size. Results: OUT/latest.json and OUT/latest.md. The fleet goes down at the end unless
 * --keep. See docs/benchmarks.md.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { KbsError, exitCodeFor } from '../src/errors.js';
import { down } from '../test/fleet/index.js';
import { writeFileAtomic } from '../test/fleet/state.js';
import { analyzeProfile, type ProfileSummary } from './profile.js';
import { summarize, summarizeFloor, type Cell, type CellSummary, type FloorSummary } from './report.js';
import { renderMarkdown, targets } from './markdown.js';
import { buildKbs, ensureAnsible, ensureFleet, machineInfo, writeInventories, type MachineInfo } from './setup.js';
import { ROOT, ansibleEnv, clearAnsibleFactCache, runAnsible, runKbs, versions, type Invocation, type RunResult } from './tools.js';

export interface BenchFlags {
  smoke: boolean;
  runs: number;
  sizes: number[];
  id: string;
  out: string;
  keep: boolean;
  build: boolean;
  profile: boolean;
  only?: 'files' | 'system';
}

export interface BenchResults {
  started: string;
  finished: string;
  mode: 'smoke' | 'full';
  machine: MachineInfo & { loadavgEnd: string };
  versions: { node: string; ansible: string };
  fleet: { id: string; machines: number; booted: boolean; bootS: number };
  settings: { ansible: Record<string, string>; kbs: string };
  cells: CellSummary[];
  raw: { playbook: string; scenario: string; hosts: number; runs: (Omit<RunResult, 'recap'> & { changed: number })[] }[];
  profile?: ProfileSummary & { hosts: number; wallS: number };
  /** kbs only: facts + 30 commands that do nothing (bench/playbooks/floor.yml), per size */
  floor: FloorSummary[];
  targets: ReturnType<typeof targets>;
}

const PB = (name: string) => join(ROOT, 'bench/playbooks', name);

export function parseFlags(argv: string[]): BenchFlags {
  const f: BenchFlags = { smoke: false, runs: 3, sizes: [3, 10, 30], id: 'kbsbench', out: join(ROOT, 'bench/results'), keep: false, build: true, profile: true };
  let runsGiven = false;
  let sizesGiven = false;
  let profileGiven = false;
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
    else if (a === '--no-profile') (f.profile = false), (profileGiven = true);
    else if (a === '--profile') (f.profile = true), (profileGiven = true);
    else if (a === '--runs') (f.runs = Number(val())), (runsGiven = true);
    else if (a === '--sizes') (f.sizes = val().split(',').map(Number)), (sizesGiven = true);
    else if (a === '--id') f.id = val();
    else if (a === '--out') f.out = resolve(val());
    else if (a === '--only') {
      const v = val();
      if (v !== 'files' && v !== 'system') throw new KbsError('USAGE', `--only files|system, not "${v}"`);
      f.only = v;
    } else throw new KbsError('USAGE', `unknown flag "${a}"`, { hint: 'see the header of bench/run.ts' });
  }
  if (f.smoke) {
    if (!runsGiven) f.runs = 1;
    if (!sizesGiven) f.sizes = [3];
    if (!profileGiven) f.profile = false;
  }
  if (!Number.isInteger(f.runs) || f.runs < 1) throw new KbsError('USAGE', '--runs must be a positive integer');
  if (!f.sizes.length || f.sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 40)) throw new KbsError('USAGE', '--sizes: numbers 1..40, comma-separated');
  f.sizes = [...new Set(f.sizes)].sort((a, b) => a - b);
  return f;
}

const log = (m: string) => process.stderr.write(`bench: ${m}\n`);
const secs = (r: RunResult) => `${(r.wallMs / 1000).toFixed(2)}s${r.code ? ` (exit ${r.code})` : ''}`;

export async function bench(f: BenchFlags): Promise<BenchResults> {
  const started = new Date().toISOString();
  const machine = machineInfo();
  ensureAnsible(log);
  if (f.build) buildKbs(log);
  const max = Math.max(...f.sizes);
  const fleet = await ensureFleet(f.id, max, log);
  const work = mkdtempSync(join(tmpdir(), 'kbs-bench-'));
  const cells: Cell[] = [];
  const floor: FloorSummary[] = [];
  let profile: BenchResults['profile'];
  try {
    const inventories = writeInventories(fleet.info, f.sizes, work);
    let rev = 0;
    const base = (n: number, playbook: string, extraVars?: Record<string, string>): Invocation => ({ playbook, inventory: inventories.get(n)!, forks: n, work, extraVars });
    const untimed = async (inv: Invocation, what: string) => {
      const r = await runKbs(inv);
      if (r.code !== 0) throw new KbsError('STATE', `${what} failed (kbs exit ${r.code})`, { hint: r.error?.slice(-1500) });
    };

    for (const n of f.sizes) {
      const cell = (playbook: string, scenario: string, expectChanged: number | 'some'): Cell => {
        const c: Cell = { playbook, scenario, hosts: n, expectChanged, runs: { ansible: [], kbs: [] } };
        cells.push(c);
        return c;
      };
      const pair = async (c: Cell, i: number, prep: (tool: 'ansible' | 'kbs') => Promise<Record<string, string> | undefined>) => {
        const a = await runAnsible(base(n, PB(`${c.playbook}.yml`), await prep('ansible')));
        c.runs.ansible.push(a);
        const k = await runKbs(base(n, PB(`${c.playbook}.yml`), await prep('kbs')));
        c.runs.kbs.push(k);
        log(`${c.playbook}/${c.scenario} ${n} hosts, run ${i + 1}/${f.runs}: ansible ${secs(a)}  kbs ${secs(k)}`);
        for (const r of [a, k]) if (r.error) log(`${r.tool} output tail:\n${r.error.slice(-1200)}`);
      };

      if (f.only !== 'system') {
        const first = cell('files', 'first run', 'some');
        for (let i = 0; i < f.runs; i++) {
          await pair(first, i, async (tool) => {
            await untimed(base(n, PB('reset.yml')), 'reset');
            if (tool === 'ansible') clearAnsibleFactCache(work);
            return undefined;
          });
        }
        const noop = cell('files', 'no-op', 0);
        for (let i = 0; i < f.runs; i++) await pair(noop, i, async () => undefined);
        const one = cell('files', '1 of 30 changes', 1);
        for (let i = 0; i < f.runs; i++) await pair(one, i, async () => ({ bench_rev: String(++rev) }));
        // back to revision 0, so a later no-op (the profile) is one
        await untimed(base(n, PB('files.yml')), 'files converge');
        const runs: RunResult[] = [];
        for (let i = 0; i < f.runs; i++) runs.push(await runKbs(base(n, PB('floor.yml'))));
        const fl = summarizeFloor(n, runs);
        floor.push(fl);
        log(`floor (kbs only) ${n} hosts: ${fl.wallS.median} s median${fl.sane ? '' : ' (a run failed)'}`);
      }
      if (f.only !== 'files') {
        await untimed(base(n, PB('system-prep.yml')), 'apt update');
        await untimed(base(n, PB('system.yml')), 'system converge');
        const sys = cell('system', 'no-op', 0);
        for (let i = 0; i < f.runs; i++) await pair(sys, i, async () => undefined);
      }
    }

    if (f.profile && f.only !== 'system') profile = await profileRun(base(max, PB('files.yml')), max, f.out);
  } finally {
    rmSync(work, { recursive: true, force: true });
    if (!f.keep) {
      log(`taking fleet "${f.id}" down (--keep keeps it)`);
      await down({ id: f.id });
    }
  }
  const summaries = cells.map(summarize);
  return {
    started,
    finished: new Date().toISOString(),
    mode: f.smoke ? 'smoke' : 'full',
    machine: { ...machine, loadavgEnd: machineInfo().loadavg },
    versions: versions(),
    fleet: { id: f.id, machines: fleet.info.machines.length, booted: fleet.booted, bootS: fleet.bootS },
    settings: {
      ansible: ansibleEnv('WORK', max),
      kbs: `node bin/kbs.js run PLAYBOOK -i INVENTORY --output json -f 50 (one ssh2 connection per host, default settings)`,
    },
    cells: summaries,
    floor,
    raw: cells.map((c) => ({
      playbook: c.playbook,
      scenario: c.scenario,
      hosts: c.hosts,
      runs: [...c.runs.ansible, ...c.runs.kbs].map(({ recap, ...r }) => ({
        ...r,
        changed: Object.values(recap).reduce((s, h) => s + h.changed, 0),
      })),
    })),
    profile,
    targets: targets(summaries, floor),
  };
}

/** a kbs no-op under --cpu-prof, analysed; the .cpuprofile stays in OUT (not committed) */
async function profileRun(inv: Invocation, hosts: number, out: string): Promise<BenchResults['profile']> {
  const dir = join(out, 'profile');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const r = await runKbs({ ...inv, nodeFlags: ['--cpu-prof', '--cpu-prof-dir', dir] });
  if (r.code !== 0) {
    log(`profile run failed (exit ${r.code})`);
    return undefined;
  }
  const file = readdirSync(dir).find((x) => x.endsWith('.cpuprofile'));
  if (!file) return undefined;
  log(`profile of a kbs no-op at ${hosts} hosts: ${join(dir, file)}`);
  return { ...analyzeProfile(join(dir, file)), hosts, wallS: Math.round(r.wallMs) / 1000 };
}

async function main(argv: string[]): Promise<number> {
  const f = parseFlags(argv);
  const res = await bench(f);
  mkdirSync(f.out, { recursive: true });
  const md = renderMarkdown(res);
  writeFileAtomic(join(f.out, 'latest.json'), JSON.stringify(res, null, 2) + '\n');
  writeFileAtomic(join(f.out, 'latest.md'), md);
  process.stdout.write(md + '\n');
  log(`results: ${join(f.out, 'latest.json')} and latest.md`);
  return res.cells.every((c) => c.sane) && res.floor.every((f) => f.sane) ? 0 : 2;
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write((e instanceof KbsError ? e.render() : String((e as Error)?.stack ?? e)) + '\n');
    process.exitCode = exitCodeFor(e);
  },
);
