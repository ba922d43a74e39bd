/**
 * The cluster lock: one kbs apply at a time per cluster. A folder on the first control plane
 * (/var/lib/kbs/apply.lock, playbooks/lock.yml) names its holder: workstation, pid, start time.
 * A lock whose holder is gone expires: a process of this workstation that no longer runs, or a lock
 * older than LOCK_MAX_AGE_H hours. `--force-unlock` removes any lock.
 */
import { hostname } from 'node:os';
import { KbsError } from '../errors.js';
import type { RunOptions } from '../engine/options.js';
import type { Inventory } from '../inventory/types.js';
import { runInternal } from '../engine/internal.js';
import type { SharedPool } from '../transport/shared.js';

export const LOCK_MAX_AGE_H = 6;

export interface Holder {
  host: string;
  pid: number;
  started: string;
}

export function parseHolder(text: string): Holder | undefined {
  try {
    const o = JSON.parse(text) as Partial<Holder>;
    if (typeof o.host === 'string' && typeof o.pid === 'number' && typeof o.started === 'string') return { host: o.host, pid: o.pid, started: o.started };
  } catch {
    /* not ours */
  }
  return undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a held lock counts as expired, or undefined when its holder may still be running. */
export function expired(h: Holder | undefined, now: Date, here = hostname()): string | undefined {
  if (!h) return 'the lock names no holder kbs can read';
  if (h.host === here && !alive(h.pid)) return `process ${h.pid} on ${h.host} is no longer running`;
  const age = (now.getTime() - Date.parse(h.started)) / 3.6e6;
  if (!(age < LOCK_MAX_AGE_H)) return `it was taken more than ${LOCK_MAX_AGE_H} h ago`;
  return undefined;
}

/** From `acquired NOW RELEASED` (seconds, the lock host's clock): how long ago the lock was let go. */
export function releasedAgo(out: string): number | undefined {
  const m = /^acquired (\d+(?:\.\d+)?) (\d+(?:\.\d+)?)/.exec(out);
  return m ? Math.max(0, Number(m[1]) - Number(m[2])) : undefined;
}

/**
 * Whether the last release of the lock came after a read that began at `readStartMs` (this
 * workstation's clock): the host measured `releasedAgoS` from that release to its acquire, and
 * the acquire happened on the host before its answer arrived here at `answeredMs`. So a release
 * after the read began is less than `answeredMs - readStartMs` before the acquire; a release
 * before it may also count when the two were closer than the acquire's answer took to arrive
 * (a second read, never a missed one).
 */
export function releasedDuring(releasedAgoS: number | undefined, readStartMs: number, answeredMs: number): boolean {
  return releasedAgoS !== undefined && releasedAgoS < (answeredMs - readStartMs) / 1000;
}

export class ClusterLock {
  private readonly holder: string;
  private held = false;
  constructor(
    private readonly inv: Inventory,
    private readonly opts: RunOptions,
    private readonly host: string,
    /** the command's connections (kbs apply), or undefined for a connection of its own */
    private readonly shared?: SharedPool,
  ) {
    this.holder = JSON.stringify({ host: hostname(), pid: process.pid, started: new Date().toISOString() } satisfies Holder);
  }

  private async act(action: 'acquire' | 'release' | 'break'): Promise<string> {
    const run = await runInternal('lock.yml', this.inv, this.opts, { kbs_lock_host: this.host, kbs_lock_action: action, kbs_lock_holder: this.holder }, this.shared);
    const r = run.results('kbs lock').get(this.host);
    if (!r || r.status === 'unreachable' || r.status === 'failed')
      throw new KbsError(r?.status === 'failed' ? 'TASK' : 'UNREACHABLE', `cannot ${action} the cluster lock on ${this.host}: ${String(r?.result.msg ?? 'unreachable')}`, { host: this.host });
    return String(r.result.stdout ?? '');
  }

  /**
   * Seconds between the last release (or break) of the lock and this acquire, on the lock host's
   * clock; undefined when it was never released there, or when this acquire removed a lock first.
   * kbs apply reads the nodes while it takes the lock: a release during that read means another
   * apply was still changing the nodes.
   */
  releasedAgoS?: number;
  /** when the acquire's answer arrived (Date.now()) */
  answeredMs?: number;

  /** releasedDuring() for a read that began at readStartMs */
  releasedSince(readStartMs: number): boolean {
    return this.answeredMs !== undefined && releasedDuring(this.releasedAgoS, readStartMs, this.answeredMs);
  }

  /** Takes the lock or throws LOCK (exit 5) naming the holder. */
  async acquire(force: boolean): Promise<string | undefined> {
    let note: string | undefined;
    if (force) {
      await this.act('break');
      note = `--force-unlock: removed any lock on ${this.host}`;
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const out = await this.act('acquire');
      this.answeredMs = Date.now();
      if (out.startsWith('acquired')) {
        this.held = true;
        // a lock kbs itself just removed (stale, or --force-unlock) was let go by a holder that is gone
        this.releasedAgoS = note ? undefined : releasedAgo(out);
        return note;
      }
      const text = out.split('\n').slice(1).join('\n').trim();
      const h = parseHolder(text);
      const why = expired(h, new Date());
      if (why && attempt === 0) {
        await this.act('break');
        note = `removed a stale cluster lock on ${this.host}: ${why}`;
        continue;
      }
      throw new KbsError('LOCK', `another kbs apply holds the cluster lock on ${this.host}: ${h ? `pid ${h.pid} on ${h.host}, since ${h.started}` : text || 'unknown holder'}`, {
        hint: `wait for it to finish; if it is gone, run again with --force-unlock (the lock is /var/lib/kbs/apply.lock on ${this.host})`,
      });
    }
    return note;
  }

  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.act('release');
  }
}
