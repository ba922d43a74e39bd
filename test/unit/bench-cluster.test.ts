/**
 * The cluster benchmark's pure parts (bench/cluster*.ts): layouts and flags, the per-play breakdown
 * read from kbs's events, and the checks and ratios of a summary. The runner itself is covered by
 * test/e2e/bench-smoke.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseClusterFlags, parseLayout } from '../../bench/cluster.js';
import { breakdown, type ClusterRun } from '../../bench/cluster-tools.js';
import { caMarkdown, summarizeCluster, type ClusterCell } from '../../bench/cluster-report.js';
import { kbsEnv } from '../../bench/tools.js';
import { KbsError } from '../../src/errors.js';

test('layouts: N is one control plane and N-1 workers; Nha three control planes, a balancer and N-4 workers', () => {
  assert.deepEqual(parseLayout('3'), { name: '3', controlPlanes: 1, workers: 2, loadbalancer: false, machines: 3 });
  assert.deepEqual(parseLayout('10ha'), { name: '10ha', controlPlanes: 3, workers: 6, loadbalancer: true, machines: 10 });
  for (const bad of ['1', '4ha', 'x', '31', '3 ha']) assert.throws(() => parseLayout(bad), KbsError, bad);
});

test('flags: the smoke mode is one pair of 1 control plane + 1 worker; bad values are usage errors', () => {
  const s = parseClusterFlags(['--smoke']);
  assert.deepEqual([s.runs, s.layouts.map((l) => l.name)], [1, ['2']]);
  const f = parseClusterFlags(['--runs', '3', '--layouts', '3,10ha', '--id', 'benchx']);
  assert.deepEqual([f.runs, f.layouts.map((l) => l.name), f.id], [3, ['3', '10ha'], 'benchx']);
  assert.deepEqual(parseClusterFlags([]).layouts.map((l) => l.name), ['3', '10']);
  for (const bad of [['--runs', '0'], ['--id', 'Bad'], ['--id', 'a'.repeat(30)], ['--what']]) assert.throws(() => parseClusterFlags(bad), KbsError, bad.join(' '));
});

test('breakdown: seconds per play and the slowest tasks, from task_start/task_end events', () => {
  const ev = (o: Record<string, unknown>) => JSON.stringify(o);
  const out = [
    ev({ type: 'kbs_plan' }),
    ev({ type: 'play_start', play: 'Preflight' }),
    ev({ type: 'task_start', task: 'Gathering Facts', id: 1 }),
    ev({ type: 'task_end', task: 'Gathering Facts', id: 1, durationMs: 500 }),
    ev({ type: 'task_start', task: 'apt', id: 2, role: 'preflight' }),
    ev({ type: 'task_end', task: 'apt', id: 2, durationMs: 4000 }),
    ev({ type: 'play_start', play: 'kubeadm init' }),
    ev({ type: 'task_start', task: 'kubeadm init', id: 3, role: 'kubeadm_init' }),
    ev({ type: 'task_end', task: 'kubeadm init', id: 3, durationMs: 7250 }),
    'not json',
  ].join('\n');
  const b = breakdown(out, 2);
  assert.deepEqual(b.plays, [
    { name: 'Preflight', seconds: 4.5 },
    { name: 'kubeadm init', seconds: 7.25 },
  ]);
  assert.deepEqual(b.tasks, [
    { name: 'kubeadm init / kubeadm_init: kubeadm init', seconds: 7.25 },
    { name: 'Preflight / preflight: apt', seconds: 4 },
  ]);
});

function run(tool: 'ansible' | 'kbs', wallMs: number, changed: number, extra: Partial<ClusterRun> = {}): ClusterRun {
  const recap = Object.fromEntries(['n1', 'n2'].map((h) => [h, { ok: 5, changed, unreachable: 0, failed: 0 }]));
  return {
    tool,
    code: 0,
    wallMs,
    peakRssMiB: 100,
    cpuS: tool === 'kbs' ? 1 : 5,
    machineCpuS: 10,
    recap,
    kbs: tool === 'kbs' ? { durationMs: wallMs - 1000, connections: 2, execs: 40, channels: 4 } : undefined,
    ...extra,
  };
}

test('summary: ratios with and without the plan, Ready checks, changed checks on a no-op', () => {
  const cell: ClusterCell = {
    playbook: 'cluster',
    layout: '2',
    scenario: 'no-op',
    hosts: 2,
    expectChanged: 0,
    runs: { ansible: [run('ansible', 40_000, 0, { planS: 10 })], kbs: [run('kbs', 5_000, 0, { phases: { beforeS: 2, engineS: 2.5, afterS: 0.5 } })] },
    ready: { ansible: [{ ready: 2, nodes: 2 }], kbs: [{ ready: 2, nodes: 2 }] },
  };
  const s = summarizeCluster(cell);
  assert.ok(s.sane, s.problems.join('; '));
  assert.deepEqual([s.ratios, s.speedup, s.ratiosWithPlan, s.speedupWithPlan], [[0.125], 8, [0.1], 10]);
  assert.equal(s.kbsCpuShare, 0.2);
  assert.deepEqual(s.kbsPhases, { beforeS: 2, engineS: 2.5, afterS: 0.5 });

  const bad = summarizeCluster({
    ...cell,
    runs: { ansible: [run('ansible', 40_000, 1, { planS: 10 })], kbs: cell.runs.kbs },
    ready: { ansible: [{ ready: 2, nodes: 2 }], kbs: [{ ready: 1, nodes: 2 }] },
  });
  assert.equal(bad.sane, false);
  assert.ok(bad.problems.some((p) => /ansible n1: changed=1, expected 0/.test(p)), bad.problems.join('; '));
  assert.ok(bad.problems.some((p) => /kbs run 1: 1 of 2 nodes Ready, expected 2/.test(p)), bad.problems.join('; '));
  assert.equal(s.withCa, undefined, 'no run with NODE_EXTRA_CA_CERTS, no comparison');
  // the no-op once more with NODE_EXTRA_CA_CERTS: its own wall times and speed-up, and checked as a no-op
  const ca = summarizeCluster({ ...cell, runs: { ...cell.runs, kbsCa: [run('kbs', 8_000, 0)] } });
  assert.ok(ca.sane, ca.problems.join('; '));
  assert.deepEqual(ca.withCa, { wallS: { median: 8, min: 8, max: 8 }, ratios: [0.2], speedup: 5 });
  assert.match(caMarkdown([s, ca], '/etc/ca.pem'), /with NODE_EXTRA_CA_CERTS=\/etc\/ca\.pem[\s\S]*\| 2: 1 CP \+ 1 W \| no-op \| 40\.0 \| 5\.00 \| 8\.00 \| 0\.200 \| 5\.0× \|/);
  assert.equal(caMarkdown([s], undefined), '', 'no section without such runs');
  const caBad = summarizeCluster({ ...cell, runs: { ...cell.runs, kbsCa: [run('kbs', 8_000, 1)] } });
  assert.ok(caBad.problems.some((p) => /^with NODE_EXTRA_CA_CERTS, run 1: kbs n1: changed=1, expected 0$/.test(p)), caBad.problems.join('; '));
  // an HA layout's balancer is a host but not a node
  const ha = summarizeCluster({ ...cell, layout: '5ha', hosts: 2, ready: { ansible: [{ ready: 1, nodes: 1 }], kbs: [{ ready: 1, nodes: 1 }] } });
  assert.ok(ha.sane, ha.problems.join('; '));
});

test('kbsEnv: the environment without NODE_EXTRA_CA_CERTS, the rest kept', () => {
  assert.deepEqual(kbsEnv({ PATH: '/bin', NODE_EXTRA_CA_CERTS: '/etc/ca.pem', HOME: '/root' }), { PATH: '/bin', HOME: '/root' });
  assert.deepEqual(kbsEnv({ PATH: '/bin' }), { PATH: '/bin' });
});
