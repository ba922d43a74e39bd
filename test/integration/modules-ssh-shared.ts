/**
 * Shared by the modules-ssh-*.test.ts files: a real sshd with a work folder and an inventory with
 * one host that logs in as root and one that logs in as kbstest and becomes root through sudo
 * (both reach the same sshd), and small accessors for the events of a `kbs run`.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KBSPW_PASSWORD, startSshd, type Sshd } from '../helpers/sshd.js';
import { results, type KbsRun } from '../helpers/kbs.js';
import { runAnsibleLocal, runKbsLocal, type LocalRun } from '../helpers/compare-debug.js';

/** inventory_hostname → how it logs in */
export const USERS = {
  asroot: { ansible_user: 'root' },
  asuser: { ansible_user: 'kbstest', ansible_become: true },
} as const;
export const HOSTS = Object.keys(USERS) as (keyof typeof USERS)[];

/** USERS plus `aspw`: kbspw, whose sudo asks for its password (kbs feeds it before the command's stdin). */
export const USERS_WITH_PASSWORD = { ...USERS, aspw: { ansible_user: 'kbspw', ansible_become: true, ansible_become_password: KBSPW_PASSWORD } };

export function userInventory(file: string, sshd: Sshd, hosts: Record<string, Record<string, unknown>> = USERS): string {
  const lines = [
    'all:',
    '  vars:',
    '    ansible_host: 127.0.0.1',
    `    ansible_port: ${sshd.port}`,
    `    ansible_ssh_private_key_file: ${sshd.clientKey}`,
    `    ansible_ssh_common_args: "-o UserKnownHostsFile=${sshd.knownHostsFile}"`,
    '  children:',
    '    targets:',
    '      hosts:',
    ...Object.entries(hosts).map(([h, v]) => `        ${h}: ${JSON.stringify(v)}`),
  ];
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

export interface SshdHosts {
  sshd: Sshd;
  /** a fresh temp folder (0755, so kbstest can look into it) holding inv.yml */
  work: string;
  /** the inventory file of HOSTS (userInventory) */
  inv: string;
}

/** Start a real sshd, a work folder kbs-PREFIX-* and an inventory of HOSTS on it (for before()). */
export async function startHosts(prefix: string, hosts: Record<string, Record<string, unknown>> = USERS): Promise<SshdHosts> {
  const sshd = await startSshd();
  const work = mkdtempSync(join(tmpdir(), `kbs-${prefix}-`));
  chmodSync(work, 0o755);
  return { sshd, work, inv: userInventory(join(work, 'inv.yml'), sshd, hosts) };
}

/** Stop what startHosts started (for after(); either may be missing when before() failed). */
export async function stopHosts(sshd: Sshd | undefined, work: string | undefined): Promise<void> {
  await sshd?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}

export type HostResult = ReturnType<typeof results>[number];

/** The host_result of TASK on HOST; fails when there is none or more than one. */
export function one(run: KbsRun, task: string, host: string): HostResult {
  const r = results(run, task).filter((e) => e.host === host);
  if (r.length !== 1) throw new Error(`expected one result of "${task}" on ${host}, got ${r.length}\n${run.stdout.slice(-3000)}`);
  return r[0];
}

/** task name → status, for one host */
export function statuses(run: KbsRun, host: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const r of results(run)) if (r.host === host) out[r.task] = r.status;
  return out;
}

/** Every diff entry's before/after text of a result (loops: of every item). */
export function diffText(r: { diff?: unknown; results?: unknown }): string {
  const parts: string[] = [];
  const add = (d: unknown) => {
    for (const e of Array.isArray(d) ? d : d ? [d] : []) {
      const x = e as Record<string, unknown>;
      parts.push(`--- ${String(x.before ?? '')}\n+++ ${String(x.after ?? '')}`);
    }
  };
  add(r.diff);
  if (Array.isArray(r.results)) for (const it of r.results) add((it as { diff?: unknown }).diff);
  return parts.join('\n');
}

/**
 * The same playbook under ansible-playbook (tool 'a', in folder DIR, with ENV) or kbs (tool 'k',
 * JSON output); each run's debug messages per host.
 */
export async function runTool(tool: 'a' | 'k', dir: string, args: string[], env: Record<string, string> = {}): Promise<LocalRun> {
  return tool === 'a' ? runAnsibleLocal(dir, args, env) : runKbsLocal([...args, '--output', 'json']);
}

/**
 * A playbook step for the compare tests of a module: MODULE with ARGS registered (errors
 * ignored), then the registered result shown as its sorted items without `invocation` and the
 * facts Ansible adds (registeredResult reads them back).
 */
export function registeredStep(module: string, args: string, extra = ''): string {
  const show = `    - debug: {msg: "{{ r | dict2items | rejectattr('key', 'in', ['invocation', 'ansible_facts']) | sort(attribute='key') | list }}"}\n`;
  return `    - ${module}: ${args}\n      register: r\n      ignore_errors: true\n${extra}${show}`;
}

/** A result registeredStep showed, as an object again. */
export function registeredResult(shown: unknown): Record<string, unknown> {
  return Object.fromEntries((shown as { key: string; value: unknown }[]).map((e) => [e.key, e.value]));
}
