/**
 * ansible.posix.synchronize: rsync between the workstation and the host, run ON THE WORKSTATION
 * (push: workstation → host, `mode: pull`: host → workstation) over ssh with the connection
 * settings kbs itself uses for the host: address, port, user, key files, jump hosts (as nested
 * ProxyCommands) and host key policy (kbs's known_hosts files; accept-new when kbs accepts new
 * keys). The rsync options are Ansible's, in its order; `changed` comes from rsync's itemized
 * output (`--out-format=<<CHANGED>>%i %n%L`), check mode adds `--dry-run`.
 */
import { spawn } from 'node:child_process';
import { isAbsolute, resolve } from 'node:path';
import { homedir } from 'node:os';
import { KbsError } from '../errors.js';
import type { Endpoint, ResolvedTarget } from '../transport/resolve.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { OPT_BOOL, declareArgs } from './util/declare.js';
import { shlexSplit } from './util/shlex.js';
import { LIST_OF_STR } from './util/schema.js';

const CHANGED = '<<CHANGED>>';

/** POSIX shell quoting as Python's shlex.quote (left alone when only safe characters). */
export function shlexQuote(s: string): string {
  if (s === '') return "''";
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** The ssh command line for one hop: options, keys, host key policy, and the hop before it. */
function sshWords(t: ResolvedTarget, hop: Endpoint, before: Endpoint[], extraKey?: string): string[] {
  const w = ['ssh', '-S', 'none'];
  const keys = extraKey !== undefined ? [extraKey] : hop.keyFiles;
  for (const k of keys) w.push('-i', k);
  if (keys.length) w.push('-o', 'IdentitiesOnly=yes');
  w.push('-o', `Port=${hop.port}`, '-o', `User=${hop.user}`);
  w.push('-o', `UserKnownHostsFile=${t.policy.files.map((f) => f.replace(/ /g, '\\ ')).join(' ')}`, '-o', 'GlobalKnownHostsFile=/dev/null');
  w.push('-o', `StrictHostKeyChecking=${t.policy.acceptNew ? 'accept-new' : 'yes'}`);
  w.push('-o', `ConnectTimeout=${Math.max(1, Math.round(t.connectTimeoutMs / 1000))}`, '-o', 'BatchMode=yes');
  if (before.length) {
    const prev = before[before.length - 1];
    const inner = [...sshWords(t, prev, before.slice(0, -1)), '-W', '%h:%p', prev.host].map(shlexQuote).join(' ');
    w.push('-o', `ProxyCommand=${inner}`);
  }
  return w;
}

/** `user@host:path` (IPv6 addresses in brackets), as Ansible's action writes the remote side. */
function remotePath(host: string, user: string | undefined, path: string): string {
  const h = host.includes(':') ? `[${host}]` : host;
  return `${user ? `${user}@` : ''}${h}:${path}`;
}

function run(cmd: string[]): Promise<{ rc: number; out: string; err: string }> {
  return new Promise((res) => {
    const p = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LANG: 'C', LC_ALL: 'C' } });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    p.on('error', (e) => res({ rc: 127, out, err: err + String(e.message) }));
    p.on('close', (code) => res({ rc: code ?? 1, out, err }));
  });
}

/** a list of strings as given (each element as its str()) */
const STRINGS = { type: 'any', schema: LIST_OF_STR, read: (v: unknown) => (Array.isArray(v) ? v.map(String) : []) } as const;

const args = declareArgs({
  src: { type: 'str', required: true },
  dest: { type: 'str', required: true },
  mode: { type: 'str', choices: ['pull', 'push'], default: 'push' },
  dest_port: { type: 'int' },
  delete: { type: 'bool' },
  private_key: { type: 'str' },
  rsync_path: { type: 'str' },
  archive: { type: 'bool', default: true },
  checksum: { type: 'bool' },
  compress: { type: 'bool', default: true },
  existing_only: { type: 'bool' },
  dirs: { type: 'bool' },
  // unset: archive's choice; set: --no-NAME under archive, --NAME without it
  recursive: OPT_BOOL,
  links: OPT_BOOL,
  copy_links: { type: 'bool' },
  perms: OPT_BOOL,
  times: OPT_BOOL,
  owner: OPT_BOOL,
  group: OPT_BOOL,
  set_remote_user: { type: 'bool', default: true },
  rsync_timeout: { type: 'int', default: 0 },
  rsync_opts: STRINGS,
  ssh_args: { type: 'str' },
  ssh_connection_multiplexing: { type: 'bool' },
  partial: { type: 'bool' },
  verify_host: { type: 'bool' },
  delay_updates: { type: 'bool', default: true },
  use_ssh_args: { type: 'bool' },
  link_dest: STRINGS,
});

export const synchronize: ModuleDef = {
  name: 'synchronize',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const t = ctx.sshTarget?.();
    if (!t) throw new KbsError('TASK', 'synchronize: kbs runs rsync over ssh only; this host has a local connection', { hint: 'use copy, or run rsync with the command module' });
    if (t.target.password !== undefined && !t.target.keyFiles.length && !t.agentSocket) {
      throw new KbsError('TASK', 'synchronize: password logins are not supported (rsync runs ssh non-interactively)', { hint: 'use a key (ansible_ssh_private_key_file) or an ssh agent' });
    }
    if (a.link_dest !== undefined) throw new KbsError('TASK', 'synchronize: link_dest is not supported by kbs');
    const mode = a.mode;
    let { src, dest } = a;
    const user = a.set_remote_user ? t.target.user : undefined;
    const local = (p: string) => {
      const e = p.startsWith('~') ? homedir() + p.slice(1) : p;
      return isAbsolute(e) ? e : resolve(e);
    };
    if (mode === 'push') {
      const trailing = src.endsWith('/');
      src = isAbsolute(src) || src.startsWith('~') ? local(src) : ctx.findFile('files', src);
      if (trailing && !src.endsWith('/')) src += '/';
      dest = remotePath(t.target.host, user, dest);
    } else {
      src = remotePath(t.target.host, user, src);
      dest = local(dest);
    }

    const cmd = ['rsync'];
    const flag = (on: boolean, f: string) => on && cmd.push(f);
    if (a.delay_updates) cmd.push('--delay-updates', '-F');
    flag(a.compress, '--compress');
    if (a.rsync_timeout) cmd.push(`--timeout=${a.rsync_timeout}`);
    // check mode is rsync's own dry run: it reports what it would change
    flag(ctx.check, '--dry-run');
    flag(a.delete, '--delete-after');
    flag(a.existing_only, '--existing');
    flag(a.checksum, '--checksum');
    flag(a.copy_links, '--copy-links');
    const tri = (['recursive', 'links', 'perms', 'times', 'owner', 'group'] as const).map((k) => [k, a[k]] as const);
    if (a.archive) {
      cmd.push('--archive');
      for (const [k, v] of tri) if (v === false) cmd.push(`--no-${k}`);
    } else for (const [k, v] of tri) if (v === true) cmd.push(`--${k}`);
    flag(a.dirs, '--dirs');

    // Ansible joins the command into one string and splits it again: an option "--exclude x" is two words
    const opts = a.rsync_opts ?? [];
    if (!opts.some((o) => o.includes('--rsh'))) {
      const key = a.private_key;
      const target = { ...t.target, port: a.dest_port ?? t.target.port };
      let rsh = sshWords(t, target, t.jumps, key === undefined ? undefined : local(key)).map(shlexQuote).join(' ');
      if (a.ssh_args) rsh += ` ${a.ssh_args}`;
      cmd.push(`--rsh=${rsh}`);
    }
    // as Ansible's action: pushing under become runs the remote rsync through sudo
    let rsyncPath = a.rsync_path;
    if (!rsyncPath && mode === 'push' && ctx.become) rsyncPath = `sudo -u ${ctx.become.user} rsync`;
    if (rsyncPath) cmd.push(`--rsync-path=${rsyncPath}`);
    for (const o of opts) cmd.push(...shlexSplit(o));
    flag(a.partial, '--partial');
    cmd.push(`--out-format=${CHANGED}%i %n%L`, src, dest);
    const cmdstr = cmd.map(shlexQuote).join(' ');

    const r = await run(cmd);
    if (r.rc !== 0) return failed(r.err, { rc: r.rc, cmd: cmdstr });
    const clean = r.out.split(CHANGED).join('');
    const result: ModuleResult = {
      changed: r.out.includes(CHANGED),
      msg: clean,
      rc: r.rc,
      cmd: cmdstr,
      stdout_lines: clean.split('\n').filter((l) => l !== ''),
    };
    if (ctx.diff) result.diff = { prepared: clean } as never;
    return result;
  },
};

