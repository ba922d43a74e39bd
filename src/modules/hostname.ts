/**
 * ansible.builtin.hostname: the permanent name (/etc/hostname, written atomically) and the
 * running one (hostnamectl when systemd answers, else `hostname NAME`).
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { optStr } from './util/args.js';
import { remoteError, writeFile } from './util/remote.js';
import { STR, argsSchema } from './util/schema.js';

export const hostname: ModuleDef = {
  name: 'hostname',
  schema: argsSchema({ name: STR, use: STR }, ['name']),
  async run(args, ctx) {
    const name = (optStr(args, 'name') ?? '').trim();
    if (!name) throw new KbsError('TASK', 'missing required argument: name');
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(name)) throw new KbsError('TASK', `invalid hostname: ${JSON.stringify(name)}`);
    const q = await ctx.run(`printf 'C\\t%s\\n' "$(hostname)"; printf 'P\\t%s\\n' "$(head -n 1 /etc/hostname 2>/dev/null)"`);
    const v: Record<string, string> = {};
    for (const l of q.stdout.split('\n')) {
      const t = l.indexOf('\t');
      if (t > 0) v[l.slice(0, t)] = l.slice(t + 1).trim();
    }
    const current = v.C ?? '';
    const permanent = v.P ?? '';
    const short = name.split('.')[0];
    const result: ModuleResult = {
      changed: current !== name || permanent !== name,
      name,
      ansible_facts: { ansible_hostname: short, ansible_nodename: name, ansible_fqdn: name, ansible_domain: name.split('.').slice(1).join('.') },
    };
    if (ctx.diff) result.diff = { before: `hostname = ${current}\n`, after: `hostname = ${name}\n` };
    if (!result.changed || ctx.check) return result;
    if (permanent !== name) await writeFile(ctx, { dest: '/etc/hostname', mode: 0o644 }, Buffer.from(name + '\n'));
    if (current !== name) {
      const n = shq(name);
      const r = await ctx.run(`{ [ -d /run/systemd/system ] && command -v hostnamectl >/dev/null 2>&1 && hostnamectl set-hostname ${n} 2>/dev/null; } || hostname ${n}`);
      if (r.rc !== 0) throw remoteError(`cannot set the hostname to ${name}`, r);
    }
    return result;
  },
};
