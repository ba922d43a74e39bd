/**
 * The folders lookups search for relative file names, in Ansible's order: the current role's
 * folder, then the base folder (Templater lookupBase option, else the playbook_dir variable, else
 * the working directory). Each is tried with the lookup's subfolder (files/, templates/) first.
 */
import path from 'node:path';
import { isStr } from './python.js';
import type { KbsContext } from './runtime.js';

export function searchBases(ctx: KbsContext): string[] {
  const out: string[] = [];
  const rolePath = ctx.resolve('role_path');
  if (isStr(rolePath)) out.push(String(rolePath));
  const pd = ctx.resolve('playbook_dir');
  out.push(ctx.env.lookupBase ?? (isStr(pd) ? String(pd) : process.cwd()));
  return [...new Set(out)];
}

/** candidate paths of `rel` with `subdir` (absolute paths are themselves) */
export function searchPaths(ctx: KbsContext, rel: string, subdir: string): string[] {
  if (path.isAbsolute(rel)) return [rel];
  return [...new Set(searchBases(ctx).flatMap((b) => [path.join(b, subdir, rel), path.join(b, rel)]))];
}
