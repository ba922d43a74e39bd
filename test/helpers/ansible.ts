/** Run Debian's ansible-playbook next to kbs (comparison tests) and read its PLAY RECAP. */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import type { HostStats } from '../../src/engine/events.js';

/**
 * ansible-playbook ARGS with plain output, pipelining, no retry files, and its temp and home
 * folders under WORK; `env` adds or overrides variables. Never rejects: code is the exit code.
 */
export function ansiblePlaybook(args: string[], work: string, env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((res) => {
    execFile(
      'ansible-playbook',
      args,
      {
        env: {
          ...process.env,
          ANSIBLE_NOCOLOR: '1',
          ANSIBLE_PYTHON_INTERPRETER: 'auto_silent',
          ANSIBLE_RETRY_FILES_ENABLED: '0',
          ANSIBLE_PIPELINING: '1',
          ANSIBLE_LOCAL_TEMP: join(work, 'ansible-local'),
          ANSIBLE_HOME: join(work, 'ansible-home'),
          ...env,
        },
        maxBuffer: 20 * 1024 * 1024,
      },
      (err, stdout, stderr) => res({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

/** The PLAY RECAP lines of ansible-playbook's output, as kbs's recap stats. */
export function parseRecap(out: string): Record<string, HostStats> {
  const stats: Record<string, HostStats> = {};
  const re = /^(\S+)\s+:\s+ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)/gm;
  for (const m of out.matchAll(re)) {
    const [ok, changed, unreachable, failed, skipped, rescued, ignored] = m.slice(2).map(Number);
    stats[m[1]] = { ok, changed, unreachable, failed, skipped, rescued, ignored };
  }
  return stats;
}
