/**
 * Where `src:` of copy/template/unarchive is found on the workstation, as Ansible searches: in a
 * role its files/ (templates/) folder, the role folder and its tasks/ folder; then beside the task
 * file and in the playbook's folder (each with files/ or templates/). The loader checks literal
 * names with it before the run; the engine resolves rendered names with it.
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { KbsError, type Position } from '../errors.js';
import type { RoleContext } from './model.js';

export function findFile(
  kind: 'files' | 'templates',
  src: string,
  where: { role?: RoleContext; taskFile: string; playbookDir: string; pos?: Position; alsoDirs?: string[] },
): string {
  if (isAbsolute(src)) {
    if (existsSync(src)) return src;
    throw notFound(kind, src, [src], where.pos);
  }
  const dirs: string[] = [];
  if (where.role) dirs.push(join(where.role.path, kind), where.role.path, join(where.role.path, 'tasks'));
  const taskDir = dirname(where.taskFile);
  dirs.push(join(taskDir, kind), taskDir, join(where.playbookDir, kind), where.playbookDir);
  for (const d of where.alsoDirs ?? []) dirs.push(join(d, kind), d);
  const tried: string[] = [];
  for (const d of dirs) {
    const p = resolve(d, src);
    if (tried.includes(p)) continue;
    tried.push(p);
    if (existsSync(p)) return p;
  }
  throw notFound(kind, src, tried, where.pos);
}

function notFound(kind: string, src: string, tried: string[], pos?: Position): KbsError {
  return new KbsError('NOT_FOUND', `could not find ${kind === 'templates' ? 'template' : 'file'} "${src}"`, {
    pos,
    hint: `searched: ${tried.join(', ')}`,
  });
}
