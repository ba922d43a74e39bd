/**
 * Changes to the inventory while a playbook runs (add_host, group_by), made as Ansible's
 * InventoryManager makes them: a new host is put in `all` itself (so it comes first in
 * groups.all), and in `ungrouped` while it is in no other group; a new group goes under its
 * parents (`all` when none); group_vars/ and host_vars/ files of new names apply. Each function
 * says whether the inventory changed (the task's `changed`).
 */
import type { InvGroup, InvHost, Inventory, Vars } from './types.js';
import { invalidateInventoryVars } from './vars.js';

/** add_host: the host (created when new) gets `vars` as inventory host vars and joins `groups`. */
export function addDynamicHost(inv: Inventory, name: string, groups: string[], vars: Vars): boolean {
  let changed = false;
  let h = inv.hosts.get(name);
  if (!h) {
    h = { name, vars: {}, sourceVars: {}, fileVars: inv.varsFiles?.host(name), groups: [] };
    inv.hosts.set(name, h);
    ensureGroup(inv, 'all').hosts.push(name);
    changed = true;
  }
  const before = JSON.stringify(h.sourceVars ?? h.vars);
  if (h.sourceVars) Object.assign(h.sourceVars, vars);
  h.vars = Object.assign({}, h.vars, vars, ...(h.fileVars ?? [])) as Vars;
  if (JSON.stringify(h.sourceVars ?? h.vars) !== before) changed = true;
  let structure = false;
  for (const g of groups) {
    if (!inv.groups.has(g)) {
      newGroup(inv, g, ['all']);
      structure = changed = true;
    }
    const grp = inv.groups.get(g)!;
    if (!grp.hosts.includes(name)) {
      grp.hosts.push(name);
      changed = true;
    }
  }
  if (changed) reconcile(inv, structure ? undefined : [name]);
  return changed;
}

/** group_by: `host` joins `group`, which is created (under `parents`, themselves created under all) when new. */
export function addDynamicGroup(inv: Inventory, host: string, group: string, parents: string[]): boolean {
  let changed = false;
  let structure = false;
  const isNew = !inv.groups.has(group);
  for (const p of parents) {
    if (!inv.groups.has(p)) {
      newGroup(inv, p, ['all']);
      structure = changed = true;
    }
  }
  if (isNew) {
    newGroup(inv, group, []);
    structure = true;
  }
  const g = inv.groups.get(group)!;
  for (const p of parents) {
    if (p === group || g.parents.includes(p) || ancestorsOf(inv, p).has(group)) continue;
    inv.groups.get(p)!.children.push(group);
    g.parents.push(p);
    structure = changed = true;
  }
  if (!g.parents.length) {
    inv.groups.get('all')!.children.push(group);
    g.parents.push('all');
  }
  if (!g.hosts.includes(host)) {
    g.hosts.push(host);
    changed = true;
  }
  if (changed || structure) reconcile(inv, structure ? undefined : [host]);
  return changed;
}

function ensureGroup(inv: Inventory, name: string): InvGroup {
  return inv.groups.get(name) ?? newGroup(inv, name, []);
}

function newGroup(inv: Inventory, name: string, parents: string[]): InvGroup {
  const fileVars = inv.varsFiles?.group(name);
  const g: InvGroup = { name, hosts: [], children: [], parents: [], vars: Object.assign({}, ...(fileVars ?? [])) as Vars, sourceVars: {}, fileVars, depth: 1 };
  inv.groups.set(name, g);
  for (const p of parents) {
    const pg = inv.groups.get(p);
    if (!pg) continue;
    pg.children.push(name);
    g.parents.push(p);
  }
  return g;
}

function ancestorsOf(inv: Inventory, name: string): Set<string> {
  const out = new Set<string>();
  const stack = [name];
  while (stack.length) {
    for (const p of inv.groups.get(stack.pop()!)?.parents ?? []) {
      if (!out.has(p)) {
        out.add(p);
        stack.push(p);
      }
    }
  }
  return out;
}

/**
 * After a change: group depths (longest path from all), each host's groups (with ancestors,
 * sorted by depth then name) and `ungrouped` as Ansible's reconcile_inventory keeps them. With
 * `only`, just those hosts changed membership.
 */
function reconcile(inv: Inventory, only?: string[]): void {
  if (!only) {
    const depth = new Map<string, number>();
    const depthOf = (n: string, seen: Set<string> = new Set()): number => {
      const known = depth.get(n);
      if (known !== undefined) return known;
      const g = inv.groups.get(n);
      if (!g || !g.parents.length || seen.has(n)) return 0;
      seen.add(n);
      const d = Math.max(...g.parents.map((p) => depthOf(p, seen) + 1));
      depth.set(n, d);
      return d;
    };
    for (const g of inv.groups.values()) g.depth = depthOf(g.name);
  }
  const direct = new Map<string, string[]>();
  for (const g of inv.groups.values()) for (const h of g.hosts) (direct.get(h) ?? direct.set(h, []).get(h)!).push(g.name);
  const ungrouped = ensureGroup(inv, 'ungrouped');
  for (const h of only ? only.map((n) => inv.hosts.get(n)).filter((x): x is InvHost => !!x) : inv.hosts.values()) {
    const all = new Set<string>(['all']);
    for (const g of direct.get(h.name) ?? []) {
      all.add(g);
      for (const a of ancestorsOf(inv, g)) all.add(a);
    }
    const real = [...all].some((g) => g !== 'all' && g !== 'ungrouped');
    if (real) {
      all.delete('ungrouped');
      ungrouped.hosts = ungrouped.hosts.filter((x) => x !== h.name);
    } else {
      all.add('ungrouped');
      if (!ungrouped.hosts.includes(h.name)) ungrouped.hosts.push(h.name);
    }
    h.groups = [...all].sort((a, b) => (inv.groups.get(a)?.depth ?? 0) - (inv.groups.get(b)?.depth ?? 0) || (a < b ? -1 : a > b ? 1 : 0));
  }
  invalidateInventoryVars(inv);
}
