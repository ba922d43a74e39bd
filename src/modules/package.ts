/**
 * ansible.builtin.package: the host's package manager module (apt, dnf, yum or zypper) chosen from the
 * ansible_pkg_mgr fact (or `use:`), or by probing the host when facts were not gathered. As
 * Ansible's package action, every other argument goes to that module, which takes its own names
 * (apt's `pkg`, `package`, `install_recommends`...) and refuses the ones it does not know.
 */
import { KbsError } from '../errors.js';
import type { JsonSchema, ModuleContext, ModuleDef } from './types.js';
import { declareArgs, supportedText } from './util/declare.js';
import { argsSchema } from './util/schema.js';
import { apt } from './apt.js';
import { dnf } from './dnf.js';
import { yum } from './yum.js';
import { zypper } from './zypper.js';

const BACKENDS: Record<string, ModuleDef> = { apt, dnf, dnf5: dnf, yum, zypper };

/** package's own argument; the others belong to the backend */
const ownArgs = declareArgs({ use: { type: 'str', default: 'auto' } });

const propsOf = (m: ModuleDef) => (m.schema.properties ?? {}) as Record<string, JsonSchema>;

/** Every argument one of the backends takes (a name that no backend knows is refused at load time). */
function unionSchema(): JsonSchema {
  const props: Record<string, JsonSchema> = {};
  for (const m of [apt, dnf, yum, zypper]) {
    for (const [k, v] of Object.entries(propsOf(m))) {
      // the same name typed differently by two backends: either type is accepted here, the backend checks
      props[k] = props[k] && JSON.stringify(props[k]) !== JSON.stringify(v) ? { anyOf: [props[k], v] } : v;
    }
  }
  return argsSchema({ ...props, ...(ownArgs.schema.properties as Record<string, JsonSchema>) });
}

/** The arguments BACKEND does not take, with Ansible's message (undefined when all are known). */
export function unsupportedFor(mgr: string, backend: ModuleDef, args: Record<string, unknown>): string | undefined {
  const known = propsOf(backend);
  const bad = Object.keys(args).filter((k) => !(k in known) && !k.startsWith('_')).sort();
  if (!bad.length) return undefined;
  return `Unsupported parameters for (ansible.legacy.${mgr}) module: ${bad.join(', ')}. Supported parameters include: ${supportedText(known)}.`;
}

export const packageModule: ModuleDef = {
  name: 'package',
  schema: unionSchema(),
  async run(raw, ctx) {
    const { use } = ownArgs.read(raw);
    const mgr = use === 'auto' ? await detect(ctx) : use;
    const backend = BACKENDS[mgr];
    if (!backend) {
      throw new KbsError('TASK', `package manager "${mgr}" is not supported by kbs`, { hint: `use one of: ${Object.keys(BACKENDS).join(', ')}` });
    }
    // the backend's module_defaults lie under the task's arguments, as in Ansible's package action
    const rest: Record<string, unknown> = { ...(ctx.moduleDefaults?.(mgr === 'dnf5' ? 'dnf' : mgr) ?? {}), ...raw };
    delete rest.use;
    // Ansible's package action hands the other arguments to the backend, which refuses the unknown
    const bad = unsupportedFor(mgr === 'dnf5' ? 'dnf' : mgr, backend, rest);
    if (bad) return { changed: false, failed: true, msg: bad };
    // as in Ansible, apt refuses dnf/yum's state spellings installed/removed (no translation)
    return backend.run(rest, ctx);
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
  const r = await ctx.run('for t in apt-get dnf5 dnf yum zypper; do if command -v "$t" >/dev/null 2>&1; then echo "$t"; exit 0; fi; done; echo unknown');
  const t = r.stdout.trim();
  if (t === 'apt-get') return 'apt';
  if (t === 'dnf5' || t === 'dnf' || t === 'yum' || t === 'zypper') return t;
  throw new KbsError('TASK', 'Could not detect which package manager to use. Try gathering facts or setting the "use" option.');
}
