/**
 * Where the definition of an Ansible setting comes from, for `lookup('config', ...)`: kbs's own
 * table for the settings kbs honours (./config-table.ts); for the others, the ansible-core
 * installed on the workstation (found as for custom modules, src/modules/python/ansible-core.ts):
 * its config/base.yml for global settings, and for plugin options the plugin's documentation as
 * ansible-core assembles it (asked of its Python). Without ansible-core, other settings are
 * unknown. Answers are kept for the rest of the process.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { findAnsibleCore } from '../modules/python/ansible-core.js';
import { makeTuple } from '../template/python.js';
import { type ConfigDef, KBS_PLUGIN_SETTINGS, KBS_SETTINGS } from './config-table.js';

/** a definition, or why there is none: `missing` (not a setting), `nocore` (kbs does not know it, no ansible-core) */
export type DefAnswer = { def: ConfigDef } | { missing: true; nocore?: string };

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** ansible-core's folder -> its global settings */
const baseDefs = new Map<string, Record<string, ConfigDef> | { error: string }>();

function coreBase(env: NodeJS.ProcessEnv): Record<string, ConfigDef> | { error: string } {
  const found = findAnsibleCore(env);
  if ('error' in found) return { error: found.error };
  let defs = baseDefs.get(found.core.root);
  if (defs) return defs;
  try {
    const doc = parse(readFileSync(join(found.core.root, 'config', 'base.yml'), 'utf8')) as Record<string, ConfigDef>;
    defs = doc && typeof doc === 'object' ? doc : { error: 'its config/base.yml holds no settings' };
  } catch (e) {
    defs = { error: `cannot read its config/base.yml: ${(e as Error).message}` };
  }
  baseDefs.set(found.core.root, defs);
  return defs;
}

/** The definition of global setting `name` (DEFAULT_FORKS...). */
export function globalDef(name: string, env: NodeJS.ProcessEnv = process.env): DefAnswer {
  if (own(KBS_SETTINGS, name)) return { def: KBS_SETTINGS[name] };
  const base = coreBase(env);
  if ('error' in base && typeof base.error === 'string') return { missing: true, nocore: base.error };
  const defs = base as Record<string, ConfigDef>;
  return own(defs, name) ? { def: defs[name] } : { missing: true };
}

/** the options of a plugin: its name as loaded and its definitions; `unloadable` when there is no such plugin */
export type PluginDefs = { name: string; defs: Record<string, ConfigDef> } | { unloadable: true } | { nocore: string };

const pluginCache = new Map<string, PluginDefs>();

const ASK = `import json, sys
from ansible import constants as C
from ansible.plugins import loader as L
p = getattr(L, sys.argv[1] + '_loader').get(sys.argv[2], class_only=True)
print(json.dumps(None if p is None else {'name': p._load_name, 'defs': C.config.get_configuration_definitions(sys.argv[1], p._load_name)}, default=str))`;

/**
 * The options of plugin `pname` of type `ptype` (connection ssh...): ansible-core's definitions,
 * with kbs's own for the options kbs honours on top; kbs's alone without ansible-core.
 */
export function pluginDefs(ptype: string, pname: string, env: NodeJS.ProcessEnv = process.env): PluginDefs {
  const short = pname.replace(/^ansible\.(builtin|legacy)\./, '');
  const mine = own(KBS_PLUGIN_SETTINGS, ptype) && own(KBS_PLUGIN_SETTINGS[ptype], short) ? KBS_PLUGIN_SETTINGS[ptype][short] : undefined;
  const core = coreDefs(ptype, pname, env);
  if (!mine) return core;
  return 'defs' in core ? { name: core.name, defs: { ...core.defs, ...mine } } : { name: short, defs: mine };
}

function coreDefs(ptype: string, pname: string, env: NodeJS.ProcessEnv): PluginDefs {
  const found = findAnsibleCore(env);
  if ('error' in found) return { nocore: found.error };
  const key = `${found.core.python}\0${ptype}\0${pname}`;
  const hit = pluginCache.get(key);
  if (hit) return hit;
  let out: PluginDefs;
  {
    const [cmd, ...pre] = found.core.python.split(' ');
    const r = spawnSync(cmd, [...pre, '-c', ASK, ptype, pname], { encoding: 'utf8', timeout: 60_000, env });
    if (r.status !== 0) out = { nocore: `ansible-core could not load the ${ptype} plugin "${pname}": ${(r.stderr ?? '').trim().split('\n').pop()}` };
    else {
      const v = JSON.parse(r.stdout) as { name: string; defs: Record<string, ConfigDef> } | null;
      out = v ? v : { unloadable: true };
    }
  }
  pluginCache.set(key, out);
  return out;
}

const CONST = `import json, sys
from ansible import constants as C
def plain(o):
    if isinstance(o, tuple): return {'__tuple__': [plain(x) for x in o]}
    if isinstance(o, (list, set, frozenset)): return [plain(x) for x in (sorted(o, key=str) if not isinstance(o, list) else o)]
    if isinstance(o, dict): return {str(k): plain(x) for k, x in o.items()}
    return o
v = getattr(C, sys.argv[1], None)
print(json.dumps({'missing': True} if v is None and not hasattr(C, sys.argv[1]) else {'callable': True} if callable(v) else {'value': plain(v)}, default=str))`;

/** Python's tuples (sent as {"__tuple__": [...]}) as kbs's tuples, which print as Python's */
function tuples(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(tuples);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && Array.isArray(o.__tuple__)) return makeTuple(o.__tuple__.map(tuples));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, tuples(x)]));
  }
  return v;
}

/** one of ansible-core's fixed constants that is no setting (DEFAULT_PASSWORD_CHARS...), as its Python has it */
export type ConstAnswer = { value: unknown } | { callable: true } | { missing: true } | { nocore: string };

const constCache = new Map<string, ConstAnswer>();

export function coreConstant(name: string, env: NodeJS.ProcessEnv = process.env): ConstAnswer {
  const found = findAnsibleCore(env);
  if ('error' in found) return { nocore: found.error };
  const key = `${found.core.python}\0${name}`;
  const hit = constCache.get(key);
  if (hit) return hit;
  let out: ConstAnswer;
  {
    const [cmd, ...pre] = found.core.python.split(' ');
    const r = spawnSync(cmd, [...pre, '-c', CONST, name], { encoding: 'utf8', timeout: 60_000, env });
    out = r.status === 0 ? (JSON.parse(r.stdout) as ConstAnswer) : { missing: true };
    if ('value' in out) out = { value: tuples(out.value) };
  }
  constCache.set(key, out);
  return out;
}

/** forget what was found (tests) */
export function resetConfigDefs(): void {
  baseDefs.clear();
  pluginCache.clear();
  constCache.clear();
}
