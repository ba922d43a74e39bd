/**
 * ansible.builtin.add_host: a host (new, or one of the inventory) joins groups and gets host
 * variables for the rest of the run; later plays' `hosts:` match it. As Ansible's, it runs once
 * for the batch (bypass_host_loop): to add several hosts, loop over them. `name` may carry a
 * port (`host:2222`, `[::1]:2222`), which becomes ansible_ssh_port. Every argument other than
 * name, hostname, groups and groupname becomes a host variable (as in Ansible, `host` and `group`
 * too).
 */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs({
  name: { type: 'any', aliases: ['hostname', 'host'], read: String },
  groupname: { type: 'any', aliases: ['groups', 'group'], default: '' },
});

/** the arguments that are not host variables */
const SPECIAL = new Set(['name', 'hostname', 'groupname', 'groups']);

export const add_host: ModuleDef = {
  name: 'add_host',
  local: true,
  bypassHostLoop: true,
  // every other argument is a host variable
  schema: { ...args.schema, additionalProperties: true },
  async run(given, ctx) {
    if (!ctx.flow) throw new KbsError('INTERNAL', 'add_host needs the engine (no flow context)');
    const a = args.read(given);
    if (a.name === undefined) return { changed: false, failed: true, msg: 'name, host or hostname needs to be provided' };
    const { name, port } = parseAddress(a.name);
    const vars: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(given)) if (!SPECIAL.has(k)) vars[k] = v;
    if (port !== undefined) vars.ansible_ssh_port = port;
    let list: unknown[];
    if (Array.isArray(a.groupname)) list = a.groupname;
    else if (typeof a.groupname === 'string') list = a.groupname === '' ? [] : a.groupname.split(',');
    else return { changed: false, failed: true, msg: 'Groups must be specified as a list.' };
    const groups: string[] = [];
    for (const g of list.map((x) => String(x).trim())) if (!groups.includes(g)) groups.push(g);
    const changed = ctx.flow.addHost(name, groups, vars);
    return { changed, add_host: { host_name: name, groups, host_vars: vars } };
  },
};

/** Ansible's parse_address for `host:port` and `[v6]:port`; anything else is the name as given */
function parseAddress(s: string): { name: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
  if (v6) return { name: v6[1], port: v6[2] === undefined ? undefined : Number(v6[2]) };
  const hp = /^([^:[\]\s]+):(\d+)$/.exec(s);
  if (hp) return { name: hp[1], port: Number(hp[2]) };
  return { name: s };
}
