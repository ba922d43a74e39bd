/**
 * ConnectionPool: one connection per host and login (user, address, port) per run: a play with
 * another `remote_user` gets its own connection, a later play with the first user reuses the
 * first. Concurrent get()s for the same login share one attempt; a login that could not be reached
 * stays unreachable for the run (its get() keeps rejecting with the same error, without dialing
 * again).
 *
 * Handshakes: at most MAX_STARTUPS at once per sshd (the first hop: a jump host, or the target),
 * the others wait for a turn before their connect timeout starts. OpenSSH's sshd drops new
 * connections at random once 10 are unauthenticated (MaxStartups 10:30:100): 200 hosts behind one
 * bastion, or a test sshd, would otherwise lose some of them.
 *
 * Retries: network errors (refused, reset, dropped before the handshake) are retried with a short
 * backoff, up to `retries` attempts in all. Authentication and host key failures are never
 * retried, and neither is a connect timeout (a host that hung once would make the run wait
 * `retries` times the timeout).
 */
import pLimit from 'p-limit';
import { KbsError } from '../errors.js';
import type { Connection, ConnectionSpec, ConnectionStats, TransportOptions } from './types.js';
import { LocalConnection } from './local.js';
import { connectSsh, type ConnectTuning } from './connect.js';
import { newRunTag, type StopSignal } from './interrupt.js';
import { resolveTarget } from './resolve.js';

/** Handshakes at once per sshd: below OpenSSH's default MaxStartups (10:30:100). */
export const MAX_STARTUPS = 8;

export class ConnectionPool {
  private readonly conns = new Map<string, Promise<Connection>>();
  /** one turnstile per first hop (host:port) */
  private readonly startups = new Map<string, ReturnType<typeof pLimit>>();
  private readonly opened: Connection[] = [];
  /** connection attempts made (including failed ones) */
  attempts = 0;
  private closed = false;
  private readonly opts: TransportOptions;

  constructor(
    opts: TransportOptions = {},
    private readonly tuning: ConnectTuning & { backoffMs?: number } = {},
  ) {
    this.opts = { ...opts, runTag: opts.runTag ?? newRunTag() };
  }

  get(spec: ConnectionSpec): Promise<Connection> {
    const key = loginKey(spec);
    let p = this.conns.get(key);
    if (!p) {
      p = this.open(spec);
      p.catch(() => undefined); // the caller handles it; avoid an unhandled rejection here
      this.conns.set(key, p);
    }
    return p;
  }

  private async open(spec: ConnectionSpec): Promise<Connection> {
    if (spec.type === 'local') {
      const c = new LocalConnection(spec.name, spec.becomePassword, this.opts.runTag);
      this.opened.push(c);
      return c;
    }
    const attempts = Math.max(1, this.opts.retries ?? 3);
    const backoff = this.tuning.backoffMs ?? 250;
    for (let i = 1; ; i++) {
      this.attempts++;
      try {
        const c = await this.startup(spec)(() => connectSsh(spec, this.opts, this.tuning));
        this.opened.push(c);
        if (this.closed) await c.close(); // closeAll() ran while this was connecting
        return c;
      } catch (e) {
        // no new attempt once closeAll() ran (a connection opened ahead that nothing waits for)
        const retryable = e instanceof KbsError && e.code === 'UNREACHABLE' && e.detail?.retryable === true && !this.closed;
        if (!retryable || i >= attempts) {
          if (e instanceof KbsError) throw e;
          throw new KbsError('UNREACHABLE', `cannot connect to ${spec.address}: ${(e as Error).message}`, {
            host: spec.name,
            cause: e,
          });
        }
        await new Promise((res) => setTimeout(res, backoff * 2 ** (i - 1)));
      }
    }
  }

  /** The turnstile of the sshd SPEC's connection starts with (its first jump host, or itself). */
  private startup(spec: ConnectionSpec): ReturnType<typeof pLimit> {
    let key: string;
    try {
      const r = resolveTarget(spec, this.opts);
      const first = r.jumps[0] ?? r.target;
      key = `${first.host}:${first.port}`;
    } catch {
      key = `${spec.address}:${spec.port ?? 22}`; // connectSsh reports the problem
    }
    let gate = this.startups.get(key);
    if (!gate) this.startups.set(key, (gate = pLimit(MAX_STARTUPS)));
    return gate;
  }

  /**
   * Forget a host's connection, closing it when it is open: the next get() dials again (also
   * after an unreachable attempt). For meta: reset_connection and wait_for_connection.
   */
  async reset(name: string): Promise<void> {
    const mine = [...this.conns.keys()].filter((k) => k.startsWith(`${name}\0`));
    await Promise.all(
      mine.map(async (k) => {
        const p = this.conns.get(k)!;
        this.conns.delete(k);
        const c = await p.catch(() => undefined);
        if (c) await c.close().catch(() => undefined);
      }),
    );
  }

  /**
   * Signal what this run started on every host still connected (interrupt.ts): SIGTERM first,
   * SIGKILL for what outlived the grace period. Resolves with the process groups signalled.
   */
  async interrupt(sig: StopSignal): Promise<number> {
    const rs = await Promise.allSettled(this.opened.map((c) => c.interrupt?.(sig) ?? Promise.resolve(0)));
    return rs.reduce((n, r) => n + (r.status === 'fulfilled' ? r.value : 0), 0);
  }

  /** Close every open connection (errors while closing are ignored); totals() still counts them. */
  async closeAll(): Promise<void> {
    this.closed = true;
    const all = [...this.opened];
    this.conns.clear();
    await Promise.allSettled(all.map((c) => c.close()));
  }

  /**
   * Resolves once every connection asked for so far has been made or has failed, and no new one
   * was asked for meanwhile (each round lets the callers that waited for one run up to their next
   * wait first). Resolves at once when none was asked for.
   */
  async settled(): Promise<void> {
    for (;;) {
      const pending = [...this.conns.values()];
      await Promise.allSettled(pending);
      await new Promise((res) => setImmediate(res));
      if ([...this.conns.values()].every((p) => pending.includes(p))) return;
    }
  }

  /** Sum of the stats of every connection opened in this run. */
  totals(): ConnectionStats {
    const t: ConnectionStats = { connects: 0, execs: 0, channels: 0 };
    for (const c of this.opened) {
      t.connects += c.stats.connects;
      t.execs += c.stats.execs;
      t.channels += c.stats.channels;
    }
    return t;
  }
}

/** What tells two connections to one host apart: how and as whom it is reached. */
export function loginKey(spec: ConnectionSpec): string {
  return [spec.name, spec.type, spec.user ?? '', spec.address, spec.port ?? ''].join('\0');
}
