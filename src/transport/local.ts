/** The local transport: ansible_connection=local and delegate_to: localhost. */
import { spawn } from 'node:child_process';
import type { Connection, ConnectionStats, ExecOptions, ExecResult } from './types.js';
import { sudoHow, wrapCommand } from './shell.js';
import { BecomeSession } from './become.js';
import { countStopped, stopScript, tagProcess, type StopSignal } from './interrupt.js';

export class LocalConnection implements Connection {
  readonly stats: ConnectionStats = { connects: 0, execs: 0, channels: 0 };
  /** users commands ran as through become: interrupt() stops their processes as them */
  private readonly becameUsers = new Set<string>();

  constructor(
    readonly host: string,
    private readonly becomePassword?: string,
    /** the run's tag, put in every command line kbs starts (interrupt.ts) */
    private readonly tag?: string,
  ) {}

  exec(cmd: string, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.run(tagProcess(cmd, this.tag), opts);
  }

  /** Signal every process group this run started here (interrupt.ts), as kbs's user and as each become user. */
  async interrupt(sig: StopSignal): Promise<number> {
    if (!this.tag) return 0;
    const script = stopScript(this.tag, sig);
    // the become users first, as over SSH (ssh.ts)
    const n = countStopped(await Promise.allSettled([...this.becameUsers].map((u) => this.run(script, { become: true, becomeUser: u }))));
    return n + countStopped(await Promise.allSettled([this.run(script, {})]));
  }

  private run(cmd: string, opts: ExecOptions): Promise<ExecResult> {
    this.stats.execs++;
    let full = wrapCommand(cmd, opts.env, opts.cwd);
    const stdin: Buffer | undefined = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    const asUser = opts.becomeUser ?? 'root';
    const alreadyThere = process.getuid?.() === 0 && asUser === 'root';
    let become: BecomeSession | undefined;
    // become.ts feeds the password only when sudo prompts, then the real stdin
    const write = (data: Buffer | undefined, end: boolean) => {
      if (!child.stdin.writable) return;
      if (end) child.stdin.end(data);
      else if (data) child.stdin.write(data);
    };
    const talk = opts.talk;
    const io = { write: (d: Buffer) => write(d, false), end: () => write(undefined, true) };
    if (opts.become && !alreadyThere) {
      this.becameUsers.add(asUser);
      become = new BecomeSession(full, opts.becomeUser, this.becomePassword, stdin, write, sudoHow(opts));
      if (talk) become.onReady = () => talk.start(io);
      full = become.command;
    }
    // a process group of its own, as over SSH: interrupt() signals it without hitting kbs
    const child = spawn('/bin/sh', ['-c', full], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    return new Promise((resolve) => {
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            try {
              process.kill(-child.pid!, 'SIGKILL'); // the whole group: the command's children too
            } catch {
              child.kill('SIGKILL');
            }
          }, opts.timeoutMs)
        : undefined;
      child.stdout.on('data', (d: Buffer) => {
        out.push(d);
        talk?.stdout(d);
      });
      child.stderr.on('data', (d: Buffer) => {
        const mine = become ? become.onStderr(d) : d;
        err.push(mine);
        if (mine.length) talk?.stderr(mine);
      });
      child.stdin.on('error', () => undefined);
      if (become) become.start();
      else if (talk) talk.start(io);
      else child.stdin.end(stdin ?? undefined);
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        resolve({ rc: 127, stdout: '', stderr: String(e) });
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        const stdoutBuf = Buffer.concat(out);
        let stderr = Buffer.concat(err).toString('utf8');
        if (timedOut) stderr += `\ncommand timed out after ${opts.timeoutMs} ms`;
        const res: ExecResult = { rc: timedOut ? -1 : (code ?? -1), stdout: stdoutBuf.toString('utf8'), stderr, stdoutBuf };
        resolve(become && !timedOut ? become.finish(res) : res);
      });
    });
  }

  async close(): Promise<void> {}
}
