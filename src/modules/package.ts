/**
 * ansible.builtin.package: the host's package manager module (apt, dnf or yum) chosen from the
 * ansible_pkg_mgr fact (or `use:`), or by probing the host when facts were not gathered.
 */
import { KbsError } from '../errors.js';
import type { ModuleContext, ModuleDef } from './types.js';
import { optStr } from './util/args.js';
import { BOOL, INT, STR, STR_OR_LIST, argsSchema, oneOfStr } from './util/schema.js';
import { apt } from './apt.js';
import { dnf } from './dnf.js';
import { yum } from './yum.js';

const BACKENDS: Record<string, ModuleDef> = { apt, dnf, dnf5: dnf, yum };

export const packageModule: ModuleDef = {
  name: 'package',
  schema: argsSchema(
    {
      name: STR_OR_LIST,
      state: oneOfStr('present', 'absent', 'latest', 'installed', 'removed'),
      use: STR,
      update_cache: BOOL,
      cache_valid_time: INT,
    },
    ['name'],
  ),
  async run(args, ctx) {
    const use = optStr(args, 'use') ?? 'auto';
    const mgr = use === 'auto' ? await detect(ctx) : use;
    const backend = BACKENDS[mgr];
    if (!backend) {
      throw new KbsError('TASK', `package manager "${mgr}" is not supported by kbs`, { hint: `use one of: ${Object.keys(BACKENDS).join(', ')}` });
    }
    const rest: Record<string, unknown> = { ...args };
    delete rest.use;
    // Ansible's package action hands the other arguments to the backend, which refuses the unknown
    if (backend !== apt && rest.cache_valid_time !== undefined) throw new KbsError('TASK', `Unsupported parameters for (${mgr}) module: cache_valid_time`);
    // apt knows present/absent only; installed/removed are the dnf/yum spellings
    if (backend === apt && rest.state === 'installed') rest.state = 'present';
    if (backend === apt && rest.state === 'removed') rest.state = 'absent';
    const res = await backend.run(rest, ctx);
    return res;
  },
};

function factOf(vars: Record<string, unknown>): string | undefined {
  const direct = vars.ansible_pkg_mgr;
  if (typeof direct === 'string' && direct !== 'unknown') return direct;
  const facts = vars.ansible_facts as Record<string, unknown> | undefined;
  const f = facts && typeof facts === 'object' ? facts.pkg_mgr : undefined;
  return typeof f === 'string' && f !== 'unknown' ? f : undefined;
}

async function detect(ctx: ModuleContext): Promise<string> {
  const fact = factOf(ctx.vars);
  if (fact) return fact;
  const r = await ctx.run('for t in apt-get dnf5 dnf yum; do if command -v "$t" >/dev/null 2>&1; then echo "$t"; exit 0; fi; done; echo unknown');
  const t = r.stdout.trim();
  if (t === 'apt-get') return 'apt';
  if (t === 'dnf5' || t === 'dnf' || t === 'yum') return t;
  throw new KbsError('TASK', 'Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
}
