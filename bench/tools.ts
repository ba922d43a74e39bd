/**
 * The two tools under test: how each is invoked, with which settings, and how its recap is read.
 *   ansible-playbook: pipelining, ControlPersist 600 s (no compression), forks = hosts, fact
 *     caching (jsonfile) with smart gathering, a fixed interpreter (no discovery), host keys checked.
 *   kbs run: the built CLI (dist/) with --output json; the recap event carries its own counters.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { measure, type Measured } from './measure.js';

export type Tool = 'ansible' | 'kbs';

export interface HostCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
}

export interface RunResult {
  tool: Tool;
  code: number;
  wallMs: number;
  peakRssMiB: number;
  /** the tool's own CPU seconds, and the whole machine's busy CPU seconds during the run */
  cpuS: number;
  machineCpuS: number;
  /** per host recap counts */
  recap: Record<string, HostCounts>;
  /** kbs only: its own duration and counters */
  kbs?: { durationMs: number; connections: number; execs: number; channels: number };
  /** tail of the output when the run failed */
  error?: string;
}

export const ROOT = resolve(new URL('..', import.meta.url).pathname);
export const KBS_BIN = join(ROOT, 'bin/kbs.js');

/** The Ansible settings used, as environment variables (also printed in the results). */
export function ansibleEnv(work: string, forks: number): Record<string, string> {
  return {
    ANSIBLE_PIPELINING: 'True',
    ANSIBLE_SSH_ARGS: '-o ControlMaster=auto -o ControlPersist=600s',
    // unix socket paths are short: keep the control path dir short
    ANSIBLE_SSH_CONTROL_PATH_DIR: '/tmp/kbsbench-cp',
    ANSIBLE_FORKS: String(forks),
    ANSIBLE_GATHERING: 'smart',
    ANSIBLE_CACHE_PLUGIN: 'jsonfile',
    ANSIBLE_CACHE_PLUGIN_CONNECTION: join(work, 'ansible-facts'),
    ANSIBLE_CACHE_PLUGIN_TIMEOUT: '86400',
    ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3',
    ANSIBLE_HOST_KEY_CHECKING: 'True',
    ANSIBLE_RETRY_FILES_ENABLED: 'False',
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_LOCAL_TEMP: join(work, 'ansible-tmp'),
    ANSIBLE_HOME: join(work, 'ansible-home'),
  };
}

/** "first run on fresh machines": no cached facts either */
export function clearAnsibleFactCache(work: string): void {
  rmSync(join(work, 'ansible-facts'), { recursive: true, force: true });
}

export function parseAnsibleRecap(out: string): Record<string, HostCounts> {
  const stats: Record<string, HostCounts> = {};
  const re = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)/gm;
  for (const m of out.matchAll(re)) {
    const [ok, changed, unreachable, failed] = m.slice(2).map(Number);
    stats[m[1]] = { ok, changed, unreachable, failed };
  }
  return stats;
}

interface KbsRecap {
  type: 'recap';
  stats: Record<string, HostCounts>;
  durationMs: number;
  connections: number;
  execs: number;
  channels: number;
}

export function parseKbsRecap(stdout: string): KbsRecap | undefined {
  const lines = stdout.split('\n');
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('{"type":"recap"')) continue;
    return JSON.parse(lines[i]) as KbsRecap;
  }
  return undefined;
}

export interface Invocation {
  playbook: string;
  inventory: string;
  forks: number;
  extraVars?: Record<string, string>;
  work: string;
  /** extra node flags for kbs (e.g. --cpu-prof) */
  nodeFlags?: string[];
}

function extra(inv: Invocation): string[] {
  return Object.entries(inv.extraVars ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
}

const tail = (m: Measured) => (m.stdout + '\n' + m.stderr).slice(-4000);

export async function runAnsible(inv: Invocation): Promise<RunResult> {
  mkdirSync(join(inv.work, 'ansible-tmp'), { recursive: true });
  const env = { ...process.env, ...ansibleEnv(inv.work, inv.forks) };
  const m = await measure('ansible-playbook', ['-i', inv.inventory, inv.playbook, '-f', String(inv.forks), ...extra(inv)], { env, timeoutMs: 900_000 });
  const r: RunResult = { tool: 'ansible', code: m.code, wallMs: m.wallMs, peakRssMiB: m.peakRssMiB, cpuS: m.cpuS, machineCpuS: m.machineCpuS, recap: parseAnsibleRecap(m.stdout) };
  if (m.code !== 0) r.error = tail(m);
  return r;
}

/** A measured kbs run (JSON output) as a RunResult: the measures, the recap and kbs's own counters. */
export function kbsResult(m: Measured): RunResult {
  const recap = parseKbsRecap(m.stdout);
  return {
    tool: 'kbs',
    code: m.code,
    wallMs: m.wallMs,
    peakRssMiB: m.peakRssMiB,
    cpuS: m.cpuS,
    machineCpuS: m.machineCpuS,
    recap: recap?.stats ?? {},
    kbs: recap ? { durationMs: recap.durationMs, connections: recap.connections, execs: recap.execs, channels: recap.channels } : undefined,
  };
}

export async function runKbs(inv: Invocation): Promise<RunResult> {
  const args = [...(inv.nodeFlags ?? []), KBS_BIN, 'run', inv.playbook, '-i', inv.inventory, '--output', 'json', '-f', String(Math.max(50, inv.forks)), ...extra(inv)];
  const m = await measure(process.execPath, args, { timeoutMs: 900_000, cwd: inv.work });
  const r = kbsResult(m);
  if (m.code !== 0 || !r.kbs) r.error = tail(m);
  return r;
}

/**
 * The environment of every kbs command the cluster benchmark times: the bench's own without
 * NODE_EXTRA_CA_CERTS. Node 20 reads that file at every start, before the first line of kbs runs,
 * and builds its whole root certificate store with it (~40 ms on this machine, which sets it for its
 * own package proxy); a kbs apply makes no TLS connection from the workstation. The benchmark also
 * times a kbs no-op with the variable kept (docs/benchmarks.md).
 */
export function kbsEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { NODE_EXTRA_CA_CERTS: _dropped, ...rest } = env;
  return rest;
}

export function versions(): { node: string; ansible: string } {
  let ansible = 'missing';
  try {
    ansible = execFileSync('ansible-playbook', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
  } catch {
    // reported as missing
  }
  return { node: process.version, ansible };
}
