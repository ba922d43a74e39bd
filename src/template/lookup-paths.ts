/**
 * The folders lookups search for relative file names, in Ansible's order: the current role's
 * folder, then the base folder (Templater lookupBase option, else the playbook_dir variable, else
 * the working directory). Each is tried with the lookup's subfolder (files/, templates/) first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { KbsError } from '../errors.js';
import { unvaultFileData } from '../vault/files.js';
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

/** the first file of searchPaths(rel, subdir); WHAT names the lookup in the error */
export function findFile(ctx: KbsContext, rel: string, subdir: string, what: string): string {
  const candidates = searchPaths(ctx, rel, subdir);
  for (const c of candidates) {
    try {
      if (fs.statSync(c).isFile()) return c;
    } catch {
      // try the next one
    }
  }
  const why = what === 'template' ? `the template file ${rel} could not be found for the lookup` : `could not locate file in lookup: ${rel}`;
  throw new KbsError('NOT_FOUND', `lookup('${what}'): ${why}`, {
    hint: `searched: ${candidates.join(', ')}`,
  });
}

/** a file's text; a vault-encrypted file is decrypted (Ansible's file, template and unvault lookups do) */
export function readText(file: string): string {
  let data: Buffer;
  try {
    data = fs.readFileSync(file);
  } catch (e) {
    throw new KbsError('NOT_FOUND', `cannot read '${file}': ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  return unvaultFileData(file, data).data.toString('utf8');
}
