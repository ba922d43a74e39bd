/** Run the kbs CLI in-process with JSON output and collect its events. */
import { writeFileSync } from 'node:fs';
import { main } from '../../src/cli/main.js';
import type { EngineEvent, HostStats } from '../../src/engine/events.js';
import type { Sshd } from './sshd.js';

export interface KbsRun {
  code: number;
  stdout: string;
  stderr: string;
  events: EngineEvent[];
  recap: Record<string, HostStats>;
}

/** `onEvent` hears each JSON event as it is printed (to inject faults mid-run). */
export async function kbs(args: string[], onEvent?: (e: EngineEvent) => void): Promise<KbsRun> {
  let stdout = '';
  let stderr = '';
  let partial = '';
  const hasOutput = args.includes('--output') || args.includes('-o');
  const code = await main(hasOutput ? args : [...args, '--output', 'json'], {
    stdout: (s) => {
      stdout += s;
      if (!onEvent) return;
      partial += s;
      const lines = partial.split('\n');
      partial = lines.pop() ?? '';
      for (const l of lines) if (l.startsWith('{')) onEvent(JSON.parse(l) as EngineEvent);
    },
    stderr: (s) => {
      stderr += s;
    },
    isTTY: false,
    env: process.env,
  });
  const events: EngineEvent[] = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as EngineEvent);
  const r = events.find((e) => e.type === 'recap');
  return { code, stdout, stderr, events, recap: r && r.type === 'recap' ? r.stats : {} };
}

export function results(run: KbsRun, task?: string) {
  return run.events.filter((e): e is Extract<EngineEvent, { type: 'host_result' }> => e.type === 'host_result' && (!task || e.task === task));
}

/** An inventory whose hosts all reach one real sshd (as `user`). */
export function sshdInventory(
  file: string,
  sshd: Sshd,
  hosts: string[],
  opts: { user?: string; knownHosts?: string; extraVars?: Record<string, unknown>; group?: string } = {},
): string {
  const group = opts.group ?? 'targets';
  const lines = [
    'all:',
    '  vars:',
    '    ansible_host: 127.0.0.1',
    `    ansible_port: ${sshd.port}`,
    `    ansible_user: ${opts.user ?? 'root'}`,
    `    ansible_ssh_private_key_file: ${sshd.clientKey}`,
    `    ansible_ssh_common_args: "-o UserKnownHostsFile=${opts.knownHosts ?? sshd.knownHostsFile}"`,
    ...Object.entries(opts.extraVars ?? {}).map(([k, v]) => `    ${k}: ${JSON.stringify(v)}`),
    '  children:',
    `    ${group}:`,
    '      hosts:',
    ...hosts.map((h) => `        ${h}: {}`),
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}
