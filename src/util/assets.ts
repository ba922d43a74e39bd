/**
 * Files kbs ships beside its code (playbooks/, roles/), found from the source or the built copy.
 * Every lookup of a shipped file goes through here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KbsError } from '../errors.js';

/**
 * The package root: the nearest folder above this code holding kbs's package.json (the code is
 * src/util/assets.ts under tsx, dist/src/util/assets.js built, or the bundle dist/kbs.cjs).
 */
export function packageRoot(): string {
  if (root) return root;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kbs') return (root = dir);
    const up = dirname(dir);
    if (up === dir) throw new KbsError('STATE', `kbs's package.json not found above ${fileURLToPath(import.meta.url)}`, { hint: 'run kbs from its installed package (bin/kbs.js)' });
    dir = up;
  }
}
let root: string | undefined;

/** A shipped playbook: playbooks/NAME */
export function shippedPlaybook(name: string): string {
  return resolve(packageRoot(), 'playbooks', name);
}

/** The playbook `kbs apply` and `kbs plan` run: playbooks/cluster.yml */
export function clusterPlaybook(): string {
  return shippedPlaybook('cluster.yml');
}

/** The folder of the roles shipped with kbs, searched after the user's roles paths. */
export function builtinRolesDir(): string {
  return resolve(packageRoot(), 'roles');
}
