/**
 * A module from a `library/` folder, written for Ansible (usually in Python with AnsibleModule),
 * run on the host as Ansible runs it: one Python process per call, its JSON result read back.
 * Built when the playbook is loaded, so a missing ansible-core or missing module_utils is an
 * error before any host is contacted. Arguments are the module's own business: kbs passes them
 * as given, with Ansible's _ansible_* settings (check mode, diff, no_log, verbosity...).
 */
import { readFileSync, statSync } from 'node:fs';
import { KbsError, type Position } from '../../errors.js';
import type { ModuleContext, ModuleDef, ModuleResult } from '../types.js';
import { findAnsibleCore, type AnsibleCore } from './ansible-core.js';
import { bundleModule } from './bundle.js';
import { DISCOVERED, newStyleCommand, oldStyleCommand } from './remote.js';
import { moduleResult } from './result.js';

export type ModuleStyle = 'new' | 'want_json' | 'old' | 'binary';

/** Ansible's module_common: how a module is run */
export function moduleStyle(source: Buffer): ModuleStyle {
  const head = source.subarray(0, 8192);
  if (head.includes(0) && !source.subarray(0, 2).equals(Buffer.from('#!'))) return 'binary';
  const text = source.toString('utf8');
  if (text.includes('from ansible.module_utils.')) return 'new';
  if (text.includes('WANT_JSON')) return 'want_json';
  return 'old';
}

interface Built {
  def: ModuleDef;
  mtimeMs: number;
  size: number;
  key: string;
}

const cache = new Map<string, Built>();

/** Python's str() of a value, for key=value argument files */
function pyStr(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

const shlexQuote = (s: string) => (s !== '' && /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`);

/**
 * The ModuleDef of library module `file` named `name`; `utilsDirs` are the custom module_utils
 * folders. Throws (at load time) when ansible-core is missing or the module's imports cannot be
 * bundled.
 */
export function libraryModuleDef(name: string, file: string, utilsDirs: string[], pos?: Position): ModuleDef {
  const st = statSync(file);
  const key = JSON.stringify([file, utilsDirs]);
  const hit = cache.get(key);
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) return hit.def;
  const source = readFileSync(file);
  const style = moduleStyle(source);
  let core: AnsibleCore | undefined;
  let zip: Buffer | undefined;
  if (style === 'new') {
    const found = findAnsibleCore();
    if ('error' in found) {
      throw new KbsError('NOT_FOUND', `module ${name} (${file}) needs ansible-core on this workstation: ${found.error}`, {
        pos,
        hint: 'install ansible-core (apt-get install ansible-core, or pip install ansible-core): kbs sends its ansible.module_utils with the module, as Ansible does; KBS_ANSIBLE_PYTHON names the Python that has it',
      });
    }
    core = found.core;
    try {
      zip = bundleModule({ name, file, source, utilsDirs, core }).zip;
    } catch (e) {
      if (e instanceof KbsError && pos) throw new KbsError(e.code, e.message, { pos, hint: e.hint });
      throw e;
    }
  }
  const def: ModuleDef = {
    name,
    source: file,
    schema: { type: 'object' },
    run: (args, ctx) => runLibraryModule({ name, style, source, core, zip }, args, ctx),
  };
  cache.set(key, { def, mtimeMs: st.mtimeMs, size: st.size, key });
  return def;
}

interface Prepared {
  name: string;
  style: ModuleStyle;
  source: Buffer;
  core?: AnsibleCore;
  zip?: Buffer;
}

const AUTO = new Set(['auto', 'auto_silent', 'auto_legacy', 'auto_legacy_silent']);

function interpreterOf(ctx: ModuleContext): string | undefined {
  let v = ctx.vars.ansible_python_interpreter;
  if (typeof v === 'string' && v.includes('{{')) v = ctx.render(v);
  if (typeof v === 'string' && v.trim() !== '' && !AUTO.has(v.trim())) return v.trim();
  const d = ctx.vars.discovered_interpreter_python;
  if (typeof d === 'string' && d !== '') return d;
  return undefined;
}

/** the #! line of an old-style module, as Ansible rewrites it: python → the host's Python */
function oldInterpreter(source: Buffer): 'python' | string[] | undefined {
  const m = /^#!\s*([^\n]+)/.exec(source.subarray(0, 512).toString('utf8'));
  if (!m) return undefined;
  const words = m[1].trim().split(/\s+/);
  const prog = words[0].endsWith('/env') && words.length > 1 ? words[1] : words[0];
  if (/(^|\/)python[\d.]*$/.test(prog)) return 'python';
  return words;
}

async function runLibraryModule(p: Prepared, args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult> {
  const python = interpreterOf(ctx);
  const remoteTmp = typeof ctx.vars.ansible_remote_tmp === 'string' ? ctx.vars.ansible_remote_tmp : '~/.ansible/tmp';
  const internal: Record<string, unknown> = {
    _ansible_check_mode: ctx.check,
    _ansible_no_log: ctx.noLog ?? false,
    _ansible_debug: false,
    _ansible_diff: ctx.diff,
    _ansible_verbosity: ctx.verbosity,
    _ansible_version: p.core?.version ?? '2.14.0',
    _ansible_module_name: p.name,
    _ansible_syslog_facility: 'LOG_USER',
    _ansible_selinux_special_fs: ['fuse', 'nfs', 'vboxsf', 'ramfs', '9p', 'vfat'],
    _ansible_string_conversion_action: 'warn',
    _ansible_socket: null,
    _ansible_shell_executable: '/bin/sh',
    _ansible_keep_remote_files: false,
    _ansible_remote_tmp: remoteTmp,
  };
  const moduleArgs = { ...args, ...internal };
  let cmd: string;
  let stdin: Buffer;
  let interp: string | undefined = python;
  if (p.style === 'new') {
    cmd = newStyleCommand(p.name, remoteTmp, python);
    stdin = Buffer.concat([Buffer.from(JSON.stringify({ ANSIBLE_MODULE_ARGS: moduleArgs }) + '\n'), p.zip!]);
  } else {
    const argsText =
      p.style === 'want_json'
        ? JSON.stringify(moduleArgs)
        : Object.entries(moduleArgs)
            .map(([k, v]) => `${k}=${shlexQuote(pyStr(v))} `)
            .join('');
    const argsBuf = Buffer.from(argsText);
    const oi = p.style === 'binary' ? undefined : oldInterpreter(p.source);
    if (oi !== 'python') interp = Array.isArray(oi) ? oi.join(' ') : undefined;
    cmd = oldStyleCommand(remoteTmp, python, argsBuf.length, oi);
    stdin = Buffer.concat([argsBuf, p.source]);
  }
  const r = await ctx.run(cmd, { stdin });
  let stdout = r.stdout;
  let discovered: string | undefined;
  if (stdout.startsWith(DISCOVERED)) {
    const nl = stdout.indexOf('\n');
    discovered = stdout.slice(DISCOVERED.length, nl < 0 ? undefined : nl);
    stdout = nl < 0 ? '' : stdout.slice(nl + 1);
    interp ??= discovered;
  }
  const result = moduleResult(stdout, r.stderr, r.rc, interp);
  // as Ansible registers it: without the module's echo of its arguments
  delete result.invocation;
  if (discovered !== undefined) {
    const facts = { ...(isMap(result.ansible_facts) ? result.ansible_facts : {}), discovered_interpreter_python: discovered };
    result.ansible_facts = facts;
  }
  if (isMap(result.ansible_facts) && Object.keys(result.ansible_facts).length) ctx.setFacts?.(result.ansible_facts);
  return result;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
