/**
 * The base image: a debootstrap'ed Debian 12 (minbase + systemd + sshd), cached under
 * /var/lib/kbs-fleet/base-<hash of the recipe>/rootfs. Machines are overlays over it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { CACHE_DIR } from './config.js';
import { run, tail } from './exec.js';
import { acquireLock } from './lock.js';
import { umountBelow } from './mounts.js';
import { bootstrapMirror } from './mirror.js';

export const BASE_RECIPE = {
  suite: 'bookworm',
  variant: 'minbase',
  include: [
    'systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'sudo', 'python3',
    'ca-certificates', 'curl', 'openssl', 'kmod', 'procps',
  ],
  // bump when the post-processing below changes
  post: 5,
};

/** sshd: key auth only, one host key type (generated per machine by the fleet) */
const SSHD_CONF = `# written by the kbs fleet
HostKey /etc/ssh/ssh_host_ed25519_key
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
MaxStartups 100:30:200
MaxSessions 100
`;

export function baseHash(): string {
  return createHash('sha256').update(JSON.stringify(BASE_RECIPE)).digest('hex').slice(0, 12);
}

export function baseDir(): string {
  return join(CACHE_DIR, `base-${baseHash()}`);
}

/** path of the ready base rootfs; builds it (once, under a machine-wide lock) when missing */
export async function ensureBase(log: (msg: string) => void = () => undefined): Promise<string> {
  const dir = baseDir();
  const rootfs = join(dir, 'rootfs');
  if (existsSync(join(dir, 'ready'))) return rootfs;
  const lock = await acquireLock(join(CACHE_DIR, 'build.lock'), 'the fleet image build', 1800);
  try {
    if (existsSync(join(dir, 'ready'))) return rootfs;
    const mirror = bootstrapMirror();
    log(`building the base image with debootstrap from ${mirror} (about a minute)`);
    const tmp = `${dir}.tmp`;
    await umountBelow(tmp); // a killed debootstrap leaves proc/sys mounted in its target
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true });
    const r = await run(
      'debootstrap',
      [`--variant=${BASE_RECIPE.variant}`, `--include=${BASE_RECIPE.include.join(',')}`, BASE_RECIPE.suite, join(tmp, 'rootfs'), mirror],
      { timeoutMs: 1_200_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } },
    );
    if (r.rc !== 0) {
      throw new KbsError('INTERNAL', 'debootstrap failed', {
        hint: `${tail(r.stdout + r.stderr, 6)}\n(see ${join(tmp, 'rootfs/debootstrap/debootstrap.log')})`,
      });
    }
    postProcess(join(tmp, 'rootfs'));
    writeFileSync(join(tmp, 'recipe.json'), JSON.stringify({ ...BASE_RECIPE, mirror }, null, 2));
    writeFileSync(join(tmp, 'ready'), new Date().toISOString() + '\n');
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return rootfs;
  } finally {
    await lock.release();
  }
}

function postProcess(root: string): void {
  const w = (rel: string, content: string, mode = 0o644) => {
    mkdirSync(join(root, rel, '..'), { recursive: true });
    writeFileSync(join(root, rel), content, { mode });
  };
  // no Debian mirror: the machines only know the fleet's repository (added per machine)
  w('etc/apt/sources.list', '');
  for (const f of safeList(join(root, 'etc/apt/sources.list.d'))) unlinkSync(join(root, 'etc/apt/sources.list.d', f));
  w('etc/apt/apt.conf.d/99kbs-fleet', 'Acquire::Languages "none";\nAcquire::Retries "3";\n');
  rmSync(join(root, 'var/lib/apt/lists'), { recursive: true, force: true });
  mkdirSync(join(root, 'var/lib/apt/lists/partial'), { recursive: true });
  for (const f of safeList(join(root, 'var/cache/apt/archives'))) if (f.endsWith('.deb')) unlinkSync(join(root, 'var/cache/apt/archives', f));
  // per-machine identity is written by the fleet: no shared host keys or machine-id
  for (const f of safeList(join(root, 'etc/ssh'))) if (f.startsWith('ssh_host_')) unlinkSync(join(root, 'etc/ssh', f));
  w('etc/ssh/sshd_config.d/kbs-fleet.conf', SSHD_CONF);
  w('etc/machine-id', '');
  rmSync(join(root, 'var/lib/dbus/machine-id'), { force: true });
  w('etc/hostname', 'localhost\n');
  // no DNS on the fleet's network: fail fast instead of waiting for the host's resolver
  rmSync(join(root, 'etc/resolv.conf'), { force: true });
  w('etc/resolv.conf', '# the kbs fleet has no DNS; machines know each other from /etc/hosts\n');
  // a container has no real consoles or hardware clocks to wait for
  for (const unit of ['getty@tty1.service', 'systemd-timesyncd.service', 'apt-daily.timer', 'apt-daily-upgrade.timer', 'e2scrub_all.timer', 'fstrim.timer']) {
    const link = join(root, 'etc/systemd/system', unit);
    rmSync(link, { force: true });
    mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
    symlinkDevNull(link);
  }
  mkdirSync(join(root, 'root/.ssh'), { recursive: true, mode: 0o700 });
}

function symlinkDevNull(link: string): void {
  try {
    symlinkSync('/dev/null', link); // masked
  } catch {
    /* already there */
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
