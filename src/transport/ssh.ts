/**
 * SshConnection: one ssh2 Client per host, held for the whole run. Every exec is one exec
 * channel running `/bin/sh -c CMD` (env/cwd through wrapCommand, become through sudo, see
 * become.ts). When the connection drops (socket closed, keepalive timeout) every pending and later
 * exec rejects with KbsError UNREACHABLE. Open it with connectSsh() (connect.ts) or the pool.
 */
import type { Client, ClientChannel } from 'ssh2';
import pLimit from 'p-limit';
import { KbsError } from '../errors.js';
import type { Connection, ConnectionStats, ExecOptions, ExecResult } from './types.js';
import { shq, wrapCommand } from './shell.js';
import { BecomeSession } from './become.js';

/** OpenSSH's sshd allows 10 sessions per connection by default (MaxSessions): stay below. */
const MAX_CHANNELS = 8;

export interface SshConnectionOptions {
  /** "user@host:port", for messages */
  endpoint: string;
  /** the user kbs logged in as (become to root is skipped when it is already root) */
  user: string;
  becomePassword?: string;
  /** jump host clients this connection rides on, closed with it */
  jumps?: Client[];
}

export class SshConnection implements Connection {
  readonly stats: ConnectionStats = { connects: 1, execs: 0 };
  private dead?: string;
  private closing = false;
  private readonly pending = new Set<(err: KbsError) => void>();
  private readonly limit = pLimit(MAX_CHANNELS);

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

  exec(cmd: string, opts: ExecOptions = {}): Promise<ExecResult> {
    if (this.dead !== undefined) return Promise.reject(this.unreachable());
    return this.limit(() => this.execNow(cmd, opts));
  }

  private execNow(cmd: string, opts: ExecOptions): Promise<ExecResult> {
    if (this.dead !== undefined) return Promise.reject(this.unreachable());
    this.stats.execs++;
    const wrapped = wrapCommand(cmd, opts.env, opts.cwd);
    const stdin = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    const asUser = opts.becomeUser ?? 'root';
    const needBecome = opts.become === true && !(this.opts.user === 'root' && asUser === 'root');

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
      if (needBecome) {
        become = new BecomeSession(wrapped, opts.becomeUser, this.opts.becomePassword, stdin, write);
        full = become.command;
      }
      let timedOut = false;
      const started = Date.now();
      try {
        this.client.exec(remoteCommand(full, opts.timeoutMs), (err, ch) => {
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
          ch.on('data', (d: Buffer) => out.push(d));
          ch.stderr.on('data', (d: Buffer) => errs.push(become ? become.onStderr(d) : d));
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
            const sep = () => (stderr && !stderr.endsWith('\n') ? '\n' : '');
            if (timedOut) stderr += `${sep()}command timed out after ${opts.timeoutMs} ms`;
            else if (signal) stderr += `${sep()}command killed by signal ${signal}`;
            else if (code === null) stderr += `${sep()}the channel closed without an exit status`;
            let res: ExecResult = { rc: timedOut ? -1 : (code ?? -1), stdout: stdoutBuf.toString('utf8'), stderr, stdoutBuf };
            if (become && !timedOut && !signal) res = become.finish(res);
            resolve(res);
          };
          // a channel closed by a dying connection: let the connection's close handler decide first
          ch.on('close', () => setImmediate(finalize));
          if (become) become.start();
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
              }, 1500).unref();
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
  // a little later than the local timer, so that kbs normally sees the timeout first
  const secs = ((timeoutMs + 200) / 1000).toFixed(3);
  const script = `command -v timeout >/dev/null 2>&1 && exec timeout -s KILL ${secs} /bin/sh -c "$1"; exec /bin/sh -c "$1"`;
  return `exec /bin/sh -c ${shq(script)} kbs-timeout ${shq(cmd)}`;
}
