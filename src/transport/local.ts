/** The local transport: ansible_connection=local and delegate_to: localhost. */
import { spawn } from 'node:child_process';
import type { Connection, ConnectionStats, ExecOptions, ExecResult } from './types.js';
import { becomeCommand, wrapCommand } from './shell.js';

export class LocalConnection implements Connection {
  readonly stats: ConnectionStats = { connects: 0, execs: 0 };
  constructor(
    readonly host: string,
    private readonly becomePassword?: string,
  ) {}

  exec(cmd: string, opts: ExecOptions = {}): Promise<ExecResult> {
    this.stats.execs++;
    let full = wrapCommand(cmd, opts.env, opts.cwd);
    let stdin: Buffer | undefined = opts.stdin === undefined ? undefined : Buffer.from(opts.stdin);
    const asUser = opts.becomeUser ?? 'root';
    const alreadyThere = process.getuid?.() === 0 && asUser === 'root';
    if (opts.become && !alreadyThere) {
      const pw = this.becomePassword;
      full = becomeCommand(full, opts.becomeUser, pw !== undefined);
      if (pw !== undefined) stdin = Buffer.concat([Buffer.from(pw + '\n'), stdin ?? Buffer.alloc(0)]);
    }
    return new Promise((resolve) => {
      const child = spawn('/bin/sh', ['-c', full], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      let timedOut = false;
      const timer = opts.timeoutMs
        ? setTimeout(() => {
            timedOut = true;
            child.kill('SIGKILL');
          }, opts.timeoutMs)
        : undefined;
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => err.push(d));
      child.stdin.on('error', () => undefined);
      child.stdin.end(stdin ?? undefined);
      child.on('error', (e) => {
        if (timer) clearTimeout(timer);
        resolve({ rc: 127, stdout: '', stderr: String(e) });
      });
      child.on('close', (code) => {
        if (timer) clearTimeout(timer);
        const stdoutBuf = Buffer.concat(out);
        let stderr = Buffer.concat(err).toString('utf8');
        if (timedOut) stderr += `\ncommand timed out after ${opts.timeoutMs} ms`;
        resolve({ rc: timedOut ? -1 : (code ?? -1), stdout: stdoutBuf.toString('utf8'), stderr, stdoutBuf });
      });
    });
  }

  async close(): Promise<void> {}
}
