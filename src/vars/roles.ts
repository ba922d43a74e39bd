/**
 * Role variables as Ansible 2.14's VariableManager layers them (a later layer replaces a
 * top-level key):
 * - the play's roles (roles: entries, import_role'd roles, include_role'd roles with public:
 *   true once included): their defaults, with their dependencies' first, are seen by every task
 *   of the play; their vars too unless private_role_vars is set (Ansible's default: shared);
 * - a task in a role also sees its own role's defaults and vars above those of the other roles,
 *   with its dependencies' and the depending (parent) roles' below its own;
 * - role params: the parents' then the role's own.
 */
import type { RoleContext, Vars } from '../load/model.js';

/** every dependency of `r`, recursively, each after its own dependencies (Role.get_all_dependencies) */
export function allDependencies(r: RoleContext): RoleContext[] {
  const out: RoleContext[] = [];
  for (const d of r.deps ?? []) out.push(...allDependencies(d), d);
  return out;
}

/** the roles that depend on (or import / include) `r`, outermost first (Ansible's dep chain) */
function parents(r: RoleContext): RoleContext[] {
  const out: RoleContext[] = [];
  for (let p = r.parent; p; p = p.parent) out.unshift(p);
  return out;
}

/** Role.get_default_vars(dep_chain) */
function defaultsOf(r: RoleContext, chain: RoleContext[]): Vars {
  const out: Vars = {};
  for (const d of allDependencies(r)) Object.assign(out, defaultsOf(d, []));
  for (const p of chain) Object.assign(out, p.defaults);
  return Object.assign(out, r.defaults);
}

/** Role.get_vars(dep_chain, include_params=False) */
function varsOf(r: RoleContext, chain: RoleContext[]): Vars {
  const out: Vars = {};
  for (const p of chain) Object.assign(out, p.entryVars, p.vars);
  for (const d of allDependencies(r)) Object.assign(out, varsOf(d, []));
  return Object.assign(out, r.entryVars, r.vars);
}

const own = new WeakMap<RoleContext, { defaults: Vars; vars: Vars; params: Vars }>();

/** the layers a task of role `r` adds: its defaults, its vars, its params (cached per role) */
export function ownRoleLayers(r: RoleContext): { defaults: Vars; vars: Vars; params: Vars } {
  let hit = own.get(r);
  if (!hit) {
    const chain = parents(r);
    const params: Vars = {};
    for (const p of chain) Object.assign(params, p.params);
    Object.assign(params, r.params);
    hit = { defaults: defaultsOf(r, chain), vars: varsOf(r, chain), params };
    own.set(r, hit);
  }
  return hit;
}

/** the layers every task of the play sees from the play's roles */
export function playRoleLayers(roles: RoleContext[], privateRoleVars: boolean): { defaults: Vars; vars: Vars } {
  const defaults: Vars = {};
  const vars: Vars = {};
  for (const r of roles) {
    Object.assign(defaults, defaultsOf(r, []));
    if (!privateRoleVars) Object.assign(vars, varsOf(r, []));
  }
  return { defaults, vars };
}

/** ansible_play_role_names (role_names), ansible_dependent_role_names, ansible_role_names */
export function roleNames(roles: RoleContext[]): { play: string[]; dependent: string[]; all: string[] } {
  const play = roles.map((r) => r.name);
  const dependent = [...new Set(roles.flatMap((r) => allDependencies(r).map((d) => d.name)))];
  return { play, dependent, all: [...new Set([...dependent, ...play])] };
}
