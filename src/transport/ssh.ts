/**
 * SshConnection: one ssh2 Client per host, held for the whole run. A command runs in a long-lived
 * remote shell when it can (remote_shell.ts: at most two, e.g. the login user's and a become
 * user's), and in its own exec channel (`/bin/sh -c CMD`, become through sudo, see become.ts) when
 * it has stdin or the shell is busy or unavailable. env/cwd go through wrapCommand either way.
 * When the connection drops (socket closed, keepalive timeout) every pending and later exec
 * rejects with KbsError UNREACHABLE. Open it with connectSsh() (connect.ts) or the pool.
 */
import type { Client, ClientChannel } from 'ssh2';
import pLimit from 'p-limit';
import { KbsError } from '../errors.js';
import type { Connection, ConnectionStats, ExecOptions, ExecResult } from './types.js';
import { appendLine, becomeKey, shq, sudoHow, wrapCommand, type SudoHow } from './shell.js';
import { BecomeSession } from './become.js';
import { RemoteShell } from './remote_shell.js';
import { BACKSTOP_MS, timeoutScript } from './timeout.js';
import { countStopped, stopScript, tagCommand, tagProcess, type StopSignal } from './interrupt.js';

/**
 * OpenSSH's sshd allows 10 sessions per connection by default (MaxSessions): the long-lived shells
 * (at most MAX_SHELLS) plus the exec channels (at most MAX_CHANNELS at a time) stay within it, with
 * one session to spare for stopping commands on interrupt (interrupt()).
 */
const MAX_CHANNELS = 7;
const MAX_SHELLS = 2;

export interface SshConnectionOptions {
  /** "user@host:port", for messages */
  endpoint: string;
  /** the user kbs logged in as (become to root is skipped when it is already root) */
  user: string;
  becomePassword?: string;
  /** jump host clients this connection rides on, closed with it */
  jumps?: Client[];
  /** never use a long-lived remote shell: one exec channel per command (--no-remote-shell) */
  noShell?: boolean;
  /** the run's tag, put in every command line kbs starts (interrupt.ts) */
  tag?: string;
}

export class SshConnection implements Connection {
  readonly stats: ConnectionStats = { connects: 1, execs: 0, channels: 0 };
  private dead?: string;
  private closing = false;
  private readonly pending = new Set<(err: KbsError) => void>();
  private readonly limit = pLimit(MAX_CHANNELS);
  /** long-lived shells by become user ('' = the login user); undefined = not available */
  private readonly shells = new Map<string, Promise<RemoteShell | undefined>>();
  /** users commands ran as through become: interrupt() stops their processes as them */
  private readonly becameUsers = new Set<string>();

  constructor(
    readonly host: string,
    private readonly client: Client,
    private readonly opts: SshConnectionOptions,
  ) {
    client.on('error', (err: Error) => this.markDead(err.message));
    client.on('close', () => this.markDead('connection closed'));
    client.on('end', () => this.markDead('connection closed by the remote host'));
  }

  /** False once the connection has dropped or was closed. */
  get alive(): boolean {
    return this.dead === undefined;
  }

  private unreachable(): KbsError {
    return new KbsError('UNREACHABLE', `connection to ${this.opts.endpoint} lost: ${this.dead ?? 'closed'}`, {
      host: this.host,
      hint: 'the host went away during the run (reboot, network, sshd restart); rerun when it is back',
    });
  }

  private markDead(reason: string): void {
    if (this.dead !== undefined) return;
    this.dead = this.closing ? 'closed by kbs' : reason;
    const err = this.unreachable();
    for (const reject of this.pending) reject(err);
    this.pending.clear();
  }

  async exec(cmd: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.dead !== undefined) throw this.unreachable();
    if (this.needsBecome(opts)) this.becameUsers.add(opts.becomeUser ?? 'root');
    // a conversation needs its stdin open while the command runs: a channel of its own
    if (opts.stdin === undefined && opts.talk === undefined && !this.opts.noShell) {
      const sh = await this.shell(this.needsBecome(opts) ? { user: opts.becomeUser ?? 'root', how: sudoHow(opts) } : undefined);
      if (this.dead !== undefined) throw this.unreachable();
      if (sh && sh.alive && !sh.busy) return this.runInShell(sh, wrapCommand(tagCommand(cmd, this.opts.tag), opts.env, opts.cwd), opts);
    }
    return this.limit(() => this.execNow(tagProcess(cmd, this.opts.tag), opts));
  }

  /**
   * Signal every process group this run started on the host (interrupt.ts), as the login user and
   * as each become user used; resolves with the number of groups signalled (0 when the connection
   * is gone). Runs outside the channel limit, on the session kept free for it.
   */
  async interrupt(sig: StopSignal): Promise<number> {
    const tag = this.opts.tag;
    if (!tag || this.dead !== undefined) return 0;
    const script = stopScript(tag, sig);
    // the become users first: signalled by the login user, sudo (whose real uid is the login
    // user's) passes the signal to its command's shell alone, and the command's children, which do
    // not hold the tag, would be left behind without anyone who can still find them
    const become = [...this.becameUsers].map((u) => this.execNow(script, { become: true, becomeUser: u, timeoutMs: 10_000 }));
    const n = countStopped(await Promise.allSettled(become));
    return n + countStopped(await Promise.allSettled([this.execNow(script, { timeoutMs: 10_000 })]));
  }

  private needsBecome(opts: ExecOptions): boolean {
    return opts.become === true && !(this.opts.user === 'root' && (opts.becomeUser ?? 'root') === 'root');
  }

  /** The long-lived shell of the login user or of a become identity, opened on first use; reopened if it died. */
  private async shell(as?: { user: string; how: SudoHow }): Promise<RemoteShell | undefined> {
    const key = as ? becomeKey(as.user, as.how) : '';
    const have = this.shells.get(key);
    if (have) {
      const sh = await have;
      if (!sh || sh.alive) return sh;
      this.shells.delete(key);
    }
    if (this.shells.size >= MAX_SHELLS) return undefined;
    const p = RemoteShell.open(this.client, as ? { user: as.user, password: this.opts.becomePassword, how: as.how } : undefined, this.opts.tag).then((sh) => {
      if (sh) this.stats.channels++;
      return sh;
    });
    this.shells.set(key, p);
    return p;
  }

  /** Run in the shell; a dropped connection rejects UNREACHABLE as exec channels do. */
  private runInShell(sh: RemoteShell, wrapped: string, opts: ExecOptions): Promise<ExecResult> {
    this.stats.execs++;
    const started = Date.now();
    const limit = opts.timeoutMs ?? 0;
    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      const fail = (err: KbsError) => {
        if (settled) return;
        settled = true;
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      sh.run(wrapped, { inline: opts.inline, timeoutMs: limit }).then((r) => {
        // a shell that ended with the connection: let the connection's close handler decide first
        const settle = () => {
          if (settled) return;
          if (r.lost && this.dead !== undefined) return fail(this.unreachable());
          settled = true;
          this.pending.delete(fail);
          const { lost: _lost, hung, ...res } = r;
          // killed by `timeout -s KILL` (rc 137) at the limit, or given up on by kbs
          if (limit > 0 && (hung || (res.rc === 137 && Date.now() - started >= limit))) {
            resolve({ ...res, rc: -1, stderr: appendLine(res.stderr, `command timed out after ${limit} ms`) });
          } else resolve(res);
        };
        if (r.lost) setImmediate(settle);
        else settle();
      });
    });
  }

  private execNow(cmd: string, opts: ExecOptions): Promise<ExecResult> {
    if (this.dead !== undefined) return Promise.reject(this.unreachable());
    this.stats.execs++;
    this.stats.channels++;
    const wrapped = wrapCommand(cmd, opts.env, opts.cwd);
    const stdin = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    const needBecome = this.needsBecome(opts);

    return new Promise<ExecResult>((resolve, reject) => {
      let settled = false;
      const fail = (err: KbsError) => {
        if (settled) return;
        settled = true;
        if (timer) clearTimeout(timer);
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      let timer: NodeJS.Timeout | undefined;
      let channel: ClientChannel | undefined;
      let become: BecomeSession | undefined;
      const write = (data: Buffer | undefined, end: boolean) => {
        if (!channel || !channel.writable) return;
        if (end) channel.end(data);
        else if (data) channel.write(data);
      };
      let full = wrapped;
      const talk = opts.talk;
      const io = { write: (d: Buffer) => write(d, false), end: () => write(undefined, true) };
      if (needBecome) {
        become = new BecomeSession(wrapped, opts.becomeUser, this.opts.becomePassword, stdin, write, sudoHow(opts));
        if (talk) become.onReady = () => talk.start(io);
        full = become.command;
      }
      let timedOut = false;
      let started = Date.now();
      try {
        this.client.exec(remoteCommand(full, opts.timeoutMs), (err, ch) => {
          // the time limit counts from here: waiting for a channel (a busy sshd) is not the command's time
          started = Date.now();
          if (settled) {
            ch?.close();
            return;
          }
          if (err) {
            if (this.dead !== undefined) fail(this.unreachable());
            else {
              settled = true;
              this.pending.delete(fail);
              resolve({ rc: -1, stdout: '', stderr: `cannot open an exec channel: ${err.message}` });
            }
            return;
          }
          channel = ch;
          const out: Buffer[] = [];
          const errs: Buffer[] = [];
          let code: number | null = null;
          let signal: string | undefined;
          ch.on('data', (d: Buffer) => {
            out.push(d);
            talk?.stdout(d);
          });
          ch.stderr.on('data', (d: Buffer) => {
            const mine = become ? become.onStderr(d) : d;
            errs.push(mine);
            if (mine.length) talk?.stderr(mine);
          });
          ch.on('exit', (c: number | null, sig?: string) => {
            code = c;
            if (c === null && sig) signal = sig;
          });
          ch.on('error', () => undefined);
          const finalize = () => {
            if (settled) return;
            if (this.dead !== undefined && code === null && !timedOut) return fail(this.unreachable());
            // finished on its own just as the timer fired: keep the real result
            if (timedOut && code !== null && code !== 137) timedOut = false;
            // the remote `timeout` won the race against the local timer
            const killed = code === 137 || signal === 'KILL' || signal === 'SIGKILL';
            if (!timedOut && killed && opts.timeoutMs && Date.now() - started >= opts.timeoutMs) timedOut = true;
            settled = true;
            this.pending.delete(fail);
            if (timer) clearTimeout(timer);
            const stdoutBuf = Buffer.concat(out);
            let stderr = Buffer.concat(errs).toString('utf8');
            if (timedOut) stderr = appendLine(stderr, `command timed out after ${opts.timeoutMs} ms`);
            else if (signal) stderr = appendLine(stderr, `command killed by signal ${signal}`);
            else if (code === null) stderr = appendLine(stderr, 'the channel closed without an exit status');
            let res: ExecResult = { rc: timedOut ? -1 : (code ?? -1), stdout: stdoutBuf.toString('utf8'), stderr, stdoutBuf };
            if (become && !timedOut && !signal) res = become.finish(res);
            resolve(res);
          };
          // a channel closed by a dying connection: let the connection's close handler decide first
          ch.on('close', () => setImmediate(finalize));
          if (become) become.start();
          else if (talk) talk.start(io);
          else write(stdin, true);
          if (opts.timeoutMs && opts.timeoutMs > 0) {
            timer = setTimeout(() => {
              timedOut = true;
              // the remote `timeout` kills the whole process group about now; if it is not
              // there (or the host hangs), kill what we can and stop waiting
              setTimeout(() => {
                try {
                  ch.signal('KILL');
                } catch {
                  /* ignore */
                }
                ch.close();
                setTimeout(finalize, 500).unref();
              }, BACKSTOP_MS).unref();
            }, Math.max(0, opts.timeoutMs - (Date.now() - started)));
          }
        });
      } catch (e) {
        // ssh2 throws "Not connected" synchronously when the socket is gone
        this.markDead((e as Error).message);
        fail(this.unreachable());
      }
    });
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    for (const p of this.shells.values()) void p.then((sh) => sh?.close());
    await new Promise<void>((resolve) => {
      if (this.dead !== undefined) return resolve();
      const t = setTimeout(() => {
        this.client.destroy();
        resolve();
      }, 2000);
      this.client.once('close', () => {
        clearTimeout(t);
        resolve();
      });
      this.client.end();
    });
    this.markDead('closed by kbs');
    for (const j of [...(this.opts.jumps ?? [])].reverse()) j.end();
  }
}

/**
 * The string sent to sshd (which runs it with the user's login shell): exec /bin/sh -c CMD.
 * With a timeout, CMD runs under coreutils `timeout -s KILL`, which kills the command's whole
 * process group (not only the shell) when time is up; hosts without `timeout` just run CMD and
 * rely on kbs closing the channel.
 */
export function remoteCommand(cmd: string, timeoutMs?: number): string {
  if (!timeoutMs || timeoutMs <= 0) return `exec /bin/sh -c ${shq(cmd)}`;
  return `exec ${timeoutScript(cmd, timeoutMs)}`;
}
