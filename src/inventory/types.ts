/** The loaded inventory. Vars are untemplated (templating happens per task). */
import type { Position } from '../errors.js';

/** Variables as read from inventories, vars files and playbooks (untemplated). */
export type Vars = Record<string, unknown>;

export interface InvGroup {
  name: string;
  /** direct hosts, in file order */
  hosts: string[];
  /** direct child groups */
  children: string[];
  parents: string[];
  /** group vars: inventory file vars merged with group_vars/NAME(.yml|/) (files win) */
  vars: Vars;
  /** depth from 'all' (all = 0); used for precedence: parent before child */
  depth: number;
  pos?: Position;
  /** ansible_group_priority as set in the inventory source (default 1; higher wins) */
  priority?: number;
  /** vars written in the inventory source itself (Ansible's precedence keeps them below group_vars/ files) */
  sourceVars?: Vars;
  /** group_vars/NAME found beside the inventory ([0]), then in each extraVarsDirs folder ([1..]) */
  fileVars?: Vars[];
  /** where each direct host was first listed in this group */
  hostPos?: Map<string, Position>;
}

export interface InvHost {
  name: string;
  /** host vars: inventory file vars merged with host_vars/NAME (files win) */
  vars: Vars;
  /** every group the host belongs to, directly or through children, 'all' included ('ungrouped' when none) */
  groups: string[];
  pos?: Position;
  /** vars written in the inventory source itself */
  sourceVars?: Vars;
  /** host_vars/NAME found beside the inventory ([0]), then in each extraVarsDirs folder ([1..]) */
  fileVars?: Vars[];
  /** true for Ansible's implicit localhost (not in any group, not matched by 'all') */
  implicit?: boolean;
}

export interface Inventory {
  /** inventory file(s) */
  sources: string[];
  /** hosts in definition order */
  hosts: Map<string, InvHost>;
  groups: Map<string, InvGroup>;
  /** Ansible's implicit localhost, present when 'localhost' is not an inventory host */
  implicitLocalhost?: InvHost;
  /** warnings to show before the run, worded as Ansible's */
  warnings?: string[];
  /** group_vars/ and host_vars/ files of a name (each tier, as fileVars), for groups and hosts added at run time */
  varsFiles?: { group(name: string): Vars[]; host(name: string): Vars[] };
}
