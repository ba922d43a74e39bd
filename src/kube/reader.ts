/**
 * Reads a host's inventory variables for kbs validate: the value Ansible's precedence gives the host
 * (group_vars, host_vars, inventory source), where it was written, and, for a Jinja template, its
 * value rendered from the inventory's own variables (no facts exist before any host is contacted).
 */
import { inventoryHostnameShort } from '../inventory/shortname.js';
import { KbsError, type Position } from '../errors.js';
import { hostInventoryVars, magicVars } from '../inventory/vars.js';
import { originPos, varOrigin, type VarOrigin } from '../inventory/origins.js';
import type { Inventory } from '../inventory/types.js';
import type { YamlPath } from '../yaml/read.js';
import { createTemplater } from '../template/index.js';
import type { Templater } from '../template/types.js';
import { lazyMap, makeScope } from '../vars/scope.js';
import type { Vars } from '../load/model.js';

export interface Read {
  /** the value (rendered when it was a template) */
  value: unknown;
  /** the value as written */
  raw: unknown;
  origin?: VarOrigin;
  /** set: the variable is defined for the host */
  set: boolean;
  /** rendering failed (an error was reported) */
  broken?: boolean;
  /** the value comes from an extra variable (-e), which overrides the inventory */
  extra?: boolean;
}

export class InventoryReader {
  private readonly templater: Templater;
  private readonly scopes = new Map<string, Vars>();
  private readonly hostvars: Vars;
  private readonly cache = new Map<string, Read>();
  /** templates already reported (one report per written value, not per host) */
  private readonly reported = new Set<string>();

  constructor(
    readonly inv: Inventory,
    baseDir: string,
    private readonly report: (e: KbsError) => void,
    /** `-e` variables: they win over the inventory, as in Ansible */
    private readonly extraVars: Vars = {},
  ) {
    this.templater = createTemplater({ lookupBase: baseDir });
    this.hostvars = lazyMap(inv.hosts.keys(), (h) => this.scope(h));
  }

  /** The host's effective value of `name`; a template that cannot be rendered is reported once and read as broken. */
  read(host: string, name: string): Read {
    const key = `${host}\0${name}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const extra = Object.prototype.hasOwnProperty.call(this.extraVars, name);
    const vars = extra ? this.extraVars : hostInventoryVars(this.inv, host);
    const set = Object.prototype.hasOwnProperty.call(vars, name);
    const raw = set ? vars[name] : undefined;
    const origin = set && !extra ? varOrigin(this.inv, host, name) : undefined;
    let out: Read = { value: raw, raw, origin, set, ...(extra ? { extra } : {}) };
    if (set && hasTemplate(raw, this.templater)) {
      try {
        out = { ...out, value: this.scope(host)[name] };
      } catch (e) {
        const why = e instanceof KbsError ? e.message : String(e);
        const at = this.where(out);
        if (!this.reported.has(at)) this.report(
          new KbsError('TEMPLATE', `${name} is a template that cannot be rendered from the inventory alone (for ${host}): ${why}`, {
            pos: this.pos(out),
            hint: 'kbs checks the inventory before it contacts any host, so facts (ansible_default_ipv4, ...) are not known yet: write the value, or build it from other inventory variables',
          }),
        );
        this.reported.add(at);
        out = { ...out, value: undefined, broken: true };
      }
    }
    this.cache.set(key, out);
    return out;
  }

  /** Position of the value (or of an element inside it); undefined for a default. */
  pos(r: Read, path: YamlPath = [], which: 'key' | 'value' = 'value'): Position | undefined {
    if (r.extra) return { file: '-e (extra variables)' };
    return r.origin ? originPos(r.origin, path, which) : undefined;
  }

  /** "file:line:col", or "default" for an unset variable. */
  where(r: Read): string {
    if (r.extra) return 'an extra variable (-e)';
    const p = this.pos(r);
    if (!p) return r.set ? 'the inventory' : 'default';
    return p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
  }

  private scope(host: string): Vars {
    let s = this.scopes.get(host);
    if (!s) {
      const magic = magicVars(this.inv);
      s = makeScope(
        {
          ...hostInventoryVars(this.inv, host),
          ...this.extraVars,
          inventory_hostname: host,
          inventory_hostname_short: inventoryHostnameShort(host),
          groups: magic.groups,
          group_names: magic.groupNames(host),
          hostvars: this.hostvars,
        },
        { templater: this.templater },
      );
      this.scopes.set(host, s);
    }
    return s;
  }
}

function hasTemplate(v: unknown, t: Templater): boolean {
  if (typeof v === 'string') return t.isTemplate(v);
  if (Array.isArray(v)) return v.some((x) => hasTemplate(x, t));
  if (v && typeof v === 'object') return Object.values(v as Vars).some((x) => hasTemplate(x, t));
  return false;
}
