/**
 * node --import tsx bench/kubespray-check.ts KUBESPRAY_DIR [--inventory FILE] [--runs N]
 *                                            [--playbooks a.yml,b.yml] [--out FILE] [--no-build]
 *
 * How far kbs loads Kubespray (a checkout given by path; nothing of it is copied here): for each
 * of its six playbooks, `kbs run --syntax-check` and `--list-tasks` as they are, then
 * `--list-tasks` again with stand-ins for the modules and module arguments kbs lacks
 * (bench/kubespray/kbs-stubbed.mjs), compared line by line with `ansible-playbook --list-tasks`;
 * a static count of the modules, filters, tests and lookups the project names that kbs lacks;
 * and the load time of upgrade-cluster.yml, kbs beside ansible-playbook. Prints a Markdown
 * report (and writes it to --out). The inventory defaults to the checkout's sample inventory
 * with its commented example hosts enabled, in a temporary folder. See docs/kubespray.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildKbs } from './setup.js';
import { ROOT, KBS_BIN } from './tools.js';
import { sampleInventory } from './kubespray/inventory.js';
import { scanProject, type Use } from './kubespray/scan.js';
import { diffLines, parseTaskList, type DiffLine } from './kubespray/tasklist.js';

const PLAYBOOKS = ['cluster.yml', 'scale.yml', 'upgrade-cluster.yml', 'reset.yml', 'remove-node.yml', 'recover-control-plane.yml'];
/** bench/kubespray/kbs-stubbed.mjs bundled as an ES module (bin/kbs.js's dist/kbs.cjs is CommonJS, with a code cache: the stand-ins' kbs starts slower) */
const STUBBED = join(ROOT, 'dist/kbs-stubbed.mjs');

async function bundleStubbed(): Promise<void> {
  // the same one-file build as bin/kbs.js's (scripts/bundle.mjs), from the stand-ins' entry point
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs'), join(ROOT, 'bench/kubespray/kbs-stubbed.mjs'), STUBBED], { stdio: 'inherit' });
}

interface Flags {
  dir: string;
  inventory?: string;
  runs: number;
  playbooks: string[];
  out?: string;
  build: boolean;
}

function parseFlags(argv: string[]): Flags {
  const f: Flags = { dir: '', runs: 5, playbooks: PLAYBOOKS, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--inventory') f.inventory = resolve(next());
    else if (a === '--runs') f.runs = Math.max(1, Number(next()));
    else if (a === '--playbooks') f.playbooks = next().split(',').filter(Boolean);
    else if (a === '--out') f.out = resolve(next());
    else if (a === '--no-build') f.build = false;
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else f.dir = resolve(a);
  }
  if (!f.dir) throw new Error('usage: bench/kubespray-check.ts KUBESPRAY_DIR [--inventory FILE] [--runs N] [--playbooks a.yml,b.yml] [--out FILE] [--no-build]');
  if (!existsSync(join(f.dir, 'cluster.yml')) || !existsSync(join(f.dir, 'roles'))) throw new Error(`${f.dir} does not look like a Kubespray checkout (no cluster.yml and roles/)`);
  return f;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  /** wall, user and system seconds (bash's time) */
  real: number;
  cpu: number;
}

/** a command in the checkout folder (its ansible.cfg applies to both tools), timed by bash */
function run(cmd: string[], cwd: string, env: Record<string, string> = {}): Run {
  const quoted = cmd.map((c) => `'${c.replace(/'/g, `'\\''`)}'`).join(' ');
  const script = `TIMEFORMAT='%R %U %S'; { time ${quoted} >"$OUT" 2>"$ERR"; } 2>"$TIMES"; exit $?`;
  const tmp = mkdtempSync(join(tmpdir(), 'kbs-kubespray-run-'));
  const files = { OUT: join(tmp, 'out'), ERR: join(tmp, 'err'), TIMES: join(tmp, 'times') };
  try {
    const r = spawnSync('bash', ['-c', script], { cwd, env: { ...process.env, ANSIBLE_NOCOLOR: '1', ...env, ...files }, encoding: 'utf8' });
    const [real, user, sys] = readFileSync(files.TIMES, 'utf8').trim().split(/\s+/).map(Number);
    return { code: r.status ?? 1, stdout: readFileSync(files.OUT, 'utf8'), stderr: readFileSync(files.ERR, 'utf8'), real, cpu: user + sys };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

const firstError = (r: Run) =>
  (r.stderr.split('\n').find((l) => /error|ERROR/.test(l)) ?? r.stderr.split('\n').find((l) => l.trim()) ?? `exit ${r.code}`).trim();

interface PlaybookResult {
  name: string;
  syntax: Run;
  list: Run;
  stubbed: Run;
  stand: { modules: string[]; args: string[] };
  ansible: Run;
  kbsTasks?: number;
  ansibleTasks?: number;
  diff: DiffLine[];
}

function stubbedRun(argv: string[], cwd: string): { r: Run; stand: PlaybookResult['stand'] } {
  const r = run([process.execPath, STUBBED, ...argv], cwd, { KBS_STUB_LEARN: '1' });
  const m = /kbs-stubbed: (\{.*\})\s*$/.exec(r.stderr);
  const stand = m ? (JSON.parse(m[1]) as PlaybookResult['stand']) : { modules: [], args: [] };
  return { r: { ...r, stderr: r.stderr.replace(/kbs-stubbed: .*\s*$/, '') }, stand };
}

function checkPlaybook(name: string, f: Flags, inv: string): PlaybookResult {
  const kbs = (mode: string) => run([process.execPath, KBS_BIN, 'run', mode, '-i', inv, name], f.dir);
  const syntax = kbs('--syntax-check');
  const list = kbs('--list-tasks');
  const { r: stubbed, stand } = stubbedRun(['run', '--list-tasks', '-i', inv, name], f.dir);
  const ansible = run(['ansible-playbook', '--list-tasks', '-i', inv, name], f.dir);
  const res: PlaybookResult = { name, syntax, list, stubbed, stand, ansible, diff: [] };
  const a = ansible.code === 0 ? parseTaskList(ansible.stdout) : undefined;
  const k = stubbed.code === 0 ? parseTaskList(stubbed.stdout) : undefined;
  if (a) res.ansibleTasks = a.tasks;
  if (k) res.kbsTasks = k.tasks;
  if (a && k) res.diff = diffLines(a.lines, k.lines);
  return res;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((p, q) => p - q);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Timing {
  runs: number;
  how: string;
  kbs: { real: number; cpu: number };
  ansible: { real: number; cpu: number };
  failed?: string;
}

/** upgrade-cluster.yml loaded with --list-tasks, kbs and Ansible alternating */
function timeLoad(f: Flags, inv: string, stand: PlaybookResult['stand'], plain: boolean): Timing {
  const name = 'upgrade-cluster.yml';
  const kbsCmd = plain ? [process.execPath, KBS_BIN] : [process.execPath, STUBBED];
  const env: Record<string, string> = plain ? {} : { KBS_STUB_MODULES: stand.modules.join(','), KBS_STUB_ARGS: stand.args.join(',') };
  const k: Run[] = [];
  const a: Run[] = [];
  for (let i = 0; i < f.runs; i++) {
    k.push(run([...kbsCmd, 'run', '--list-tasks', '-i', inv, name], f.dir, env));
    a.push(run(['ansible-playbook', '--list-tasks', '-i', inv, name], f.dir));
  }
  const bad = k.find((r) => r.code !== 0) ?? a.find((r) => r.code !== 0);
  const how = plain ? 'bin/kbs.js as it is' : `bin/kbs.js's build with stand-ins for ${stand.modules.length} modules and ${stand.args.length} module arguments (bench/kubespray/kbs-stubbed.mjs, bundled as bin/kbs.js is)`;
  return {
    runs: f.runs,
    how,
    kbs: { real: median(k.map((r) => r.real)), cpu: median(k.map((r) => r.cpu)) },
    ansible: { real: median(a.map((r) => r.real)), cpu: median(a.map((r) => r.cpu)) },
    failed: bad ? firstError(bad) : undefined,
  };
}

function kubesprayVersion(dir: string): string {
  try {
    return execFileSync('git', ['-C', dir, 'describe', '--tags'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    const galaxy = existsSync(join(dir, 'galaxy.yml')) ? readFileSync(join(dir, 'galaxy.yml'), 'utf8') : '';
    const v = /^version:\s*(\S+)/m.exec(galaxy);
    return v ? `v${v[1]} (galaxy.yml)` : 'unknown';
  }
}

function toolVersions(): { ansible: string; kbs: string } {
  let ansible = 'missing';
  try {
    ansible = execFileSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    // reported as missing
  }
  let kbs = 'unknown';
  try {
    kbs = execFileSync('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    // not a git checkout
  }
  return { ansible, kbs };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const status = (r: Run) => (r.code === 0 ? 'ok' : `exit ${r.code}: ${cell(firstError(r))}`);

function report(f: Flags, inv: string, results: PlaybookResult[], uses: Use[], unparsable: string[], files: number, timing: Timing): string {
  const v = toolVersions();
  const out: string[] = [];
  out.push(`# kbs on Kubespray`, '');
  out.push(`- date: ${new Date().toISOString().replace(/\.\d+Z$/, 'Z')}`);
  out.push(`- Kubespray: ${kubesprayVersion(f.dir)} (${f.dir})`);
  out.push(`- ${v.ansible}; kbs ${v.kbs}; node ${process.version}`);
  out.push(`- inventory: ${f.inventory ? inv : "Kubespray's sample inventory with its commented example hosts enabled (node1-node6)"}`, '');
  out.push('## Playbooks', '');
  out.push('| playbook | kbs --syntax-check | kbs --list-tasks | stand-ins needed | tasks kbs | tasks Ansible | lines differing |');
  out.push('|---|---|---|---|---|---|---|');
  for (const r of results) {
    const stand = r.stand.modules.length + r.stand.args.length ? `${r.stand.modules.length} modules, ${r.stand.args.length} arguments` : 'none';
    const kt = r.kbsTasks ?? `error: ${cell(firstError(r.stubbed))}`;
    const at = r.ansibleTasks ?? `error: ${cell(firstError(r.ansible))}`;
    out.push(`| ${r.name} | ${status(r.syntax)} | ${status(r.list)} | ${stand} | ${kt} | ${at} | ${r.kbsTasks !== undefined && r.ansibleTasks !== undefined ? r.diff.length : '-'} |`);
  }
  out.push('');
  const modules = [...new Set(results.flatMap((r) => r.stand.modules))].sort();
  const args = [...new Set(results.flatMap((r) => r.stand.args))].sort();
  out.push('Stand-ins (what issue #14 brings; kbs refuses these at load time today):');
  out.push(`- modules (${modules.length}): ${modules.join(', ') || 'none'}`);
  out.push(`- module arguments (${args.length}): ${args.join(', ') || 'none'}`, '');
  for (const r of results) {
    if (!r.diff.length) continue;
    out.push(`### ${r.name}: ${r.diff.length} lines differ (- Ansible only, + kbs only)`, '', '```diff');
    for (const d of r.diff.slice(0, 60)) out.push(`${d.op} ${d.line}`);
    if (r.diff.length > 60) out.push(`… ${r.diff.length - 60} more`);
    out.push('```', '');
  }
  const missing = uses.filter((u) => !u.known);
  const byKind = (k: string) => uses.filter((u) => u.kind === k);
  out.push('## Names kbs lacks (static count over the playbooks, playbooks/ and roles/)', '');
  out.push(`${files} files read. Distinct names used (uses), and of them missing in kbs:`, '');
  out.push('| kind | used | missing | missing uses |', '|---|---|---|---|');
  for (const k of ['module', 'filter', 'test', 'lookup']) {
    const all = byKind(k);
    const miss = all.filter((u) => !u.known);
    out.push(`| ${k} | ${all.length} (${all.reduce((s, u) => s + u.count, 0)}) | ${miss.length} | ${miss.reduce((s, u) => s + u.count, 0)} |`);
  }
  out.push('');
  if (missing.length) {
    out.push('| kind | name | uses | first use |', '|---|---|---|---|');
    for (const u of missing) out.push(`| ${u.kind} | ${u.name} | ${u.count} | ${u.first} |`);
    out.push('');
  }
  if (unparsable.length) {
    out.push(`Templates kbs cannot parse (${unparsable.length}):`, '');
    for (const u of unparsable.slice(0, 20)) out.push(`- ${cell(u)}`);
    out.push('');
  }
  out.push('## Load time of upgrade-cluster.yml (--list-tasks, median of ' + timing.runs + ' runs each, alternating)', '');
  out.push(`kbs: ${timing.how}.`, '');
  out.push('| | wall s | CPU s (user+sys) |', '|---|---|---|');
  out.push(`| kbs | ${timing.kbs.real.toFixed(2)} | ${timing.kbs.cpu.toFixed(2)} |`);
  out.push(`| ansible-playbook | ${timing.ansible.real.toFixed(2)} | ${timing.ansible.cpu.toFixed(2)} |`);
  out.push(`| ratio Ansible / kbs | ${(timing.ansible.real / timing.kbs.real).toFixed(1)}x | ${(timing.ansible.cpu / timing.kbs.cpu).toFixed(1)}x |`);
  if (timing.failed) out.push('', `A timed run failed: ${cell(timing.failed)}`);
  out.push('');
  return out.join('\n');
}

async function main(): Promise<number> {
  const f = parseFlags(process.argv.slice(2));
  const log = (m: string) => process.stderr.write(`kubespray-check: ${m}\n`);
  if (f.build) buildKbs(log);
  await bundleStubbed();
  const work = mkdtempSync(join(tmpdir(), 'kbs-kubespray-'));
  try {
    const inv = f.inventory ?? sampleInventory(f.dir, work);
    const results: PlaybookResult[] = [];
    for (const p of f.playbooks) {
      log(`${p}: kbs --syntax-check, --list-tasks, with stand-ins; ansible-playbook --list-tasks`);
      results.push(checkPlaybook(p, f, inv));
    }
    log('counting modules, filters, tests and lookups');
    const scan = scanProject(f.dir, f.playbooks);
    log(`timing upgrade-cluster.yml (${f.runs} runs each)`);
    const up = results.find((r) => r.name === 'upgrade-cluster.yml') ?? checkPlaybook('upgrade-cluster.yml', f, inv);
    const timing = timeLoad(f, inv, up.stand, up.list.code === 0);
    const md = report(f, inv, results, scan.uses, scan.unparsable, scan.files, timing);
    process.stdout.write(md);
    if (f.out) writeFileSync(f.out, md);
    return 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().then(
  (code) => (process.exitCode = code),
  (e: Error) => {
    process.stderr.write(`kubespray-check: ${e.message}\n`);
    process.exitCode = 1;
  },
);
