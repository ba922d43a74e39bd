/**
 * Ansible's `path` args are expanded on the host (expanduser + expandvars): `~/.ssh`, `$HOME/x`.
 * Only such paths cost a round trip; plain paths are returned as they are. And get_bin_path.
 */
import { KbsError } from '../../errors.js';
import { shq } from '../../transport/shell.js';
import type { ModuleContext } from '../types.js';
import { argWord } from './words.js';

export async function expandPath(ctx: ModuleContext, p: string): Promise<string>;
export async function expandPath(ctx: ModuleContext, p: string | undefined): Promise<string | undefined>;
export async function expandPath(ctx: ModuleContext, p: string | undefined): Promise<string | undefined> {
  if (p === undefined || (!p.startsWith('~') && !p.includes('$'))) return p;
  const r = await ctx.run(`printf '%s' ${argWord(p, true)}`);
  if (r.rc !== 0) throw new KbsError('TASK', `cannot expand path ${p}: ${r.stderr.trim()}`);
  return r.stdout;
}

/**
 * get_bin_path(NAME, required=True) on the host: the first executable NAME on PATH, then in
 * /sbin, /usr/sbin, /usr/local/sbin when they are missing from it; or the message Ansible fails
 * with, naming the folders searched.
 */
export async function findBin(ctx: ModuleContext, name: string): Promise<{ bin: string } | { missing: string }> {
  const script = [
    'p="$PATH"',
    'for d in /sbin /usr/sbin /usr/local/sbin; do case ":$p:" in *":$d:"*) ;; *) [ -e "$d" ] && p="$p:$d";; esac; done',
    'IFS=:',
    `for d in $p; do [ -n "$d" ] && [ -e "$d"/${shq(name)} ] && [ ! -d "$d"/${shq(name)} ] && [ -x "$d"/${shq(name)} ] && { printf "found %s" "$d"/${shq(name)}; exit 0; }; done`,
    'printf "none  %s" "$p"',
  ].join('\n');
  const r = await ctx.run(script, { inline: true });
  const [tag, rest] = [r.stdout.slice(0, 6), r.stdout.slice(6).replace(/\n$/, '')];
  return tag === 'found ' ? { bin: rest } : { missing: `Failed to find required executable "${name}" in paths: ${rest}` };
}
