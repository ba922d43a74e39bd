/**
 * All modules by name. `ansible.builtin.X`, `ansible.legacy.X` and aliases resolve to the module.
 * Add a module by importing it and listing it in MODULES.
 */
import type { ModuleDef } from './types.js';

const MODULES: ModuleDef[] = [];

const byName = new Map<string, ModuleDef>();
for (const m of MODULES) {
  byName.set(m.name, m);
  for (const a of m.aliases ?? []) byName.set(a, m);
}

const PREFIXES = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.'];

/** Short canonical name for a module name as written, or undefined when unknown. */
export function canonicalModuleName(name: string): string | undefined {
  return getModule(name)?.name;
}

export function getModule(name: string): ModuleDef | undefined {
  let n = name;
  for (const p of PREFIXES) if (n.startsWith(p)) n = n.slice(p.length);
  return byName.get(n);
}

/** Every accepted short name (for "did you mean"). */
export function moduleNames(): string[] {
  return [...byName.keys()];
}

export function registerModule(m: ModuleDef): void {
  byName.set(m.name, m);
  for (const a of m.aliases ?? []) byName.set(a, m);
}
