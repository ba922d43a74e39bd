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
import { failed, optStr, reqStr, toBool } from './util/args.js';
import { shlexSplit } from './util/shlex.js';
import { BOOL, INT, LIST_OF_STR, STR, argsSchema, oneOfStr } from './util/schema.js';

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

const OPT_BOOL = (args: Record<string, unknown>, k: string): boolean | undefined =>
  args[k] === undefined || args[k] === null ? undefined : toBool(args[k], false, k);

export const synchronize: ModuleDef = {
  name: 'synchronize',
  schema: argsSchema(
    {
      src: STR,
      dest: STR,
      mode: oneOfStr('pull', 'push'),
      dest_port: INT,
      delete: BOOL,
      private_key: STR,
      rsync_path: STR,
      archive: BOOL,
      checksum: BOOL,
      compress: BOOL,
      existing_only: BOOL,
      dirs: BOOL,
      recursive: BOOL,
      links: BOOL,
      copy_links: BOOL,
      perms: BOOL,
      times: BOOL,
      owner: BOOL,
      group: BOOL,
      set_remote_user: BOOL,
      rsync_timeout: INT,
      rsync_opts: LIST_OF_STR,
      ssh_args: STR,
      ssh_connection_multiplexing: BOOL,
      partial: BOOL,
      verify_host: BOOL,
      delay_updates: BOOL,
      use_ssh_args: BOOL,
      link_dest: LIST_OF_STR,
    },
    ['src', 'dest'],
  ),
  async run(args, ctx) {
    const t = ctx.sshTarget?.();
    if (!t) throw new KbsError('TASK', 'synchronize: kbs runs rsync over ssh only; this host has a local connection', { hint: 'use copy, or run rsync with the command module' });
    if (t.target.password !== undefined && !t.target.keyFiles.length && !t.agentSocket) {
      throw new KbsError('TASK', 'synchronize: password logins are not supported (rsync runs ssh non-interactively)', { hint: 'use a key (ansible_ssh_private_key_file) or an ssh agent' });
    }
    if (args.link_dest !== undefined && args.link_dest !== null) throw new KbsError('TASK', 'synchronize: link_dest is not supported by kbs');
    const mode = optStr(args, 'mode') ?? 'push';
    let src = reqStr(args, 'src');
    let dest = reqStr(args, 'dest');
    const user = toBool(args.set_remote_user, true, 'set_remote_user') ? t.target.user : undefined;
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
    if (toBool(args.delay_updates, true, 'delay_updates')) cmd.push('--delay-updates', '-F');
    flag(toBool(args.compress, true, 'compress'), '--compress');
    const timeout = args.rsync_timeout === undefined || args.rsync_timeout === null ? 0 : Number(args.rsync_timeout);
    if (timeout) cmd.push(`--timeout=${timeout}`);
    flag(ctx.check, '--dry-run');
    flag(toBool(args.delete, false, 'delete'), '--delete-after');
    flag(toBool(args.existing_only, false, 'existing_only'), '--existing');
    flag(toBool(args.checksum, false, 'checksum'), '--checksum');
    flag(toBool(args.copy_links, false, 'copy_links'), '--copy-links');
    const tri = ['recursive', 'links', 'perms', 'times', 'owner', 'group'].map((k) => [k, OPT_BOOL(args, k)] as const);
    if (toBool(args.archive, true, 'archive')) {
      cmd.push('--archive');
      for (const [k, v] of tri) if (v === false) cmd.push(`--no-${k}`);
    } else for (const [k, v] of tri) if (v === true) cmd.push(`--${k}`);
    flag(toBool(args.dirs, false, 'dirs'), '--dirs');

    // Ansible joins the command into one string and splits it again: an option "--exclude x" is two words
    const opts = Array.isArray(args.rsync_opts) ? args.rsync_opts.map(String) : [];
    if (!opts.some((o) => o.includes('--rsh'))) {
      const key = optStr(args, 'private_key');
      const port = args.dest_port === undefined || args.dest_port === null ? t.target.port : Number(args.dest_port);
      const target = { ...t.target, port };
      let rsh = sshWords(t, target, t.jumps, key === undefined ? undefined : local(key)).map(shlexQuote).join(' ');
      const extra = optStr(args, 'ssh_args');
      if (extra) rsh += ` ${extra}`;
      cmd.push(`--rsh=${rsh}`);
    }
    // as Ansible's action: pushing under become runs the remote rsync through sudo
    let rsyncPath = optStr(args, 'rsync_path');
    if (!rsyncPath && mode === 'push' && ctx.become) rsyncPath = `sudo -u ${ctx.become.user} rsync`;
    if (rsyncPath) cmd.push(`--rsync-path=${rsyncPath}`);
    for (const o of opts) cmd.push(...shlexSplit(o));
    flag(toBool(args.partial, false, 'partial'), '--partial');
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

