/** Run host commands: captured output, no shell unless asked, never throws on its own. */
import { spawn } from 'node:child_process';
import { KbsError } from '../../src/errors.js';

export interface RunResult {
  rc: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

export function run(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: opts.env ?? process.env,
      cwd: opts.cwd,
    });
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
    child.stdin.end(opts.input ?? undefined);
    child.on('error', (e) => {
      if (timer) clearTimeout(timer);
      resolve({ rc: 127, stdout: '', stderr: String(e) });
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      let stderr = Buffer.concat(err).toString('utf8');
      if (timedOut) stderr += `\n(timed out after ${opts.timeoutMs} ms)`;
      else if (signal) stderr += `\n(killed by ${signal})`;
      resolve({ rc: timedOut || code === null ? -1 : code, stdout: Buffer.concat(out).toString('utf8'), stderr });
    });
  });
}

/** run and throw a KbsError (with the command's last stderr lines) when it fails */
export async function runOk(cmd: string, args: string[], opts: RunOptions = {}): Promise<RunResult> {
  const r = await run(cmd, args, opts);
  if (r.rc !== 0) {
    throw new KbsError('INTERNAL', `${cmd} ${args.join(' ')} failed (rc ${r.rc})`, {
      hint: tail(r.stderr || r.stdout, 8) || undefined,
    });
  }
  return r;
}

export function tail(text: string, lines: number): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
