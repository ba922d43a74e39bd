/**
 * Files kbs ships beside its code (playbooks/, roles/), found from the source or the built copy.
 * Every lookup of a shipped file goes through here.
 */
import { dirname, resolve } from 'node:path';

/** The package root: src/util/assets.ts (tsx) and dist/src/util/assets.js (built) both sit under it. */
export function packageRoot(): string {
  const here = dirname(new URL(import.meta.url).pathname);
  return here.includes('/dist/') ? resolve(here, '../../..') : resolve(here, '../..');
}

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
