/**
 * Become (sudo) over a pipe, without ever leaking the password into the command's stdin.
 *
 * The command runs as `sudo ... /bin/sh -c 'printf MARKER >&2; CMD'`. With a password, kbs waits:
 * when sudo prints its prompt (SUDO_PROMPT) on stderr, kbs writes the password; when MARKER
 * appears, sudo has succeeded and kbs sends the real stdin. If sudo did not prompt (NOPASSWD,
 * cached credentials) the password is simply never sent. A second prompt means a wrong password:
 * kbs closes stdin so sudo gives up. Without MARKER at the end, become failed: the result says so
 * in stderr, with a hint at ansible_become_password.
 */
import { randomBytes } from 'node:crypto';
import { SUDO_PROMPT, becomeCommand, type SudoHow } from './shell.js';
import type { ExecResult } from './types.js';

export class BecomeSession {
  readonly marker = `KBS-BECOME-OK-${randomBytes(8).toString('hex')}`;
  readonly command: string;
  private pre = Buffer.alloc(0);
  private seen = false;
  private prompts = 0;
  private wrongPassword = false;

  /**
   * CMD: the (already wrapped) command. WRITE_STDIN(bytes, end): write to the command's stdin.
   * Call start() once the channel/process is open.
   */
  constructor(
    cmd: string,
    private readonly user: string | undefined,
    private readonly password: string | undefined,
    private readonly userStdin: Buffer | undefined,
    private readonly writeStdin: (data: Buffer | undefined, end: boolean) => void,
    how: SudoHow = {},
  ) {
    this.command = becomeCommand(cmd, user, password !== undefined, this.marker, how);
  }

  /**
   * In a conversation (ExecOptions.talk): called, in place of sending the command's stdin and
   * ending it, once the command's stdin is its own (sudo took the password or needs none).
   */
  onReady?: () => void;

  start(): void {
    // sudo -n never reads stdin: send the command's stdin right away
    if (this.password === undefined) this.handOver();
  }

  private handOver(): void {
    if (this.onReady) this.onReady();
    else this.writeStdin(this.userStdin, true);
  }

  /** Feed a stderr chunk; returns the bytes that belong to the command's stderr. */
  onStderr(chunk: Buffer): Buffer {
    if (this.seen) return chunk;
    this.pre = Buffer.concat([this.pre, chunk]);
    const n = countPrompts(this.pre);
    while (this.prompts < n) {
      this.prompts++;
      if (this.password === undefined) continue;
      if (this.prompts === 1) this.writeStdin(Buffer.from(this.password + '\n'), false);
      else {
        this.wrongPassword = true;
        this.writeStdin(undefined, true);
      }
    }
    const m = Buffer.from(this.marker + '\n');
    const at = this.pre.indexOf(m);
    if (at < 0) return Buffer.alloc(0);
    this.seen = true;
    if (this.password !== undefined) this.handOver();
    const before = stripPrompts(this.pre.subarray(0, at));
    const after = this.pre.subarray(at + m.length);
    this.pre = Buffer.alloc(0);
    return Buffer.concat([before, after]);
  }

  /** Did sudo get as far as running the command? */
  get succeeded(): boolean {
    return this.seen;
  }

  /** Turn a result into a clear become failure when sudo did not run the command. */
  finish(res: ExecResult): ExecResult {
    if (this.seen) return res;
    const sudoSays = stripPrompts(this.pre).toString('utf8').replace(/\n\s*\n/g, '\n').trim();
    const who = this.user && this.user !== 'root' ? this.user : 'root';
    let reason: string;
    let hint: string;
    if (this.wrongPassword || /incorrect password|Sorry, try again/i.test(sudoSays)) {
      reason = 'incorrect password';
      hint = 'check ansible_become_password for this host';
    } else if (/password is required|terminal is required|askpass/i.test(sudoSays)) {
      reason = 'a password is required';
      hint = 'set ansible_become_password for this host, or allow passwordless sudo (NOPASSWD)';
    } else if (/not in the sudoers|not allowed|may not run sudo/i.test(sudoSays)) {
      reason = 'the user may not run sudo';
      hint = 'allow the user in /etc/sudoers(.d) on the host, or connect as a user that can';
    } else if (/not found/i.test(sudoSays) && /sudo/.test(sudoSays)) {
      reason = 'sudo is not installed';
      hint = 'install sudo on the host';
    } else {
      reason = sudoSays.split('\n')[0] || `sudo exited with rc ${res.rc}`;
      hint = 'check sudo on the host; set ansible_become_password if sudo needs a password';
    }
    const stderr = `become failed (sudo to ${who}): ${reason}\nhint: ${hint}${sudoSays ? `\nsudo said: ${sudoSays}` : ''}`;
    return { ...res, rc: res.rc === 0 ? 1 : res.rc, stderr };
  }
}

function stripPrompts(b: Buffer): Buffer {
  return Buffer.from(b.toString('latin1').split(SUDO_PROMPT).join(''), 'latin1');
}

const PROMPT = Buffer.from(SUDO_PROMPT);

/** How many times sudo has prompted for the password in BUF (stderr so far). */
export function countPrompts(buf: Buffer): number {
  let n = 0;
  for (let i = buf.indexOf(PROMPT); i >= 0; i = buf.indexOf(PROMPT, i + PROMPT.length)) n++;
  return n;
}
