/** What the benchmark needs before it measures: Ansible, a built kbs, a fleet, per-size inventories. */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { KbsError } from '../src/errors.js';
import { inventoryYaml, status, up, type FleetInfo } from '../test/fleet/index.js';
import { writeFileAtomic } from '../test/fleet/state.js';
import { ROOT } from './tools.js';

export type Log = (m: string) => void;

/** Debian's ansible when ansible-playbook is missing (root only). */
export function ensureAnsible(log: Log): void {
  if (spawnSync('sh', ['-c', 'command -v ansible-playbook'], { stdio: 'ignore' }).status === 0) return;
  if (process.getuid?.() !== 0) throw new KbsError('USAGE', 'ansible-playbook is missing', { hint: 'apt-get install ansible (as root)' });
  log('installing ansible from Debian');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'ansible'], { stdio: 'inherit', env });
}

/** tsc into dist/, then the bundle dist/kbs.cjs that bin/kbs.js runs. Type errors in files being edited elsewhere only warn. */
export function buildKbs(log: Log): void {
  log('building kbs (tsc, then the bundle dist/kbs.cjs)');
  const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(ROOT, 'tsconfig.json')], { encoding: 'utf8' });
  if (r.status !== 0) log(`tsc exited ${r.status} (the build is used anyway):\n${(r.stdout ?? '') + (r.stderr ?? '')}`.slice(0, 2000));
  if (!existsSync(join(ROOT, 'dist/src/cli/main.js'))) throw new KbsError('STATE', 'the build produced no dist/src/cli/main.js');
  // bin/kbs.js runs the bundle, as `npm run build` makes it
  const b = spawnSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { encoding: 'utf8' });
  if (b.status !== 0) throw new KbsError('STATE', `bundling dist/kbs.cjs failed:\n${(b.stdout ?? '') + (b.stderr ?? '')}`.slice(0, 2000));
}

/** Does the fleet's apt repository (Packages.gz at URL) offer PKG? */
async function repoOffers(url: string, pkg: string): Promise<boolean> {
  try {
    const res = await fetch(`${url.replace(/\/$/, '')}/Packages.gz`, { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return false;
    const text = gunzipSync(Buffer.from(await res.arrayBuffer())).toString('utf8');
    return new RegExp(`^Package: ${pkg}$`, 'm').test(text);
  } catch {
    return false;
  }
}

/**
 * Reuse a running fleet with at least n running machines whose apt repository has python3-apt,
 * else boot one (replacing leftovers and a fleet booted without it, e.g. by `npm run fleet -- up`).
 */
export async function ensureFleet(id: string, n: number, log: Log): Promise<{ info: FleetInfo; booted: boolean; bootS: number }> {
  // Ansible's apt module needs python3-apt on the hosts: put it in the fleet's apt repository
  const extra = (process.env.KBS_FLEET_EXTRA_PACKAGES ?? '').split(/[\s,]+/).filter(Boolean);
  if (!extra.includes('python3-apt')) process.env.KBS_FLEET_EXTRA_PACKAGES = [...extra, 'python3-apt'].join(' ');
  const s = await status({ id });
  const running = s.machines.filter((m) => m.state === 'running' && m.net === 'up').length;
  if (s.status === 'up' && s.info && s.info.machines.length >= n && running >= n) {
    if (await repoOffers(s.info.aptRepo, 'python3-apt')) {
      log(`reusing fleet "${id}" (${s.info.machines.length} machines)`);
      return { info: s.info, booted: false, bootS: 0 };
    }
    log(`fleet "${id}" was booted without python3-apt in its apt repository: booting it again`);
  }
  log(`booting fleet "${id}" with ${n} machines`);
  const t0 = Date.now();
  const info = await up(n, { id, replace: true, log: (m) => log(`fleet: ${m}`) });
  return { info, booted: true, bootS: (Date.now() - t0) / 1000 };
}

/** one inventory per size, holding machines 1..size */
export function writeInventories(info: FleetInfo, sizes: number[], dir: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const n of sizes) {
    const path = join(dir, `inventory-${n}.yml`);
    writeFileAtomic(path, inventoryYaml({ ...info, machines: info.machines.slice(0, n) }));
    out.set(n, path);
  }
  return out;
}

export interface MachineInfo {
  nproc: number;
  cpu: string;
  memGiB: number;
  kernel: string;
  loadavg: string;
}

export function machineInfo(): MachineInfo {
  const kernel = readFileSync('/proc/sys/kernel/osrelease', 'utf8').trim();
  return {
    nproc: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    kernel,
    loadavg: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
  };
}
