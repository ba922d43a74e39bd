/**
 * Inventory variables of a host, layered as Ansible does (hash_behaviour=replace: a later layer
 * replaces a top-level key), lowest first:
 *   all (inventory source) < other groups (inventory source) < group_vars/all beside the inventory
 *   < group_vars/all beside the playbook < group_vars/<group> beside the inventory < ... beside the
 *   playbook < host (inventory source) < host_vars beside the inventory < host_vars beside the playbook.
 * Groups are sorted by depth (parent before child), then ansible_group_priority, then name.
 * Results are cached per inventory and host: call invalidateInventoryVars after changing `inv`.
 */
import { KbsError } from '../errors.js';
import type { Vars } from './types.js';
import type { InvGroup, InvHost, Inventory } from './types.js';

const cache = new WeakMap<Inventory, Map<string, Readonly<Vars>>>();
const splitCache = new WeakMap<Inventory, Map<string, InventoryVarsSplit>>();
const magicCache = new WeakMap<Inventory, MagicVars>();

/** The host, or the implicit localhost; undefined when unknown. */
export function getHost(inv: Inventory, name: string): InvHost | undefined {
  return inv.hosts.get(name) ?? (inv.implicitLocalhost?.name === name ? inv.implicitLocalhost : undefined);
}

/** Group names sorted for precedence: depth, then ansible_group_priority (default 1), then name. */
export function sortGroups(inv: Inventory, names: Iterable<string>): string[] {
  const key = (n: string) => inv.groups.get(n);
  return [...names].sort((a, b) => {
    const ga = key(a);
    const gb = key(b);
    return (
      (ga?.depth ?? 0) - (gb?.depth ?? 0) ||
      (ga?.priority ?? 1) - (gb?.priority ?? 1) ||
      (a < b ? -1 : a > b ? 1 : 0)
    );
  });
}

/** The merged inventory vars of `host` (frozen, shared: copy before changing). Throws for an unknown host. */
export function hostInventoryVars(inv: Inventory, host: string): Readonly<Vars> {
  let perHost = cache.get(inv);
  if (!perHost) {
    perHost = new Map();
    cache.set(inv, perHost);
  }
  const hit = perHost.get(host);
  if (hit) return hit;
  const h = getHost(inv, host);
  if (!h) throw new KbsError('INTERNAL', `hostInventoryVars: unknown host "${host}"`);
  const vars = Object.freeze(compute(inv, h));
  perHost.set(host, vars);
  return vars;
}

/** A host's inventory vars as two merges: its groups' (lowest), then its own on top. */
export interface InventoryVarsSplit {
  groups: Readonly<Vars>;
  host: Readonly<Vars>;
}

/**
 * hostInventoryVars in two parts, so that variables Ansible sets among the host's own
 * (inventory_file, inventory_dir) can stand between them, in Ansible's order. Cached as it is.
 */
export function hostInventoryVarsSplit(inv: Inventory, host: string): InventoryVarsSplit {
  let perHost = splitCache.get(inv);
  if (!perHost) splitCache.set(inv, (perHost = new Map()));
  const hit = perHost.get(host);
  if (hit) return hit;
  const h = getHost(inv, host);
  if (!h) throw new KbsError('INTERNAL', `hostInventoryVarsSplit: unknown host "${host}"`);
  const l = splitLayers(inv, h);
  const out = { groups: Object.freeze(Object.assign({}, ...l.groups) as Vars), host: Object.freeze(Object.assign({}, ...l.host) as Vars) };
  perHost.set(host, out);
  return out;
}

/** Forget cached vars (of one host, or of all hosts) after `inv` was changed. */
export function invalidateInventoryVars(inv: Inventory, host?: string): void {
  if (host === undefined) {
    cache.delete(inv);
    splitCache.delete(inv);
    magicCache.delete(inv);
  } else {
    cache.get(inv)?.delete(host);
    splitCache.get(inv)?.delete(host);
  }
}

function compute(inv: Inventory, h: InvHost): Vars {
  return Object.assign({}, ...layersOf(inv, h)) as Vars;
}

/** The layers merged into a host's inventory vars, lowest precedence first. Throws for an unknown host. */
export function hostVarLayers(inv: Inventory, host: string): Vars[] {
  const h = getHost(inv, host);
  if (!h) throw new KbsError('INTERNAL', `hostVarLayers: unknown host "${host}"`);
  return layersOf(inv, h);
}

function layersOf(inv: Inventory, h: InvHost): Vars[] {
  const l = splitLayers(inv, h);
  return [...l.groups, ...l.host];
}

/** The layers of a host's inventory vars, lowest first: its groups' (all first), then its own. */
function splitLayers(inv: Inventory, h: InvHost): { groups: Vars[]; host: Vars[] } {
  const all = inv.groups.get('all');
  const others = sortGroups(inv, h.groups.filter((g) => g !== 'all'))
    .map((n) => inv.groups.get(n))
    .filter((g): g is InvGroup => g !== undefined);
  const groups: (Vars | undefined)[] = [];
  let host: (Vars | undefined)[];
  const layered = (x: { sourceVars?: Vars; fileVars?: Vars[] } | undefined) => x?.sourceVars !== undefined || x?.fileVars !== undefined;
  if (!layered(all) && !others.some(layered) && !layered(h)) {
    // an Inventory built without layers: the merged vars per group and host
    groups.push(all?.vars, ...others.map((g) => g.vars));
    host = [h.vars];
  } else {
    const tiers = Math.max(all?.fileVars?.length ?? 0, ...others.map((g) => g.fileVars?.length ?? 0));
    groups.push(src(all), ...others.map(src));
    for (let t = 0; t < tiers; t++) groups.push(all?.fileVars?.[t]);
    for (let t = 0; t < tiers; t++) for (const g of others) groups.push(g.fileVars?.[t]);
    host = [src(h), ...(h.fileVars ?? [])];
  }
  const defined = (ls: (Vars | undefined)[]) => ls.filter((x): x is Vars => x !== undefined);
  return { groups: defined(groups), host: defined(host) };
}

function src(x: InvGroup | InvHost | undefined): Vars | undefined {
  if (!x) return undefined;
  return x.sourceVars ?? (x.fileVars ? undefined : x.vars);
}

export interface MagicVars {
  /** group name -> hosts in Ansible's order (see groupHosts); 'all' and 'ungrouped' included */
  groups: Record<string, string[]>;
  /** host -> its groups, sorted, without 'all' and 'ungrouped' */
  group_names: Record<string, string[]>;
  /** group_names of one host ([] for an unknown host) */
  groupNames(host: string): string[];
}

/** Ansible's `groups` and per-host `group_names` (cached with the vars). */
export function magicVars(inv: Inventory): MagicVars {
  const hit = magicCache.get(inv);
  if (hit) return hit;
  const groups: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) groups[name] = groupHosts(inv, name);
  const group_names: Record<string, string[]> = {};
  for (const h of inv.hosts.values()) {
    // as Ansible's Host.get_magic_vars: every group but all (ungrouped included)
    group_names[h.name] = h.groups.filter((g) => g !== 'all').sort();
  }
  if (inv.implicitLocalhost) group_names[inv.implicitLocalhost.name] = [];
  const out: MagicVars = { groups, group_names, groupNames: (h) => group_names[h] ?? [] };
  magicCache.set(inv, out);
  return out;
}

/**
 * The hosts of a group in Ansible's order (Group.get_hosts): the group's own hosts in file order,
 * then its descendants' hosts breadth first (children in file order), each host once.
 */
export function groupHosts(inv: Inventory, name: string): string[] {
  const ordered = [name];
  const seenGroups = new Set(ordered);
  for (let i = 0; i < ordered.length; i++) {
    for (const c of inv.groups.get(ordered[i])?.children ?? []) {
      if (!seenGroups.has(c)) {
        seenGroups.add(c);
        ordered.push(c);
      }
    }
  }
  const out = new Set<string>();
  for (const g of ordered) for (const h of inv.groups.get(g)?.hosts ?? []) out.add(h);
  return [...out];
}
