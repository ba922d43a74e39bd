/** The loaded inventory. Vars are untemplated (templating happens per task). */
import type { Position } from '../errors.js';
import type { Vars } from '../load/model.js';

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
}

export interface InvHost {
  name: string;
  /** host vars: inventory file vars merged with host_vars/NAME (files win) */
  vars: Vars;
  /** every group the host belongs to, directly or through children, 'all' included ('ungrouped' when none) */
  groups: string[];
  pos?: Position;
}

export interface Inventory {
  /** inventory file(s) */
  sources: string[];
  /** hosts in definition order */
  hosts: Map<string, InvHost>;
  groups: Map<string, InvGroup>;
}
