/**
 * `lookup('config', 'DEFAULT_FORKS', ..., on_missing='error'|'warn'|'skip', plugin_type=...,
 * plugin_name=...)`: Ansible configuration settings as ansible-core 2.14's config lookup gives
 * them, read from the workstation's ansible.cfg (found as Ansible finds it) and environment, with
 * Ansible's defaults and types. Definitions: ./config-defs.ts. It lives here, beside the reading
 * of ansible.cfg, and is handed to the templates (which sit below cli/) when main.ts loads it.
 */
import { configSource, configValue, type ConfigSource } from './config-value.js';
import { coreConstant, globalDef, pluginDefs } from './config-defs.js';
import { setConfigLookup } from '../template/lookup-config.js';
import { type Dict, pyStr, pyType, templateError } from '../template/python.js';
import type { KbsContext } from '../template/runtime.js';
import { Undefined } from '../template/undefined.js';

const PLUGIN_TYPES = ['become', 'cache', 'callback', 'cliconf', 'connection', 'httpapi', 'inventory', 'lookup', 'netconf', 'shell', 'vars'];
const ON_MISSING = ['error', 'skip', 'warn'];

const NOT_KNOWN = (why: string) =>
  `install ansible-core on this workstation (${why}); without it kbs knows only the settings it uses (docs/cli.md, "ansible.cfg")`;

class MissingSetting extends Error {
  constructor(
    readonly detail: string,
    readonly hint?: string,
  ) {
    super(detail);
  }
}

function invalidChoice(option: string, value: unknown, choices: string[]): Error {
  return templateError(`Invalid value "${pyStr(value)}" for configuration option "plugin_type: lookup plugin: config setting: ${option} ", valid values are: ${choices.join(', ')}`);
}

function globalValue(name: string, src: ConfigSource, seen = new Set<string>()): unknown {
  if (name === 'CONFIG_FILE') return src.file ?? null;
  const found = globalDef(name);
  if ('missing' in found) {
    if (found.nocore) throw new MissingSetting(`${name} is not known to kbs without ansible-core installed`, NOT_KNOWN(found.nocore));
    // not a setting: one of ansible-core's fixed constants, or nothing
    const c = /^[A-Za-z_]\w*$/.test(name) ? coreConstant(name) : { missing: true as const };
    if ('value' in c) return c.value;
    if ('callable' in c) throw templateError(`Invalid setting "${name}" attempted`);
    throw new MissingSetting(`module 'ansible.constants' has no attribute '${name}'`);
  }
  seen.add(name);
  return configValue(`setting: ${name} `, found.def, src, {
    setting: (other) => (seen.has(other) ? undefined : globalValue(other, src, seen)),
    otherTemplate: () => {
      const c = coreConstant(name);
      return 'value' in c ? { value: c.value } : undefined;
    },
  });
}

function pluginValue(ctx: KbsContext, ptype: string, pname: string, name: string, src: ConfigSource): unknown {
  const p = pluginDefs(ptype, pname);
  if ('unloadable' in p) throw templateError(`Unable to load ${ptype} plugin "${pname}"`);
  if ('nocore' in p) throw templateError(`Unable to load ${ptype} plugin "${pname}": its options are not known to kbs without ansible-core installed`, NOT_KNOWN(p.nocore));
  const entry = `plugin_type: ${ptype} plugin: ${p.name} setting: ${name} `;
  if (!Object.prototype.hasOwnProperty.call(p.defs, name)) throw new MissingSetting(`Requested entry (${entry}) was not defined in configuration.`);
  return configValue(entry, p.defs[name], src, {
    variables: (v) => {
      const x = ctx.resolve(v);
      return x instanceof Undefined ? undefined : x;
    },
  });
}

export function configLookup(ctx: KbsContext, terms: unknown[], kw: Dict): unknown[] {
  const missing = kw.on_missing ?? 'error';
  const ptype = kw.plugin_type ?? null;
  const pname = kw.plugin_name ?? null;
  if (!ON_MISSING.includes(missing as string)) throw invalidChoice('on_missing', missing, ON_MISSING);
  if (ptype !== null && !PLUGIN_TYPES.includes(ptype as string)) throw invalidChoice('plugin_type', ptype, PLUGIN_TYPES);
  if ((ptype || pname) && !(ptype && pname)) throw templateError('Both plugin_type and plugin_name are required, cannot use one without the other');
  const src = configSource(); // read at each call: the file, the folder or the environment may change between runs
  const out: unknown[] = [];
  for (const term of terms) {
    if (typeof term !== 'string') throw templateError(`Invalid setting identifier, "${pyStr(term)}" is not a string, its a <class '${pyType(term)}'>`);
    try {
      out.push(pname ? pluginValue(ctx, String(ptype), pyStr(pname), term, src) : globalValue(term, src));
    } catch (e) {
      if (!(e instanceof MissingSetting)) throw e;
      if (missing === 'error') throw templateError(`Unable to find setting ${term}. ${e.detail}`, e.hint);
      if (missing === 'warn') ctx.env.warn?.(`Skipping, did not find setting ${term}`);
    }
  }
  return out;
}

setConfigLookup(configLookup);
