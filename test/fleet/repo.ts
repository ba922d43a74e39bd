/**
 * The fleet's Debian package repository: the packages the roles install (and their dependencies
 * that the base image lacks), downloaded once from this machine's mirror into
 * /var/lib/kbs-fleet/repo-<hash>/, indexed as a flat repository (Packages, Packages.gz, Release).
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { KbsError } from '../../src/errors.js';
import { CACHE_DIR } from './config.js';
import { run, runOk, tail } from './exec.js';
import { baseHash } from './image.js';
import { acquireLock } from './lock.js';
import { umountBelow } from './mounts.js';
import { hostSources, sourcesList } from './mirror.js';

/**
 * what the roles install (the first five are the contract, then kubeadm's host tools), and what
 * the git and synchronize module tests install on a machine
 */
export const REPO_PACKAGES = [
  'containerd', 'runc', 'etcd-server', 'etcd-client', 'haproxy',
  'conntrack', 'socat', 'ethtool', 'iptables', 'ebtables', 'iputils-ping',
  'git', 'rsync',
];

export function repoPackages(): string[] {
  const extra = (process.env.KBS_FLEET_EXTRA_PACKAGES ?? '').split(/[\s,]+/).filter(Boolean);
  return [...new Set([...REPO_PACKAGES, ...extra])];
}

export function repoDir(): string {
  const recipe = JSON.stringify({ base: baseHash(), pkgs: repoPackages(), v: 2 });
  return join(CACHE_DIR, `repo-${createHash('sha256').update(recipe).digest('hex').slice(0, 12)}`);
}

/** the cached repository folder, downloaded and indexed when missing */
export async function ensureRepo(baseRootfs: string, log: (m: string) => void = () => undefined): Promise<string> {
  const dir = repoDir();
  if (existsSync(join(dir, 'Packages.gz'))) return dir;
  const lock = await acquireLock(join(CACHE_DIR, 'build.lock'), 'the fleet repository build', 1800);
  try {
    if (existsSync(join(dir, 'Packages.gz'))) return dir;
    log(`downloading ${repoPackages().join(' ')} and their dependencies into ${dir}`);
    const staging = `${dir}.tmp`;
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    await downloadDebs(baseRootfs, `${dir}.build`, staging);
    await indexRepo(staging);
    renameSync(staging, dir);
    rmSync(`${dir}.build`, { recursive: true, force: true });
    return dir;
  } finally {
    await lock.release();
  }
}

/** apt-get install --download-only in a throw-away overlay of the base with the host's mirror */
async function downloadDebs(baseRootfs: string, work: string, dest: string): Promise<void> {
  await umountBelow(work); // left by a killed build
  rmSync(work, { recursive: true, force: true });
  const d = { upper: join(work, 'upper'), work: join(work, 'work'), root: join(work, 'root') };
  for (const x of Object.values(d)) mkdirSync(x, { recursive: true });
  await runOk('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${baseRootfs},upperdir=${d.upper},workdir=${d.work}`, d.root]);
  try {
    writeFileSync(join(d.root, 'etc/apt/sources.list'), sourcesList(hostSources()));
    const pkgs = repoPackages();
    const script = `set -e; apt-get -q update; apt-get -q install -y --download-only ${pkgs.join(' ')}`;
    const r = await run(
      'systemd-nspawn',
      ['-q', '-D', d.root, `--machine=kbs-repo-${process.pid}`, '--register=no', '--keep-unit', '--resolv-conf=copy-host',
        '--link-journal=no', '--timezone=off', '-E', 'DEBIAN_FRONTEND=noninteractive', '/bin/sh', '-c', script],
      { timeoutMs: 1_200_000, input: '' },
    );
    if (r.rc !== 0) {
      throw new KbsError('INTERNAL', 'downloading the fleet packages failed', { hint: tail(r.stdout + r.stderr, 8) });
    }
    const archives = join(d.root, 'var/cache/apt/archives');
    const debs = readdirSync(archives).filter((f) => f.endsWith('.deb'));
    for (const p of pkgs) {
      if (!debs.some((f) => f.startsWith(`${p}_`))) {
        // already in the base image: that is fine only when dpkg says so
        const st = await run('chroot', [d.root, 'dpkg-query', '-W', '-f=${Status}', p]);
        if (!st.stdout.includes('install ok installed')) {
          throw new KbsError('INTERNAL', `package ${p} was not downloaded`, { hint: tail(r.stdout, 8) });
        }
      }
    }
    for (const f of debs) copyFileSync(join(archives, f), join(dest, f));
  } finally {
    await run('umount', [d.root]);
  }
}

/** Packages, Packages.gz and an (unsigned) Release file for `deb [trusted=yes] URL ./` */
export async function indexRepo(dir: string): Promise<void> {
  const r = await runOk('dpkg-scanpackages', ['--multiversion', '.', '/dev/null'], { cwd: dir });
  const packages = r.stdout;
  writeFileSync(join(dir, 'Packages'), packages);
  writeFileSync(join(dir, 'Packages.gz'), gzipSync(packages));
  const files = ['Packages', 'Packages.gz'].map((f) => ({ f, data: readFileSync(join(dir, f)) }));
  const sums = (algo: string) =>
    files.map(({ f, data }) => ` ${createHash(algo).update(data).digest('hex')} ${data.length} ${f}`).join('\n');
  writeFileSync(
    join(dir, 'Release'),
    `Origin: kbs-fleet\nLabel: kbs-fleet\nDate: ${new Date().toUTCString()}\nMD5Sum:\n${sums('md5')}\nSHA256:\n${sums('sha256')}\n`,
  );
}
