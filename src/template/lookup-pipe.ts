/**
 * The `pipe` and `lines` lookups: each term is a shell command run on the workstation with
 * /bin/sh in the playbook's folder, as Ansible runs it (never on a host). `pipe` gives the
 * output without its trailing whitespace, `lines` its lines; a command that exits non-zero fails
 * the lookup with Ansible's message.
 */
import { spawnSync } from 'node:child_process';
import { KbsError } from '../errors.js';
import { isStr, pyStr } from './python.js';
import type { KbsContext } from './runtime.js';
import { pySplitlines } from './textwrap.js';

function baseDir(ctx: KbsContext): string {
  const pd = ctx.resolve('playbook_dir');
  return ctx.env.lookupBase ?? (isStr(pd) ? String(pd) : process.cwd());
}

function run(ctx: KbsContext, name: string, cmd: string): string {
  const r = spawnSync('/bin/sh', ['-c', cmd], { cwd: baseDir(ctx), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new KbsError('TEMPLATE', `lookup_plugin.${name}(${cmd}): ${r.error.message}`);
  const rc = r.status ?? 128;
  if (rc !== 0) throw new KbsError('TEMPLATE', `lookup_plugin.${name}(${cmd}) returned ${rc}`, { hint: 'the command runs on the workstation, in the playbook folder' });
  return r.stdout;
}

export function pipeLookup(ctx: KbsContext, terms: unknown[]): unknown[] {
  return terms.map((t) => run(ctx, 'pipe', pyStr(t)).replace(/\s+$/, ''));
}

export function linesLookup(ctx: KbsContext, terms: unknown[]): unknown[] {
  return terms.flatMap((t) => pySplitlines(run(ctx, 'lines', pyStr(t))));
}

