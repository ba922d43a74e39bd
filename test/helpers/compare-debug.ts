/**
 * Compare kbs with ansible-playbook on a playbook whose tasks run on local-connection hosts, by
 * the debug messages each host shows:
 * write the files into a fresh folder, run both, and read each host's debug messages in order
 * (Ansible through its json stdout callback, kbs through --output json).
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ansiblePlaybook } from './ansible.js';
import { kbs } from './kbs.js';
import { tempDir } from './tmp.js';

export interface LocalRun {
  code: number;
  /** host -> the msg of each debug task it ran, in order */
  msgs: Record<string, unknown[]>;
  /** the whole output, for assertion messages */
  out: string;
}

/** the default inventory: two hosts on the local connection */
export const LOCAL_INVENTORY = '[local]\nh1 ansible_connection=local\nh2 ansible_connection=local\n';

/** Write `files` (path -> text) into a new folder; returns it. */
export function writeTree(files: Record<string, string>, prefix = 'kbs-cmp-'): string {
  const dir = tempDir(prefix);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

export async function runAnsibleLocal(dir: string, args: string[], env: Record<string, string> = {}): Promise<LocalRun> {
  const r = await ansiblePlaybook(args, dir, { ANSIBLE_STDOUT_CALLBACK: 'json', ...env });
  const start = r.out.indexOf('{\n');
  const end = r.out.lastIndexOf('\n}');
  const msgs: Record<string, unknown[]> = {};
  if (start >= 0 && end > start) {
    const doc = JSON.parse(r.out.slice(start, end + 2)) as { plays: { tasks: { hosts: Record<string, Record<string, unknown>> }[] }[] };
    for (const p of doc.plays) {
      for (const t of p.tasks) {
        for (const [h, res] of Object.entries(t.hosts)) if ('msg' in res && res.action === 'debug') (msgs[h] ??= []).push(res.msg);
      }
    }
  }
  return { code: r.code, msgs, out: r.out };
}

export async function runKbsLocal(args: string[]): Promise<LocalRun> {
  const r = await kbs(['run', ...args]);
  const msgs: Record<string, unknown[]> = {};
  for (const e of r.events) {
    if (e.type === 'host_result' && e.action === 'debug' && e.result && 'msg' in e.result) (msgs[e.host] ??= []).push(e.result.msg);
  }
  return { code: r.code, msgs, out: r.stdout + r.stderr };
}

/**
 * Run `playbook` (in `files`) with both; `args` are extra command-line arguments for both, `env`
 * extra environment variables for both (ANSIBLE_CONFIG defaults to FOLDER/ansible.cfg, so a test
 * that writes no such file runs both without a config file).
 */
export async function compareLocal(
  files: Record<string, string>,
  opts: { playbook?: string; args?: string[]; env?: Record<string, string>; inventory?: string; noInventory?: boolean } = {},
): Promise<{ ansible: LocalRun; kbs: LocalRun; dir: string }> {
  const dir = writeTree({ 'inventory.ini': opts.inventory ?? LOCAL_INVENTORY, ...files });
  const env = { ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ...(opts.env ?? {}) };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  try {
    const args = [...(opts.noInventory ? [] : ['-i', join(dir, 'inventory.ini')]), join(dir, opts.playbook ?? 'site.yml'), ...(opts.args ?? [])];
    const ansible = await runAnsibleLocal(dir, args, env);
    Object.assign(process.env, env);
    const k = await runKbsLocal(args);
    return { ansible, kbs: k, dir };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
