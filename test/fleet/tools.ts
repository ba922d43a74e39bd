/** Host prerequisites: install the Debian packages the fleet needs when a tool is missing. */
import { accessSync, constants } from 'node:fs';
import { KbsError } from '../../src/errors.js';
import { run, tail } from './exec.js';

/** tool → Debian package that provides it */
const TOOLS: Record<string, string> = {
  'systemd-nspawn': 'systemd-container',
  debootstrap: 'debootstrap',
  ssh: 'openssh-client',
  'ssh-keygen': 'openssh-client',
  'dpkg-scanpackages': 'dpkg-dev',
  ip: 'iproute2',
  nsenter: 'util-linux',
  flock: 'util-linux',
};

const PATH_DIRS = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function which(tool: string): string | undefined {
  for (const d of PATH_DIRS) {
    try {
      accessSync(`${d}/${tool}`, constants.X_OK);
      return `${d}/${tool}`;
    } catch {
      /* next */
    }
  }
  return undefined;
}

export function missingPackages(): string[] {
  const pkgs = new Set<string>();
  for (const [tool, pkg] of Object.entries(TOOLS)) if (!which(tool)) pkgs.add(pkg);
  return [...pkgs].sort();
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new KbsError('USAGE', 'the fleet needs root (namespaces, mounts, bridges)', {
      hint: 'run it as root, e.g. sudo node --import tsx test/fleet/cli.ts up 3',
    });
  }
}

/** apt-get install what is missing; apt-get update first when the install fails */
export async function ensureHostTools(log: (msg: string) => void = () => undefined): Promise<void> {
  requireRoot();
  const pkgs = missingPackages();
  if (pkgs.length === 0) return;
  log(`installing host packages: ${pkgs.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    run('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...pkgs], { env, timeoutMs: 900_000 });
  let r = await install();
  if (r.rc !== 0) {
    await run('apt-get', ['update', '-q'], { env, timeoutMs: 600_000 });
    r = await install();
  }
  const still = missingPackages();
  if (r.rc !== 0 || still.length > 0) {
    throw new KbsError('INTERNAL', `could not install host packages: ${pkgs.join(' ')}`, {
      hint: tail(r.stderr || r.stdout, 6),
    });
  }
}
