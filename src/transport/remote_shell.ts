/**
 * RemoteShell: one long-lived /bin/sh on the host, fed one command at a time over a single exec
 * channel. A fresh exec channel costs the host an sshd session, a login shell and /bin/sh for every
 * command; at 30 hosts x 30 tasks on a small machine that is most of a no-op run. Through this
 * shell a command costs one `/bin/sh -c` (or, for kbs's own snippets, one subshell).
 *
 * Protocol (all over the channel's stdin / stdout / stderr):
 *   kbs writes   /bin/sh -c 'CMD' </dev/null; printf 'NONCE%d\n' "$?"; printf 'NONCE\n' >&2
 *   stdout is    <the command's stdout>NONCE<rc>\n
 *   stderr is    <the command's stderr>NONCE\n
 * NONCE is 16 random bytes in hex, new for each command, so output cannot fake the end. The
 * command's stdin is /dev/null (commands with stdin use their own exec channel, see ssh.ts).
 * With a time limit the command runs under `timeout -s KILL` as over an exec channel
 * (remoteCommand in ssh.ts); if the host has no `timeout` or hangs, kbs closes the shell a little
 * after the limit and the next command gets a new one.
 *
 * Start: the shell prints a MARK on stderr once it runs (`/bin/sh -c 'printf MARK >&2; exec
 * /bin/sh'`), and open() resolves only then, so that a command's time limit starts with a live
 * shell (starting one on a loaded host can take seconds). Become: the same under sudo; kbs answers
 * sudo's password prompt once, then waits for MARK. When MARK does not come the shell is not
 * available and the caller keeps using exec channels (which report a become failure task by task).
 *
 * Bytes that arrive while no command runs (a background job that kept the shell's stdout) are
 * dropped. If the shell ends while a command runs, the command gets rc -1 and a message saying so.
 */
import { randomBytes } from 'node:crypto';
import type { Client, ClientChannel } from 'ssh2';
import { appendLine, becomeCommand, shq, type SudoHow } from './shell.js';
import { countPrompts } from './become.js';
import { BACKSTOP_MS, timeoutScript } from './timeout.js';
import { Framer } from './framer.js';
import type { ExecResult } from './types.js';

export interface ShellBecome {
  user?: string;
  password?: string;
  how?: SudoHow;
}

interface Pending {
  out: Framer;
  err: Framer;
  stdout?: Buffer;
  stderr?: Buffer;
  rc?: number;
  resolve: (r: ShellResult) => void;
}

/**
 * lost: the shell ended before the command finished (rc -1). hung: the command outlived its time
 * limit and kbs closed the shell (rc -1).
 */
export type ShellResult = ExecResult & { lost?: boolean; hung?: boolean };

/** How long the host (and sudo) may take to start the shell before kbs gives up on it (exec channels remain). */
const START_WAIT_MS = 60_000;

export class RemoteShell {
  private cur?: Pending;
  private ended = false;

  private constructor(private readonly ch: ClientChannel) {
    ch.on('data', (d: Buffer) => this.onOut(d));
    ch.stderr.on('data', (d: Buffer) => this.onErr(d));
    ch.on('error', () => undefined);
    ch.on('close', () => this.onClose());
  }

  /**
   * Start a shell on CLIENT (as the login user, or through sudo with BECOME; TAG: the run's tag, see
   * interrupt.ts). Resolves undefined
   * when the host refuses (no free session, sudo fails): the caller falls back to exec channels.
   */
  static open(client: Client, become?: ShellBecome, tag?: string): Promise<RemoteShell | undefined> {
    const mark = `KBS-SHELL-${randomBytes(8).toString('hex')}`;
    // the run's tag as the shell's argument: found by the stop script on interrupt (interrupt.ts)
    const sh = tag ? `exec /bin/sh -s ${shq(tag)}` : 'exec /bin/sh';
    // the shell prints MARK once it runs: on a loaded host starting it can take seconds, and a
    // command's time limit must not count them
    const start = `exec /bin/sh -c ${shq(become ? becomeCommand(sh, become.user, become.password !== undefined, mark, become.how) : `printf '%s\\n' ${mark} >&2; ${sh}`)}`;
    return new Promise((resolve) => {
      try {
        client.exec(start, (err, ch) => {
          if (err) return resolve(undefined);
          waitUntilUp(ch, mark, become?.password).then((ok) => {
            if (!ok) {
              ch.close();
              return resolve(undefined);
            }
            resolve(new RemoteShell(ch));
          });
        });
      } catch {
        resolve(undefined); // not connected: the caller's exec path reports it
      }
    });
  }

  get alive(): boolean {
    return !this.ended;
  }

  get busy(): boolean {
    return this.cur !== undefined;
  }

  /**
   * Run CMD (already wrapped with env/cwd). INLINE: CMD is kbs's own snippet and may run in a
   * subshell of this shell (no exec of /bin/sh); user commands always get their own /bin/sh -c, so
   * that $$, $0 and traps behave as over a fresh channel.
   */
  run(cmd: string, opts: { inline?: boolean; timeoutMs?: number } = {}): Promise<ShellResult> {
    if (this.ended) return Promise.resolve(gone());
    if (this.cur) throw new Error('RemoteShell.run: busy'); // the caller checks busy first
    const nonce = randomBytes(16).toString('hex');
    const limit = opts.timeoutMs && opts.timeoutMs > 0 ? opts.timeoutMs : 0;
    const body = limit ? timeoutScript(cmd, limit) : opts.inline ? `( eval ${shq(cmd)} )` : `/bin/sh -c ${shq(cmd)}`;
    const line = `${body} </dev/null; printf '${nonce}%d\\n' "$?"; printf '${nonce}\\n' >&2\n`;
    return new Promise<ShellResult>((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const done = (r: ShellResult) => {
        if (timer) clearTimeout(timer);
        resolve(r);
      };
      const mark = Buffer.from(nonce);
      this.cur = { out: new Framer(mark), err: new Framer(mark), resolve: done };
      this.ch.write(line);
      if (limit) {
        // `timeout` normally ends it at the limit; a host without it (or a hung one) loses the shell
        timer = setTimeout(() => {
          const p = this.cur;
          if (!p) return;
          this.cur = undefined;
          this.kill();
          const out = p.stdout ?? p.out.bytes();
          done({ rc: -1, stdout: out.toString('utf8'), stdoutBuf: out, stderr: (p.stderr ?? p.err.bytes()).toString('utf8'), hung: true });
        }, limit + BACKSTOP_MS);
        timer.unref();
      }
    });
  }

  /** Stop a shell stuck in a command: KILL it (OpenSSH passes signals on) and close the channel. */
  private kill(): void {
    this.ended = true;
    try {
      this.ch.signal('KILL');
    } catch {
      /* not supported or gone */
    }
    try {
      this.ch.close();
    } catch {
      /* already gone */
    }
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    try {
      this.ch.end();
    } catch {
      /* already gone */
    }
  }

  // bytes while no command runs (or after its marker) are a background job's: dropped
  private onOut(d: Buffer): void {
    const p = this.cur;
    const got = p?.out.push(d);
    if (!p || !got) return;
    p.stdout = got.body;
    const rc = Number(got.trailer);
    p.rc = got.trailer !== '' && Number.isInteger(rc) ? rc : -1;
    this.maybeDone();
  }

  private onErr(d: Buffer): void {
    const p = this.cur;
    const got = p?.err.push(d);
    if (!p || !got) return;
    p.stderr = got.body;
    this.maybeDone();
  }

  private maybeDone(): void {
    const p = this.cur;
    if (!p || p.stdout === undefined || p.stderr === undefined) return;
    this.cur = undefined;
    p.resolve({ rc: p.rc ?? -1, stdout: p.stdout.toString('utf8'), stderr: p.stderr.toString('utf8'), stdoutBuf: p.stdout });
  }

  private onClose(): void {
    this.ended = true;
    const p = this.cur;
    if (!p) return;
    this.cur = undefined;
    const r = gone();
    const out = p.stdout ?? p.out.bytes();
    const stderr = (p.stderr ?? p.err.bytes()).toString('utf8');
    p.resolve({ ...r, stdout: out.toString('utf8'), stdoutBuf: out, stderr: appendLine(stderr, r.stderr) });
  }
}

function gone(): ShellResult {
  return { lost: true, rc: -1, stdout: '', stderr: "kbs's remote shell on the host ended while the command ran (did it kill its parent shell?)" };
}

/** Wait for MARK on stderr, answering sudo's password prompt once. False when sudo said no or the shell never came. */
function waitUntilUp(ch: ClientChannel, mark: string, password: string | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = Buffer.alloc(0);
    let prompts = 0;
    const markBuf = Buffer.from(mark + '\n');
    const done = (ok: boolean) => {
      clearTimeout(timer);
      ch.stderr.off('data', onErr);
      ch.off('close', onClose);
      resolve(ok);
    };
    const onErr = (d: Buffer) => {
      seen = Buffer.concat([seen, d]);
      const n = countPrompts(seen);
      if (n > prompts) {
        prompts = n;
        // a second prompt means the password was wrong: the exec path will say so
        if (prompts > 1 || password === undefined) return done(false);
        ch.write(password + '\n');
      }
      if (seen.indexOf(markBuf) >= 0) done(true);
    };
    const onClose = () => done(false);
    const timer = setTimeout(() => done(false), START_WAIT_MS);
    timer.unref();
    ch.stderr.on('data', onErr);
    ch.on('close', onClose);
  });
}
