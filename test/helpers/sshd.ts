/**
 * A real OpenSSH server on 127.0.0.1 for integration tests (runs as root).
 *
 *   await ensureOpenSsh();
 *   const sshd = await startSshd();
 *   ... connect to sshd.host:sshd.port as root / kbstest (key sshd.clientKey) or kbspw (password)
 *   await sshd.stop();
 *
 * Users (created idempotently): kbstest (passwordless sudo), kbspw (sudo needs its password,
 * no credential caching). Each call gets its own temp dir, host key, client key and port, so test
 * files can run in parallel.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, chmodSync, rmdirSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const KBSPW_PASSWORD = 'kbs-Test-pw-7';

export interface SshdUser {
  name: string;
  password?: string;
}

export interface Sshd {
  host: string;
  port: number;
  /** path of the client private key (ed25519, no passphrase), authorized for every user */
  clientKey: string;
  /** a known_hosts file that already contains the host key as [127.0.0.1]:port */
  knownHostsFile: string;
  /** the host key's public line "ssh-ed25519 AAAA..." */
  hostKeyLine: string;
  /** "SHA256:..." as printed by ssh-keygen -l */
  hostKeyFingerprint: string;
  users: { root: SshdUser; kbstest: SshdUser; kbspw: SshdUser & { password: string } };
  tmpDir: string;
  pid: number;
  stop(): Promise<void>;
  /** SIGKILL every per-connection sshd process (and what runs under them); the listener survives */
  killConnections(): number;
  /** SIGSTOP / SIGCONT the per-connection processes (a hung host) */
  freezeConnections(): number;
  thawConnections(): number;
}

function sh(cmd: string, args: string[], input?: string): string {
  return execFileSync(cmd, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
}

function has(path: string): boolean {
  return existsSync(path);
}

/** Install openssh-server and sudo with apt-get when missing. */
export function ensureOpenSsh(): void {
  if (has('/usr/sbin/sshd') && has('/usr/bin/sudo') && has('/usr/bin/ssh-keygen')) return;
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'openssh-server', 'openssh-client', 'sudo'], {
      env,
      stdio: 'pipe',
    });
  try {
    install();
  } catch {
    execFileSync('apt-get', ['update'], { env, stdio: 'pipe' });
    install();
  }
}

/** A crude cross-process lock (test files run in parallel and useradd locks /etc/passwd). */
function withLock<T>(fn: () => T): T {
  const lock = join(tmpdir(), 'kbs-sshd-users.lock');
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > deadline) rmSync(lock, { recursive: true, force: true });
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

function userExists(name: string): boolean {
  try {
    sh('id', ['-u', name]);
    return true;
  } catch {
    return false;
  }
}

function ensureUsers(): void {
  withLock(() => {
    for (const u of ['kbstest', 'kbspw']) {
      if (!userExists(u)) sh('useradd', ['-m', '-s', '/bin/sh', u]);
    }
    // sshd (UsePAM no) refuses locked accounts ("!" password): give kbstest a non-locked "*" one
    sh('usermod', ['-p', '*', 'kbstest']);
    sh('chpasswd', [], `kbspw:${KBSPW_PASSWORD}\n`);
    mkdirSync('/etc/sudoers.d', { recursive: true });
    const rules: Record<string, string> = {
      kbstest: 'kbstest ALL=(ALL:ALL) NOPASSWD: ALL\n',
      kbspw: 'Defaults:kbspw !requiretty, lecture=never, timestamp_timeout=0\nkbspw ALL=(ALL:ALL) ALL\n',
    };
    for (const [u, rule] of Object.entries(rules)) {
      const f = `/etc/sudoers.d/${u}`;
      if (!existsSync(f) || readFileSync(f, 'utf8') !== rule) {
        writeFileSync(f + '.tmp', rule, { mode: 0o440 });
        sh('visudo', ['-cf', f + '.tmp']);
        execFileSync('mv', [f + '.tmp', f]);
      }
    }
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Resolves once something on PORT sends an SSH banner. */
async function waitForBanner(port: number, child: ChildProcess, deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`sshd exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, '127.0.0.1');
      const t = setTimeout(() => (c.destroy(), resolve(false)), 1000);
      c.once('data', (d) => {
        clearTimeout(t);
        c.destroy();
        resolve(d.toString().startsWith('SSH-'));
      });
      c.once('error', () => (clearTimeout(t), resolve(false)));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd did not answer on port ${port}`);
}

/** All descendants of PID (from /proc), deepest last. */
export function descendants(pid: number): number[] {
  const parent = new Map<number, number>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      parent.set(Number(d), ppid);
    } catch {
      /* gone */
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const [c, pp] of parent) if (pp === p) (out.push(c), walk(c));
  };
  walk(pid);
  return out;
}

function signalAll(pids: number[], sig: NodeJS.Signals): number {
  let n = 0;
  for (const p of pids) {
    try {
      process.kill(p, sig);
      n++;
    } catch {
      /* already gone */
    }
  }
  return n;
}

export interface StartSshdOptions {
  /** extra sshd_config lines */
  extraConfig?: string[];
}

export async function startSshd(opts: StartSshdOptions = {}): Promise<Sshd> {
  ensureOpenSsh();
  ensureUsers();
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const tmpDir = mkdtempSync(join(tmpdir(), 'kbs-sshd-'));
  // the monitor reads authorized_keys as the target user: keep the dir traversable
  chmodSync(tmpDir, 0o755);
  const hostKey = join(tmpDir, 'ssh_host_ed25519_key');
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kbs-test-host', '-f', hostKey]);
  const clientKey = join(tmpDir, 'client_key');
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kbs-test-client', '-f', clientKey]);
  const clientPub = readFileSync(clientKey + '.pub', 'utf8');
  const akDir = join(tmpDir, 'authorized_keys');
  mkdirSync(akDir, { mode: 0o755 });
  for (const u of ['root', 'kbstest', 'kbspw']) writeFileSync(join(akDir, u), clientPub, { mode: 0o644 });

  const hostKeyLine = readFileSync(hostKey + '.pub', 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  const hostKeyFingerprint = sh('ssh-keygen', ['-l', '-E', 'sha256', '-f', hostKey + '.pub']).split(/\s+/)[1];

  let lastErr: unknown;
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const config = join(tmpDir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(tmpDir, 'sshd.pid')}`,
        'UsePAM no',
        'StrictModes no',
        'PasswordAuthentication yes',
        'KbdInteractiveAuthentication no',
        'PubkeyAuthentication yes',
        'PermitRootLogin yes',
        `AuthorizedKeysFile ${akDir}/%u`,
        'MaxStartups 200:30:400',
        'MaxSessions 50',
        'LogLevel ERROR',
        'PrintMotd no',
        'UseDNS no',
        ...(opts.extraConfig ?? []),
        '',
      ].join('\n'),
    );
    const child = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr!.on('data', (d: Buffer) => {
      log += d.toString();
      if (process.env.KBS_SSHD_LOG) process.stderr.write(`[sshd:${port}] ${d}`);
    });
    try {
      await waitForBanner(port, child, 10_000);
    } catch (e) {
      child.kill('SIGKILL');
      lastErr = new Error(`${(e as Error).message}\n${log}`);
      continue;
    }
    const pid = child.pid!;
    const kbspw = { name: 'kbspw', password: KBSPW_PASSWORD };
    const knownHostsFile = join(tmpDir, 'known_hosts');
    writeFileSync(knownHostsFile, `[127.0.0.1]:${port} ${hostKeyLine}\n`, { mode: 0o600 });
    const sshd: Sshd = {
      host: '127.0.0.1',
      port,
      clientKey,
      knownHostsFile,
      hostKeyLine,
      hostKeyFingerprint,
      users: { root: { name: 'root' }, kbstest: { name: 'kbstest' }, kbspw },
      tmpDir,
      pid,
      killConnections: () => signalAll(descendants(pid), 'SIGKILL'),
      freezeConnections: () => signalAll(descendants(pid), 'SIGSTOP'),
      thawConnections: () => signalAll(descendants(pid), 'SIGCONT'),
      stop: async () => {
        signalAll(descendants(pid), 'SIGKILL');
        if (child.exitCode === null) {
          const exited = new Promise((r) => child.once('exit', r));
          child.kill('SIGKILL');
          await exited;
        }
        rmSync(tmpDir, { recursive: true, force: true });
      },
    };
    return sshd;
  }
  rmSync(tmpDir, { recursive: true, force: true });
  throw lastErr;
}
