/**
 * Keeps the benchmark runner working: `npm run bench -- --smoke` (3 machines, 1 run of each
 * scenario, its own fleet id) must write a results file with sane numbers. Timings are never
 * asserted; the counts are (one connection per host per run, at least one exec per task per host).
 * The same for the cluster benchmark (`npm run bench:cluster -- --smoke`: one pair of fresh 1 + 1
 * clusters, first run and no-op), asserting both tools converged, never timings.
 * Needs root (the fleet) and ansible-playbook; skipped otherwise.
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchResults } from '../../bench/run.js';
import type { ClusterResults } from '../../bench/cluster.js';

const isRoot = process.getuid?.() === 0;
const hasAnsible = spawnSync('sh', ['-c', 'command -v ansible-playbook'], { stdio: 'ignore' }).status === 0;
const out = mkdtempSync(join(tmpdir(), 'kbs-bench-smoke-'));
after(() => rmSync(out, { recursive: true, force: true }));

test('npm run bench -- --smoke writes sane results', { skip: isRoot && hasAnsible ? false : 'needs root and ansible-playbook', timeout: 900_000 }, () => {
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', resolve('bench/run.ts'), '--smoke', '--id', 'kbsbsmoke', '--out', out],
    { encoding: 'utf8', timeout: 880_000, maxBuffer: 64 * 1024 * 1024 },
  );
  assert.equal(r.status, 0, `bench exited ${r.status}\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`);
  for (const f of ['latest.json', 'latest.md']) assert.ok(existsSync(join(out, f)), `${f} written`);
  const res = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResults;
  assert.equal(res.mode, 'smoke');
  const scenarios = res.cells.map((c) => `${c.playbook}/${c.scenario}/${c.hosts}`).sort();
  assert.deepEqual(scenarios, ['files/1 of 30 changes/3', 'files/first run/3', 'files/no-op/3', 'system/no-op/3']);
  for (const c of res.cells) {
    const what = `${c.playbook}/${c.scenario}`;
    assert.ok(c.sane, `${what}: ${c.problems.join('; ')}`);
    assert.equal(c.runs, 1, what);
    for (const tool of ['ansible', 'kbs'] as const) {
      const w = c.wallS[tool];
      assert.ok(Number.isFinite(w.median) && w.median > 0 && w.min <= w.median && w.median <= w.max, `${what} ${tool} wall ${JSON.stringify(w)}`);
      assert.ok(c.peakRssMiB[tool].median > 10, `${what} ${tool} peak RSS ${c.peakRssMiB[tool].median} MiB`);
      // the tool used some CPU, and the machine at least as much (it ran the tool and the fleet)
      assert.ok(c.cpuS[tool].median > 0.05, `${what} ${tool} CPU ${c.cpuS[tool].median} s`);
      assert.ok(c.machineCpuS[tool].median >= c.cpuS[tool].median * 0.9, `${what} ${tool} machine CPU ${c.machineCpuS[tool].median} s`);
    }
    assert.equal(c.ratios.length, 1);
    assert.ok(Math.abs(c.ratios[0] - c.wallS.kbs.median / c.wallS.ansible.median) < 0.01, `${what}: ratio is kbs/Ansible`);
    // one ssh connection per host for the whole run
    assert.equal(c.kbs.connections.median, 3, `${what} connections`);
    const tasks = c.playbook === 'files' ? 31 : 7; // + fact gathering
    assert.ok(c.kbs.execs.median >= 3 * tasks, `${what}: ${c.kbs.execs.median} execs for ${tasks} tasks on 3 hosts`);
    // commands share a long-lived shell per host: a no-op needs few channels (facts have one each)
    if (c.scenario === 'no-op') assert.equal(c.kbs.channels.median, 3, `${what}: channels on 3 hosts`);
  }
  // the raw runs agree with the summaries: the first run changed things, the no-op nothing
  const changed = (s: string) => res.raw.find((x) => x.scenario === s && x.playbook === 'files')!.runs.map((x) => x.changed);
  assert.ok(changed('first run').every((n) => n >= 3 * 20), `first run changed ${changed('first run')}`);
  assert.deepEqual(changed('no-op'), [0, 0]);
  assert.deepEqual(changed('1 of 30 changes'), [3, 3]);
  assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /\| files \| no-op \| 3 \| 1 \|/);
  // the floor (kbs alone, facts + 30 commands that do nothing) was measured and is sane
  assert.equal(res.floor.length, 1);
  assert.deepEqual([res.floor[0].hosts, res.floor[0].runs, res.floor[0].sane], [3, 1, true]);
  assert.ok(res.floor[0].wallS.median > 0 && res.floor[0].machineCpuS.median > 0);
  assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /## The floor/);
});

test('npm run bench:cluster -- --smoke: kbs apply and ansible-playbook both converge a fresh 1 + 1 cluster and re-run as no-ops', { skip: isRoot && hasAnsible ? false : 'needs root and ansible-playbook', timeout: 1_800_000 }, () => {
  const cout = join(out, 'cluster');
  const r = spawnSync(process.execPath, ['--import', 'tsx', resolve('bench/cluster.ts'), '--smoke', '--id', 'benchsmoke', '--out', cout], {
    encoding: 'utf8',
    timeout: 1_780_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(r.status, 0, `bench:cluster exited ${r.status}\n${r.stderr.slice(-4000)}\n${r.stdout.slice(-2000)}`);
  const res = JSON.parse(readFileSync(join(cout, 'cluster.json'), 'utf8')) as ClusterResults;
  assert.equal(res.mode, 'smoke');
  assert.deepEqual(res.cells.map((c) => `${c.layout}/${c.scenario}`), ['2/first run', '2/no-op']);
  // two fresh fleets, one per tool
  assert.deepEqual(res.fleets.map((f) => `${f.id} ${f.machines}`), ['benchsmoke-a 2', 'benchsmoke-k 2']);
  for (const c of res.cells) {
    const what = c.scenario;
    assert.ok(c.sane, `${what}: ${c.problems.join('; ')}`);
    assert.equal(c.runs, 1, what);
    // both clusters have both nodes, Ready
    assert.deepEqual(c.ready, { ansible: [{ ready: 2, nodes: 2 }], kbs: [{ ready: 2, nodes: 2 }] }, what);
    assert.equal(c.ratios.length, 1);
    assert.ok(Math.abs(c.ratios[0] - c.wallS.kbs.median / c.wallS.ansible.median) < 0.01, `${what}: ratio is kbs/Ansible`);
    assert.ok(c.ratiosWithPlan[0] < c.ratios[0] && c.planS.median > 0, `${what}: the plan is timed apart`);
    assert.ok(c.speedup > 0 && c.speedupWithPlan > 0 && c.kbsCpuShare > 0 && c.kbsCpuShare < 2, `${what}: ${c.speedup} ${c.kbsCpuShare}`);
    const p = c.kbsPhases!;
    assert.ok(Math.abs(p.beforeS + p.engineS + p.afterS - c.wallS.kbs.median) < 0.05, `${what}: phases ${JSON.stringify(p)} vs wall ${c.wallS.kbs.median}`);
    assert.ok(c.kbsPlays.some((x) => x.name === 'Preflight'), `${what}: breakdown ${JSON.stringify(c.kbsPlays)}`);
  }
  // the first runs changed every host, the no-ops none (raw: the Ansible run, then kbs's)
  const changed = (s: string) => res.raw.find((x) => x.scenario === s)!.runs.map((x) => `${x.tool} ${x.changed > 0 ? 'changed' : 'none'}`);
  assert.deepEqual(changed('first run'), ['ansible changed', 'kbs changed']);
  // where this machine sets NODE_EXTRA_CA_CERTS, the no-op's kbs ran once more with it (the others without)
  const ca = !!process.env.NODE_EXTRA_CA_CERTS;
  assert.deepEqual(changed('no-op'), ['ansible none', 'kbs none', ...(ca ? ['kbs none'] : [])]);
  const noop = res.cells.find((c) => c.scenario === 'no-op')!;
  assert.equal(noop.withCa !== undefined, ca, 'the run with NODE_EXTRA_CA_CERTS is there exactly when it is set');
  if (ca) assert.ok(noop.withCa!.wallS.median > 0 && noop.withCa!.speedup > 0);
  assert.equal(res.cells.find((c) => c.scenario === 'first run')!.withCa, undefined);
  assert.match(readFileSync(join(cout, 'cluster.md'), 'utf8'), /\| 2: 1 CP \+ 1 W \| no-op \| 1 \|/);
});
