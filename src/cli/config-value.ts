/**
 * The value of an Ansible setting from its definition, as ansible-core 2.14's ConfigManager
 * computes it: variables (plugin options), then the environment (the last variable set of the
 * definition's list), then the ini file (the last entry found), then the default; then Ansible's
 * type conversion (ensure_type): booleans, integers, floats, comma lists, paths relative to the
 * config file's folder (the current folder for the environment and defaults) with `~` and $VARS
 * expanded, `:`-separated path specs, comma-separated path lists.
 */
import { mkdirSync, mkdtempSync, existsSync, readFileSync, statSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, posix } from 'node:path';
import { KbsError } from '../errors.js';
import { findConfigFile, parseIni } from './ansible-config.js';
import type { ConfigDef } from './config-table.js';

export interface ConfigSource {
  env: NodeJS.ProcessEnv;
  cwd: string;
  home: string;
  /** the config file in use (Ansible's CONFIG_FILE), undefined when none */
  file?: string;
  ini: Record<string, Record<string, { value: string; line: number }>>;
}

/** The config file Ansible would read, from `env` and the current folder, parsed. */
export function configSource(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), systemFile?: string): ConfigSource {
  const home = env.HOME || homedir();
  const { file } = findConfigFile({ env, cwd, home, systemFile });
  const ini = file ? parseIni(readFileSync(file, 'utf8'), file) : {};
  return { env, cwd, home, file, ini };
}

/** Python's os.path.normpath on a POSIX path */
function normpath(p: string): string {
  if (p === '') return '.';
  const lead = p.startsWith('//') && !p.startsWith('///') ? '//' : p.startsWith('/') ? '/' : '';
  const out: string[] = [];
  for (const part of p.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..' && (out.length ? out[out.length - 1] !== '..' : lead !== '')) {
      if (out.length) out.pop();
      continue;
    }
    out.push(part);
  }
  return lead + out.join('/') || '.';
}

/** Ansible's resolve_path: {{CWD}}, $VARS, ~, relative to `base` (a file: its folder), normalised */
export function resolvePath(p: string, base: string | undefined, src: ConfigSource): string {
  let v = p.replace(/\{\{CWD\}\}/g, src.cwd);
  v = v.replace(/\$(\w+)|\$\{([^}]*)\}/g, (all, a: string | undefined, b: string | undefined) => src.env[(a ?? b)!] ?? all);
  if (v === '~' || v.startsWith('~/')) v = (src.env.HOME || src.home) + v.slice(1);
  let dir = base ?? src.cwd;
  try {
    if (base && statSync(base).isFile()) dir = dirname(base);
  } catch {
    // a folder that does not exist is used as it is
  }
  return normpath(isAbsolute(v) ? v : posix.join(dir, v));
}

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);

/** Python's unquote of Ansible's config: one pair of matching outer quotes removed */
function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === "'") && s[s.length - 1] === s[0] ? s.slice(1, -1) : s;
}

const tmpDirs: string[] = [];
let cleanup = false;

/** Python's str() of a value Ansible converts to text */
function pyText(v: unknown): string {
  if (v === true) return 'True';
  if (v === false) return 'False';
  return String(v);
}

function intOf(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  const s = String(v);
  if (!/^\s*[-+]?\d+(_\d+)*\s*$/.test(s)) throw new Error(`invalid literal for int() with base 10: '${s}'`);
  return parseInt(s.replace(/_/g, ''), 10);
}

/** Ansible's ensure_type; `origin` is the file the value came from (its folder is the base of relative paths) */
export function ensureType(value: unknown, type: string | undefined, origin: string | undefined, src: ConfigSource): unknown {
  if (value === null || value === undefined) return null;
  const t = type?.toLowerCase();
  const base = origin && isAbsolute(origin) && existsSync(origin) ? origin : undefined;
  const bad = (what: string) => new Error(`Invalid type provided for "${what}": ${pyText(value)}`);
  switch (t) {
    case 'boolean':
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'number') return value === 1;
      return TRUE.has(String(value).toLowerCase().trim());
    case 'integer':
    case 'int':
      return intOf(value);
    case 'float': {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (String(value).trim() === '' || Number.isNaN(n)) throw new Error(`could not convert string to float: '${String(value)}'`);
      return n;
    }
    case 'list':
      if (typeof value === 'string') return value.split(',').map((x) => unquote(x.trim()));
      if (!Array.isArray(value)) throw bad('list');
      return value;
    case 'none':
      if (value === 'None') return null;
      throw bad('None');
    case 'path':
      if (typeof value !== 'string') throw bad('path');
      return resolvePath(value, base, src);
    case 'tmp':
    case 'temppath':
    case 'tmppath': {
      if (typeof value !== 'string') throw bad('temppath');
      const dir = resolvePath(value, base, src);
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true, mode: 0o700 });
      const made = mkdtempSync(join(dir, `ansible-local-${process.pid}`));
      tmpDirs.push(made);
      if (!cleanup) {
        cleanup = true;
        process.on('exit', () => tmpDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
      }
      return made;
    }
    case 'pathspec': {
      const parts = typeof value === 'string' ? value.split(':') : value;
      if (!Array.isArray(parts)) throw bad('pathspec');
      return parts.map((x) => resolvePath(String(x), base, src));
    }
    case 'pathlist': {
      const parts = typeof value === 'string' ? value.split(',').map((x) => x.trim()) : value;
      if (!Array.isArray(parts)) throw bad('pathlist');
      return parts.map((x) => resolvePath(String(x), base, src));
    }
    case 'dict':
    case 'dictionary':
      if (typeof value !== 'object' || Array.isArray(value)) throw bad('dictionary');
      return value;
    case 'str':
    case 'string':
      if (typeof value === 'object') throw bad('string');
      return unquote(pyText(value));
    default:
      return typeof value === 'string' ? unquote(value) : value;
  }
}

/** `{{ NAME ~ "text" }}`: the only templated defaults of ansible-core's global settings kbs renders */
const TEMPLATED = /^\{\{\s*([A-Z_][A-Z0-9_]*)\s*~\s*(["'])(.*)\2\s*\}\}$/;

/**
 * The value of setting `name` (`entry` names it in errors: Ansible's "plugin_type: ... setting: x").
 * `variables` are the task's variables (plugin options read them first); `setting` gives another
 * global setting's value, for defaults such as '{{ ANSIBLE_HOME ~ "/roles" }}'.
 */
export function configValue(
  entry: string,
  def: ConfigDef,
  src: ConfigSource,
  opts: { variables?: (name: string) => unknown; setting?: (name: string) => unknown; otherTemplate?: () => { value: unknown } | undefined } = {},
): unknown {
  let value: unknown = null;
  let origin: string | undefined;
  if (opts.variables && Array.isArray(def.vars)) {
    for (const v of def.vars) {
      const x = opts.variables(v.name);
      if (x !== undefined && x !== null) {
        value = x;
        origin = `var: ${v.name}`;
      }
    }
  }
  if (value === null && Array.isArray(def.env)) {
    for (const e of def.env) {
      const x = src.env[e.name];
      if (x !== undefined) {
        value = x;
        origin = `env: ${e.name}`;
      }
    }
  }
  if (value === null && src.file && Array.isArray(def.ini)) {
    for (const i of def.ini) {
      const sect = src.ini[i.section ?? 'defaults'];
      const key = String(i.key ?? '').toLowerCase();
      const x = sect ? (sect[key] ?? src.ini.DEFAULT?.[key]) : undefined;
      if (x !== undefined) {
        value = x.value;
        origin = src.file;
      }
    }
  }
  if (value === null) {
    origin = 'default';
    value = def.default ?? null;
    const m = typeof value === 'string' && opts.setting ? TEMPLATED.exec(value) : null;
    if (m) {
      const head = opts.setting!(m[1]);
      if (typeof head === 'string') value = head + m[3];
    } else if (typeof value === 'string' && value.startsWith('{{') && value.endsWith('}}') && opts.otherTemplate) {
      // another templated default ("{{(REJECT_EXTS + ('.orig',))}}"): its value as ansible-core renders it, if it can say
      const got = opts.otherTemplate();
      if (got) value = got.value;
    }
  }
  try {
    value = ensureType(value, def.type, origin, src);
  } catch (e) {
    if (origin?.startsWith('env:') && value === '') value = ensureType(def.default ?? null, def.type, 'default', src);
    else throw new KbsError('TEMPLATE', `Invalid type for configuration option ${entry.trim()} (from ${origin}): ${(e as Error).message}`);
  }
  const choices = def.choices;
  if (value !== null && Array.isArray(choices)) {
    const ok = Array.isArray(value) ? value.every((x) => choices.includes(x)) : choices.includes(value);
    if (!ok) throw new KbsError('TEMPLATE', `Invalid value "${pyText(value)}" for configuration option "${entry}", valid values are: ${choices.map(pyText).join(', ')}`);
  }
  return value;
}
