/**
 * Custom Python modules (library/ of a role and beside the playbook, a custom module_utils,
 * AnsibleModule from the workstation's ansible-core) through `kbs run` over a real sshd, against
 * ansible-playbook 2.14 on the same playbook (test/fixtures/pylib): the registered results (shown
 * by debug), the files written and the recap must be the same, first run, second run and under
 * --check; a module found nowhere and a workstation without ansible-core are refused before any
 * host is contacted (exit 4).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runAnsibleLocal, runKbsLocal, type LocalRun } from '../helpers/compare-debug.js';
import { kbs } from '../helpers/kbs.js';
import { startHosts, stopHosts, type SshdHosts } from './modules-ssh-shared.js';
import type { Sshd } from '../helpers/sshd.js';

const FIXTURE = resolve('test/fixtures/pylib');
let sshd: Sshd | undefined;
let work: string | undefined;
let h: SshdHosts;

before(async () => {
  h = await startHosts('pylib');
  sshd = h.sshd;
  work = h.work;
});
after(() => stopHosts(sshd, work));

function outDir(name: string): string {
  const d = join(h.work, name);
  mkdirSync(d, { recursive: true });
  chmodSync(d, 0o777);
  return d;
}

/** the files written by the runs in `dir`, host and letter → content */
function files(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f), 'utf8');
  return out;
}

const both = async (out: string, extra: string[] = []): Promise<{ a: LocalRun; k: LocalRun }> => {
  const pb = join(FIXTURE, 'site.yml');
  const a = await runAnsibleLocal(h.work, ['-i', h.inv, pb, '-e', `out=${out}/a`, ...extra]);
  const k = await runKbsLocal([pb, '-i', h.inv, '-e', `out=${out}/k`, ...extra]);
  return { a, k };
};

test('a role library module with custom module_utils: the same results, files and recap as ansible-playbook, first and second run', async () => {
  const out = outDir('run');
  outDir('run/a');
  outDir('run/k');
  const { a, k } = await both(out);
  assert.equal(a.code, 0, a.out.slice(-3000));
  assert.equal(k.code, 0, k.out.slice(-3000));
  assert.deepEqual(k.msgs, a.msgs);
  assert.deepEqual(runRecap(k), ansibleStats(a));
  assert.deepEqual(files(join(out, 'k')), files(join(out, 'a')));
  assert.equal(readFileSync(join(out, 'k', 'asuser-b.txt'), 'utf8'), 'BOB!BOB!\n');
  const g1 = k.msgs.asroot[1] as Record<string, unknown>;
  assert.equal(g1.changed, true);
  assert.equal(g1.greeting, 'ALICE!');
  assert.deepEqual(g1.warnings, ['greet warns about alice']);
  assert.deepEqual(g1.stdout_lines, ['first', 'second']);
  assert.equal((k.msgs.asuser[1] as Record<string, unknown>).uid, 0, 'become: the module ran as root');
  assert.equal((k.msgs.asroot[3] as Record<string, unknown>).msg, 'asked to fail: CAROL!');
  assert.equal((k.msgs.asroot[6] as Record<string, unknown>).custom, true, 'library/stat.py wins over the built-in stat');
  assert.deepEqual(k.msgs.asroot[0], 'bob bob', 'the facts a module returns are set');

  const again = await both(out);
  assert.deepEqual(again.k.msgs, again.a.msgs);
  assert.equal((again.k.msgs.asroot[1] as Record<string, unknown>).changed, false);
  assert.deepEqual(runRecap(again.k), ansibleStats(again.a));
});

test('--check: the same results as ansible-playbook --check, nothing written, a module without check mode skipped', async () => {
  const out = outDir('check');
  outDir('check/a');
  outDir('check/k');
  const { a, k } = await both(out, ['--check']);
  assert.equal(k.code, a.code, a.out.slice(-3000));
  assert.deepEqual(k.msgs, a.msgs);
  assert.deepEqual(runRecap(k), ansibleStats(a));
  assert.deepEqual(files(join(out, 'k')), {});
  const g4 = k.msgs.asroot[4] as Record<string, unknown>;
  assert.equal(g4.skipped, true);
  assert.match(String(g4.msg), /does not support check mode/);
});

test('a module found nowhere: exit 4 before any host is contacted, as ansible-playbook', async () => {
  const pb = join(FIXTURE, 'missing.yml');
  const a = await runAnsibleLocal(h.work, ['-i', h.inv, pb]);
  const k = await kbs(['run', pb, '-i', h.inv]);
  assert.equal(a.code, 4, a.out.slice(-2000));
  assert.equal(k.code, 4, k.stdout + k.stderr);
  assert.match(k.stderr, /missing\.yml:5:7: error: unknown module or keyword "no_such_custom_module"/);
  assert.match(k.stderr, /library\//);
  assert.equal(k.events.filter((e) => e.type === 'host_result').length, 0);
});

test('no ansible-core on the workstation: exit 4 at load time naming the module and what it needs', async () => {
  // a copy of the fixture (a module is bundled once per process), and a Python without ansible
  const dir = join(h.work, 'nocore');
  cpSync(FIXTURE, dir, { recursive: true });
  const py = join(h.work, 'python-without-ansible');
  writeFileSync(py, '#!/bin/sh\nexec /usr/bin/python3 -S "$@"\n');
  chmodSync(py, 0o755);
  const saved = process.env.KBS_ANSIBLE_PYTHON;
  process.env.KBS_ANSIBLE_PYTHON = py;
  try {
    const marker = join(h.work, 'nocore-out');
    const k = await kbs(['run', join(dir, 'site.yml'), '-i', h.inv, '-e', `out=${marker}`]);
    assert.equal(k.code, 4, k.stdout + k.stderr);
    assert.match(k.stderr, /roles\/greeter\/tasks\/main\.yml:2:3: error: module greet \(.*greet\.py\) needs ansible-core on this workstation/);
    assert.match(k.stderr, /hint: install ansible-core/);
    assert.equal(k.events.filter((e) => e.type === 'host_result').length, 0);
    assert.equal(existsSync(marker), false);
  } finally {
    if (saved === undefined) delete process.env.KBS_ANSIBLE_PYTHON;
    else process.env.KBS_ANSIBLE_PYTHON = saved;
  }
});

/** the recap of a kbs run read from its JSON events */
function runRecap(r: LocalRun): Record<string, unknown> {
  for (const line of r.out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line) as { type: string; stats?: Record<string, unknown> };
    if (e.type === 'recap') return e.stats ?? {};
  }
  return {};
}

/** the stats of ansible-playbook's json callback, as kbs's recap */
function ansibleStats(r: LocalRun): Record<string, unknown> {
  const start = r.out.indexOf('{\n');
  const end = r.out.lastIndexOf('\n}');
  const doc = JSON.parse(r.out.slice(start, end + 2)) as { stats: Record<string, Record<string, number>> };
  const out: Record<string, unknown> = {};
  for (const [h, s] of Object.entries(doc.stats)) {
    out[h] = { ok: s.ok, changed: s.changed, unreachable: s.unreachable, failed: s.failures, skipped: s.skipped, rescued: s.rescued, ignored: s.ignored };
  }
  return out;
}
