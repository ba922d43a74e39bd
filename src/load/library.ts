/**
 * Custom modules, found as Ansible finds them: `library/` beside the playbook, `library/` of
 * each role loaded so far (the task's own role first), then the configured folders (ANSIBLE_LIBRARY
 * / `library` of ansible.cfg, set by the run verb). A module found there wins over a built-in of
 * the same short name (also written `ansible.legacy.NAME`) unless Ansible runs that name through
 * an action plugin of its own (copy, template, command...); `ansible.builtin.NAME` is always the
 * built-in. Collections (`ns.coll.NAME`) are not searched. Custom module_utils come from
 * `module_utils/` beside the playbook and in the roles, then ANSIBLE_MODULE_UTILS.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Position } from '../errors.js';
import { libraryModuleDef } from '../modules/python/module.js';
import type { ModuleDef } from '../modules/types.js';
import type { FileCtx, LoadContext } from './context.js';

let configured = { library: [] as string[], moduleUtils: [] as string[] };

/** the folders of ANSIBLE_LIBRARY / ANSIBLE_MODULE_UTILS (or ansible.cfg) for this run */
export function setPluginPaths(library: string[], moduleUtils: string[]): void {
  configured = { library: [...library], moduleUtils: [...moduleUtils] };
}

/** Ansible 2.14's action plugins: these names keep their built-in behaviour whatever library/ holds */
const ACTION_PLUGINS = new Set([
  'add_host', 'assemble', 'assert', 'async_status', 'command', 'copy', 'debug', 'fail', 'fetch', 'gather_facts', 'group_by',
  'include_vars', 'package', 'pause', 'raw', 'reboot', 'script', 'service', 'set_fact', 'set_stats', 'shell', 'template',
  'unarchive', 'uri', 'validate_argument_spec', 'wait_for_connection', 'yum', 'meta',
]);

/** the names in each folder looked at while one playbook (or included file) loads; null: no folder */
const listings = new WeakMap<LoadContext, Map<string, Set<string> | null>>();

function listing(lc: LoadContext, dir: string): Set<string> | null {
  let m = listings.get(lc);
  if (!m) listings.set(lc, (m = new Map()));
  let l = m.get(dir);
  if (l === undefined) {
    try {
      l = new Set(readdirSync(dir));
    } catch {
      l = null;
    }
    m.set(dir, l);
  }
  return l;
}

const isFile = (p: string) => {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

function roleDirs(fc: FileCtx, lc: LoadContext, sub: string): string[] {
  const out: string[] = [];
  for (let r = fc.role; r; r = r.parent) out.push(join(r.path, sub));
  for (const r of [...lc.seenRoles.values(), ...lc.playRoles, ...lc.importedRoles]) out.push(join(r.path, sub));
  return out;
}

function existing(lc: LoadContext, dirs: string[]): string[] {
  return [...new Set(dirs)].filter((d) => listing(lc, d) !== null);
}

/** the folders searched for custom modules, in order */
export function libraryDirs(fc: FileCtx, lc: LoadContext): string[] {
  return existing(lc, [join(lc.playbookDir, 'library'), ...roleDirs(fc, lc, 'library'), ...configured.library]);
}

/** the folders searched for custom module_utils, in order, before ansible-core's */
export function moduleUtilsDirs(fc: FileCtx, lc: LoadContext): string[] {
  return existing(lc, [join(lc.playbookDir, 'module_utils'), ...roleDirs(fc, lc, 'module_utils'), ...configured.moduleUtils]);
}

/** the short name a task key gives a custom module, or undefined when it cannot name one */
function shortName(key: string): string | undefined {
  const n = key.startsWith('ansible.legacy.') ? key.slice('ansible.legacy.'.length) : key;
  if (n.includes('.') || ACTION_PLUGINS.has(n) || !/^[A-Za-z_][\w-]*$/.test(n)) return undefined;
  return n;
}

/** the library file of a task key, or undefined */
export function findLibraryModule(key: string, fc: FileCtx, lc: LoadContext): { name: string; file: string } | undefined {
  const name = shortName(key);
  if (!name) return undefined;
  for (const d of libraryDirs(fc, lc)) {
    const names = listing(lc, d)!;
    for (const f of [`${name}.py`, name]) if (names.has(f) && isFile(join(d, f))) return { name, file: join(d, f) };
  }
  return undefined;
}

/** The custom module a task key names (built when first seen), or undefined. */
export function libraryModule(key: string, fc: FileCtx, lc: LoadContext, pos?: Position): ModuleDef | undefined {
  const found = findLibraryModule(key, fc, lc);
  if (!found) return undefined;
  return libraryModuleDef(found.name, found.file, moduleUtilsDirs(fc, lc), pos);
}
