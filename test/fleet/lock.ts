/**
 * flock(1)-based locks. A `flock` child process holds the lock while its stdin stays open, so the
 * lock dies with us even on SIGKILL (the pipe closes, the child exits, the kernel drops the lock).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { alive } from './procs.js';

export interface Lock {
  path: string;
  release(): Promise<void>;
}

const BUSY = 75;

/**
 * Take an exclusive lock on `path`. waitSec 0: refuse at once when held (KbsError LOCK, naming
 * the holder's pid when known); otherwise wait up to waitSec seconds.
 */
export async function acquireLock(path: string, what: string, waitSec = 0): Promise<Lock> {
  try {
    return await tryLock(path, what, waitSec);
  } catch (e) {
    // A holder that is already dead (killed) still holds the lock until its flock helper has seen
    // the pipe close and exited, a matter of milliseconds (longer on a loaded machine): wait for that.
    const holder = readHolder(path);
    if (waitSec === 0 && e instanceof KbsError && e.code === 'LOCK' && holder && !alive(Number(holder))) {
      return tryLock(path, what, DEAD_HOLDER_WAIT_SEC);
    }
    throw e;
  }
}

const DEAD_HOLDER_WAIT_SEC = 15;

async function tryLock(path: string, what: string, waitSec: number): Promise<Lock> {
  mkdirSync(dirname(path), { recursive: true });
  const args = waitSec > 0 ? ['-w', String(waitSec)] : ['-n'];
  const child = spawn('flock', [...args, '-E', String(BUSY), path, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.on('error', () => undefined);
  const ok = await new Promise<boolean>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('locked')) resolve(true);
    });
    child.on('error', (e) => reject(new KbsError('INTERNAL', `cannot run flock: ${e.message}`)));
    child.on('exit', (code) => (code === BUSY ? resolve(false) : reject(new KbsError('INTERNAL', `flock ${path} exited ${code}`))));
  });
  if (!ok) {
    const holder = readHolder(path);
    throw new KbsError('LOCK', `${what} is busy: another process${holder ? ` (pid ${holder})` : ''} holds ${path}`, {
      hint: 'wait for it to finish, or use another fleet id (KBS_FLEET_ID=...)',
    });
  }
  // mark the holder for the error message of the next one (the lock itself is the flock)
  try {
    writeFileSync(path, `${process.pid}\n`);
  } catch {
    /* informational only */
  }
  child.stdout!.removeAllListeners('data');
  child.unref();
  (child.stdout as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  return { path, release: () => releaseChild(child) };
}

function readHolder(path: string): string | undefined {
  try {
    const pid = readFileSync(path, 'utf8').trim();
    return /^\d+$/.test(pid) ? pid : undefined;
  } catch {
    return undefined;
  }
}

function releaseChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.ref(); // keep the event loop alive until flock is gone
    child.once('exit', () => resolve());
    child.stdin!.end();
  });
}
