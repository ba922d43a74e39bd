/**
 * Ansible's `path` args are expanded on the host (expanduser + expandvars): `~/.ssh`, `$HOME/x`.
 * Only such paths cost a round trip; plain paths are returned as they are.
 */
import { KbsError } from '../../errors.js';
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
