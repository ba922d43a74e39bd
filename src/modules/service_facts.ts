/**
 * ansible.builtin.service_facts: the host's services as the fact `services` (name → {name,
 * state, status, source}), read as Ansible's module reads them: `service --status-all` for SysV
 * scripts, then, when PID 1 is systemd, `systemctl list-units` and `list-unit-files` (one exec),
 * and `systemctl show --property=ActiveState` for unit files without a loaded unit (one more).
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef } from './types.js';
import { probeSections } from './util/change.js';
import { declareArgs } from './util/declare.js';

export interface Service {
  name: string;
  state: string;
  status?: string;
  source: string;
}

const BAD = ['not-found', 'masked', 'failed'];

/** `service --status-all` lines "[ + ]  name" → sysv services. */
export function parseSysv(out: string, into: Record<string, Service>): void {
  for (const m of out.matchAll(/^\s*\[ (\+|-) \]\s+(.+)$/gm)) {
    into[m[2]] = { name: m[2], state: m[1] === '+' ? 'running' : 'stopped', source: 'sysv' };
  }
}

/** `systemctl list-units --type service --all` lines, as Ansible's _list_from_units. */
export function parseUnits(out: string, into: Record<string, Service>): void {
  for (const line of out.split('\n')) {
    if (!line.includes('.service')) continue;
    let fields = line.split(/\s+/).filter(Boolean);
    let status: string;
    const bad = BAD.find((b) => fields.includes(b));
    if (bad) {
      status = bad;
      fields = fields.slice(1);
    } else status = fields[2];
    const name = fields[0];
    into[name] = { name, state: fields[3] === 'running' ? 'running' : 'stopped', status, source: 'systemd' };
  }
}

/** `systemctl list-unit-files --type service` lines: status of known units, names of the others. */
export function parseUnitFiles(out: string, into: Record<string, Service>): Map<string, string> {
  const missing = new Map<string, string>();
  for (const line of out.split('\n')) {
    if (!line.includes('.service')) continue;
    const [name, status] = line.split(/\s+/).filter(Boolean);
    if (status === undefined) continue;
    if (!(name in into)) missing.set(name, status);
    else if (!BAD.includes(into[name].status ?? '')) into[name].status = status;
  }
  return missing;
}

const SCAN = [
  'if command -v service >/dev/null 2>&1 && ! command -v chkconfig >/dev/null 2>&1 && ! command -v rc-status >/dev/null 2>&1; then echo "@@sysv"; service --status-all 2>/dev/null; fi',
  'if grep -q systemd /proc/1/comm 2>/dev/null && command -v systemctl >/dev/null 2>&1; then',
  'echo "@@units"; systemctl list-units --no-pager --type service --all',
  'echo "@@files"; systemctl list-unit-files --no-pager --type service --all',
  'fi',
].join('\n');

const args = declareArgs({});

export const service_facts: ModuleDef = {
  name: 'service_facts',
  schema: args.schema,
  async run(raw, ctx) {
    args.read(raw);
    const r = await ctx.run(`export LANG=C.UTF-8 LC_ALL=C.UTF-8\n${SCAN}`);
    const s = probeSections(r.stdout);
    const services: Record<string, Service> = {};
    if (s.sysv !== undefined) parseSysv(s.sysv, services);
    if (s.units !== undefined) {
      const sd: Record<string, Service> = {};
      parseUnits(s.units, sd);
      const missing = parseUnitFiles(s.files ?? '', sd);
      if (missing.size) {
        const names = [...missing.keys()];
        const q = await ctx.run(`for u in ${names.map(shq).join(' ')}; do printf '%s\\t' "$u"; systemctl show "$u" --property=ActiveState 2>/dev/null | head -n1 || echo; done`);
        const states = new Map<string, string>();
        for (const line of q.stdout.split('\n')) {
          const [u, v] = line.split('\t');
          if (u) states.set(u, (v ?? '').replace('ActiveState=', '').trimEnd());
        }
        for (const [name, status] of missing) sd[name] = { name, state: states.get(name) || 'unknown', status, source: 'systemd' };
      }
      Object.assign(services, sd);
    }
    if (!Object.keys(services).length) {
      return { changed: false, skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' };
    }
    ctx.setFacts?.({ services });
    return { changed: false, ansible_facts: { services } };
  },
};
