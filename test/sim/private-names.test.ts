/**
 * The product must not come to depend on anything only the simulators have: no real cluster has the
 * simulator's state directory, its knobs, its private headers or its daemon marker. This test fails
 * when src/, roles/ or playbooks/ mention any of them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { SIM_DIR } from './helpers.js';

const REPO = path.resolve(SIM_DIR, '..', '..');
/** the simulator's private names (state dir, env knobs, request headers, daemon marker, unit name) */
export const PRIVATE_NAMES = [/kbs-sim/i, /KBS_SIM_/, /kbs_sim/i, /X-Kbs-Sim/i, /__kbs_sim/];

function files(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else out.push(p);
  }
  return out;
}

test('src/, roles/ and playbooks/ never mention the simulators\' private names', () => {
  const scanned = ['src', 'roles', 'playbooks'].flatMap((d) => files(path.join(REPO, d)));
  assert.ok(scanned.length > 0, 'something was scanned');
  const hits: string[] = [];
  for (const f of scanned) {
    const text = readFileSync(f, 'utf8');
    text.split('\n').forEach((line, i) => {
      for (const re of PRIVATE_NAMES) if (re.test(line)) hits.push(`${path.relative(REPO, f)}:${i + 1}: ${line.trim()}`);
    });
  }
  assert.deepEqual(hits, []);
});

test('the private-name patterns catch what they must', () => {
  for (const s of ['/var/lib/kbs-sim/cluster.json', 'KBS_SIM_ROOT', 'X-Kbs-Sim-Now', 'python3 kubeadm __kbs_sim_apiserver', 'kbs-sim-apiserver.service']) {
    assert.ok(PRIVATE_NAMES.some((re) => re.test(s)), s);
  }
  assert.ok(!PRIVATE_NAMES.some((re) => re.test('/etc/kubernetes/admin.conf kubeadm-config kbs apply')));
});
