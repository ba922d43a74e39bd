/**
 * ansible.builtin.hostname: the permanent name (/etc/hostname, written atomically) and the
 * running one (hostnamectl when systemd answers, else `hostname NAME`).
 */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { probeFields, runPlanned, type Change, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs({ name: { type: 'str', required: true }, use: { type: 'str' } });

export const hostnamePlanner: Planner<ReturnType<typeof args.read>> = {
  args,
  probe: () => `printf 'C\\t%s\\n' "$(hostname)"; printf 'P\\t%s\\n' "$(head -n 1 /etc/hostname 2>/dev/null)"`,
  probeError: () => 'cannot read the hostname',
  plan(a, out, { diff }) {
    const name = a.name.trim();
    if (!name) throw new KbsError('TASK', 'missing required argument: name');
    if (!/^[A-Za-z0-9]([A-Za-z0-9.-]{0,252})$/.test(name)) throw new KbsError('TASK', `invalid hostname: ${JSON.stringify(name)}`);
    const v = probeFields(out);
    const current = (v.C ?? '').trim();
    const permanent = (v.P ?? '').trim();
    const short = name.split('.')[0];
    const result: ModuleResult = {
      changed: false,
      name,
      ansible_facts: { ansible_hostname: short, ansible_nodename: name, ansible_fqdn: name, ansible_domain: name.split('.').slice(1).join('.') },
    };
    const changes: Change[] = [];
    if (permanent !== name) changes.push({ description: `write ${name} to /etc/hostname`, write: { path: '/etc/hostname', data: name + '\n', mode: 0o644 } });
    if (current !== name) {
      const n = shq(name);
      changes.push({
        description: `set the hostname to ${name}`,
        command: `{ [ -d /run/systemd/system ] && command -v hostnamectl >/dev/null 2>&1 && hostnamectl set-hostname ${n} 2>/dev/null; } || hostname ${n}`,
      });
    }
    if (diff) result.diff = { before: `hostname = ${current}\n`, after: `hostname = ${name}\n` };
    return { result, changes };
  },
};

export const hostname: ModuleDef = {
  name: 'hostname',
  schema: args.schema,
  run: (a, ctx) => runPlanned(hostnamePlanner, a, ctx),
};
