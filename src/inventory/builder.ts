/**
 * Builds an Inventory from parser calls (YAML or INI): groups, hosts, parent/child links, the vars
 * written in the source. `finish()` applies Ansible's rules: groups without a parent go under
 * 'all', hosts in no other group go to 'ungrouped', depth = longest path from 'all'.
 */
import { KbsError, type Position } from '../errors.js';
import type { Vars } from './types.js';
import { copyOrigins } from './origins.js';
import type { InvGroup, InvHost, Inventory } from './types.js';

interface BGroup {
  name: string;
  hosts: string[];
  children: string[];
  parents: string[];
  vars: Vars;
  pos?: Position;
  priority?: number;
  hostPos: Map<string, Position>;
}

interface BHost {
  name: string;
  vars: Vars;
  groups: Set<string>;
  pos?: Position;
}

export class InventoryBuilder {
  private readonly groups = new Map<string, BGroup>();
  private readonly hosts = new Map<string, BHost>();

  constructor() {
    this.group('all');
    this.group('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  /** The group `name`, created on first use. */
  group(name: string, pos?: Position): BGroup {
    let g = this.groups.get(name);
    if (!g) {
      g = { name, hosts: [], children: [], parents: [], vars: {}, hostPos: new Map() };
      this.groups.set(name, g);
    }
    if (!g.pos && pos) g.pos = pos;
    return g;
  }

  hasGroup(name: string): boolean {
    return this.groups.has(name);
  }

  /** Add `host` to `group` (idempotent); `vars` are merged into the host's vars (last wins per key). */
  addHost(group: string, host: string, vars: Vars | undefined, pos?: Position): void {
    let h = this.hosts.get(host);
    if (!h) {
      h = { name: host, vars: {}, groups: new Set(), pos };
      this.hosts.set(host, h);
    }
    if (vars) {
      Object.assign(h.vars, vars);
      copyOrigins(vars, h.vars);
    }
    const g = this.group(group);
    if (!h.groups.has(group)) {
      h.groups.add(group);
      g.hosts.push(host);
      if (pos) g.hostPos.set(host, pos);
    }
  }

  /** Merge `vars` into the group's vars; ansible_group_priority sets the group's priority. */
  setGroupVars(group: string, vars: Vars, pos?: Position): void {
    const g = this.group(group);
    Object.assign(g.vars, vars);
    copyOrigins(vars, g.vars);
    if ('ansible_group_priority' in vars) {
      const p = Number(vars.ansible_group_priority);
      if (!Number.isInteger(p)) {
        throw new KbsError('INVENTORY', `ansible_group_priority of group "${group}" must be an integer`, {
          pos,
          hint: 'e.g. ansible_group_priority: 10 (higher wins; default 1)',
        });
      }
      g.priority = p;
    }
  }

  /** Make `child` a child group of `parent`. Refuses cycles. */
  addChild(parent: string, child: string, pos?: Position): void {
    if (child === 'all') {
      throw new KbsError('INVENTORY', `group "all" cannot be a child of "${parent}"`, {
        pos,
        hint: '"all" is the root of every inventory; remove it from the children',
      });
    }
    const p = this.group(parent);
    const c = this.group(child, pos);
    if (p.children.includes(child)) return;
    if (child === parent || this.ancestors(parent).has(child)) {
      throw new KbsError('INVENTORY', `group "${child}" is its own ancestor (cycle through "${parent}")`, {
        pos,
        hint: `remove "${child}" from the children of "${parent}"`,
      });
    }
    p.children.push(child);
    c.parents.push(parent);
  }

  private ancestors(name: string): Set<string> {
    const out = new Set<string>();
    const stack = [name];
    while (stack.length) {
      const g = this.groups.get(stack.pop()!);
      for (const p of g?.parents ?? []) {
        if (!out.has(p)) {
          out.add(p);
          stack.push(p);
        }
      }
    }
    return out;
  }

  finish(sources: string[]): Inventory {
    for (const g of this.groups.values()) {
      if (g.name !== 'all' && g.parents.length === 0) this.addChild('all', g.name);
    }
    for (const h of this.hosts.values()) {
      const g = this.groups.get(h.name);
      if (g) {
        throw new KbsError('INVENTORY', `"${h.name}" is both a host and a group`, {
          pos: h.pos,
          hint: `rename the host or the group${g.pos ? ` (the group is defined at ${where(g.pos)})` : ''}`,
        });
      }
    }
    const depth = new Map<string, number>();
    const depthOf = (name: string): number => {
      const known = depth.get(name);
      if (known !== undefined) return known;
      const g = this.groups.get(name)!;
      const d = g.parents.length === 0 ? 0 : Math.max(...g.parents.map((p) => depthOf(p) + 1));
      depth.set(name, d);
      return d;
    };

    const inUngrouped: string[] = [];
    const hosts = new Map<string, InvHost>();
    for (const h of this.hosts.values()) {
      const all = new Set<string>();
      for (const g of h.groups) {
        all.add(g);
        for (const a of this.ancestors(g)) all.add(a);
      }
      all.add('all');
      const real = [...all].filter((g) => g !== 'all' && g !== 'ungrouped');
      if (real.length > 0) all.delete('ungrouped');
      else all.add('ungrouped');
      if (all.has('ungrouped')) inUngrouped.push(h.name);
      const groups = [...all].sort((a, b) => depthOf(a) - depthOf(b) || cmp(a, b));
      hosts.set(h.name, { name: h.name, vars: { ...h.vars }, sourceVars: h.vars, groups, pos: h.pos });
    }
    this.groups.get('ungrouped')!.hosts = inUngrouped;
    const groups = new Map<string, InvGroup>();
    for (const g of this.groups.values()) {
      groups.set(g.name, {
        name: g.name,
        hosts: g.hosts,
        children: g.children,
        parents: g.parents,
        vars: { ...g.vars },
        sourceVars: g.vars,
        depth: depthOf(g.name),
        pos: g.pos,
        priority: g.priority,
        hostPos: g.hostPos,
      });
    }
    return { sources, hosts, groups };
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function where(p: Position): string {
  return p.line === undefined ? p.file : `${p.file}:${p.line}${p.col === undefined ? '' : `:${p.col}`}`;
}
