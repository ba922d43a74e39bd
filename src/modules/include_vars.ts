/**
 * ansible.builtin.include_vars: variables from YAML/JSON files on the workstation, as
 * ansible-core 2.14's action plugin loads them: one file (`file:` or the free-form argument,
 * searched as Ansible searches: the role's vars/ folder and the role, the task file's folder, the
 * playbook's folder, each with vars/ first) or a folder (`dir:` with depth, files_matching,
 * ignore_files, extensions, ignore_unknown_extensions), optionally under one `name`, with
 * `hash_behaviour`. The module only reads: the engine gives the result's ansible_facts
 * include_vars precedence on the host (engine/flow.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KbsError } from '../errors.js';
import { parseYaml } from '../yaml/read.js';
import { compilePy } from '../util/pyregex.js';
import type { FlowContext, ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';
import { STR_OR_LIST } from './util/schema.js';

type Vars = Record<string, unknown>;

const DIR_ARGS = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'];
const FILE_ARGS = ['file', '_raw_params'];
const DEFAULT_EXTENSIONS = ['yaml', 'yml', 'json'];

const args = declareArgs({
  _raw_params: { type: 'str' },
  file: { type: 'str' },
  dir: { type: 'str' },
  depth: { type: 'int', default: 0 },
  files_matching: { type: 'str' },
  ignore_files: { type: 'any', schema: STR_OR_LIST, default: [], read: readIgnoreFiles },
  extensions: { type: 'any', schema: STR_OR_LIST, default: DEFAULT_EXTENSIONS, read: readExtensions },
  ignore_unknown_extensions: { type: 'bool' },
  name: { type: 'str' },
  hash_behaviour: { type: 'str' },
});

type IncludeArgs = ReturnType<typeof args.read>;

/** as Ansible: a string is read as a list of its characters */
function readExtensions(v: unknown): string[] {
  const list = typeof v === 'string' ? [...v] : v;
  if (!Array.isArray(list)) throw new KbsError('TASK', 'Invalid type for "extensions" option, it must be a list');
  return list.map(String);
}

/** a string holds names separated by whitespace */
function readIgnoreFiles(v: unknown): string[] {
  if (typeof v === 'string') return v.split(/\s+/).filter(Boolean);
  return Array.isArray(v) ? v.map(String) : [];
}

export const include_vars: ModuleDef = {
  name: 'include_vars',
  local: true,
  freeForm: true,
  schema: args.schema,
  async run(given, ctx) {
    const flow = ctx.flow;
    if (!flow) throw new KbsError('INTERNAL', 'include_vars needs the engine (no flow context)');
    // as Ansible: the names given, whatever their values, say whether file and dir are mixed
    const names = Object.keys(given);
    if (names.some((n) => DIR_ARGS.includes(n)) && names.some((n) => FILE_ARGS.includes(n))) {
      throw new KbsError('TASK', 'You are mixing file only and dir only arguments, these are incompatible');
    }
    const a = args.read(given);
    const loaded: string[] = [];
    let results: Vars = {};
    let error: string | undefined;
    if (a.dir) {
      const r = loadDir(a.dir, a, flow, loaded);
      results = r.vars;
      error = r.error;
    } else {
      let file = a.file || a._raw_params || undefined;
      if (file !== undefined) file = file.replace(/\n+$/, '');
      try {
        const r = loadFile(findVarsFile(file, flow), false, a.extensions, loaded);
        if (r.error) error = r.error;
        else results = r.vars;
      } catch (e) {
        if (!(e instanceof KbsError)) throw e;
        error = e.message;
      }
    }
    if (a.name) results = { [a.name]: results };
    const result: ModuleResult = { changed: false };
    if (error !== undefined) {
      // as Ansible: the reason under `message`
      result.failed = true;
      result.message = error;
    } else if (a.hash_behaviour !== undefined && a.hash_behaviour !== 'replace') {
      const merge = a.hash_behaviour === 'merge';
      for (const [k, v] of Object.entries(results)) results[k] = combineVars(ctx.vars[k] ?? null, v, merge);
    }
    result.ansible_included_var_files = loaded;
    result.ansible_facts = results;
    return result;
  },
};

/**
 * The file as Ansible's path_dwim_relative_stack finds it: in each folder of the task's search
 * path FOLDER/vars/NAME then FOLDER/NAME, then the same in the playbook's folder. `vars/` is not
 * added when NAME already starts with it.
 */
function findVarsFile(file: string | undefined, flow: FlowContext): string {
  if (file === undefined) throw new KbsError('TASK', 'Could not find or access None');
  if (file.startsWith('/')) {
    if (existsSync(file)) return file;
    throw notFound(file, [file]);
  }
  const withDir = file.split('/')[0] !== 'vars';
  const tries: string[] = [];
  for (const base of [...flow.searchPath, flow.playbookDir]) {
    if (withDir) tries.push(resolve(base, 'vars', file));
    tries.push(resolve(base, file));
  }
  const found = tries.find((p) => existsSync(p));
  if (found) return found;
  throw notFound(file, [...new Set(tries)]);
}

function notFound(file: string, tried: string[]): KbsError {
  return new KbsError('NOT_FOUND', `Could not find or access '${file}'\nSearched in:\n${tried.map((t) => `\t${t}`).join('\n')}\n(on the workstation)`);
}

/** One file: its mapping (an empty file is {}), or why it cannot be used. */
function loadFile(file: string, validateExt: boolean, extensions: string[], loaded: string[]): { vars: Vars; error?: string } {
  if (validateExt && !validExt(file, extensions)) {
    return { vars: {}, error: `${file} does not have a valid extension: ${extensions.join(', ')}` };
  }
  let data: unknown;
  try {
    data = parseYaml(file).value;
  } catch (e) {
    if (e instanceof KbsError) return { vars: {}, error: `${e.where() ? e.where() + ': ' : ''}${e.message}` };
    throw e;
  }
  if (data === null || data === undefined || data === false || data === '' || (Array.isArray(data) && !data.length)) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) return { vars: {}, error: `${file} must be stored as a dictionary/hash` };
  loaded.push(file);
  return { vars: { ...(data as Vars) } };
}

/** Python's os.path.splitext extension (leading dots of the name do not start one), without the dot */
function extOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const i = base.lastIndexOf('.');
  if (i <= 0 || /^\.+$/.test(base.slice(0, i + 1))) return '';
  return base.slice(i + 1);
}

function validExt(file: string, extensions: string[]): boolean {
  const e = extOf(file);
  return e !== '' ? extensions.includes(e) : extensions.includes('');
}

/**
 * `dir:` as Ansible's action plugin reads it. In a role the folder is the role's vars/DIR (or
 * ROLE/DIR when DIR starts with vars), elsewhere it is relative to the task file's folder. Folders
 * are walked as os.walk lists them and sorted by path; `depth` N takes the first N of them (0:
 * all); files are taken in name order, a later file replacing a top-level key.
 */
function loadDir(dir: string, a: IncludeArgs, flow: FlowContext, loaded: string[]): { vars: Vars; error?: string } {
  let root: string;
  if (flow.rolePath) {
    if (dir.split('/')[0] === 'vars') {
      const p = resolve(flow.rolePath, dir);
      root = existsSync(p) ? p : resolve(dir);
    } else root = resolve(flow.rolePath, 'vars', dir);
  } else root = resolve(flow.taskDir, dir);
  if (!existsSync(root)) return { vars: {}, error: `${root} directory does not exist` };
  if (!statSync(root).isDirectory()) return { vars: {}, error: `${root} is not a directory` };
  const depth = a.depth;
  const fail = (why: string) => new KbsError('TASK', `files_matching: ${why}`);
  const matcher = a.files_matching ? compilePy(a.files_matching, '', fail) : undefined;
  const ignoreRes = a.ignore_files.map((p) => compilePy(`${p}$`, '', () => new KbsError('TASK', `Invalid regular expression: ${p}`)));
  const unknownOk = a.ignore_unknown_extensions;
  const out: Vars = {};
  const walked = walk(root).sort((a, b) => (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  for (const [i, { dir: d, files }] of walked.entries()) {
    if (depth !== 0 && i + 1 > depth) break;
    for (const name of files.sort()) {
      if (matcher && !matcher.test(name)) continue;
      const full = join(d, name);
      if (!existsSync(full) || ignoreRes.some((re) => re.test(name))) continue;
      if (unknownOk && !validExt(name, a.extensions)) continue;
      const r = loadFile(full, true, a.extensions, loaded);
      if (r.error) return { vars: out, error: r.error };
      Object.assign(out, r.vars);
    }
  }
  return { vars: out };
}

/** os.walk: every folder under root (root first), with the names of its non-folder entries; links to folders are not followed */
function walk(root: string): { dir: string; files: string[] }[] {
  const out: { dir: string; files: string[] }[] = [];
  const visit = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    const files: string[] = [];
    const dirs: string[] = [];
    for (const e of entries) {
      if (e.isDirectory()) dirs.push(e.name);
      else if (e.isSymbolicLink() && isDir(join(d, e.name))) continue;
      else files.push(e.name);
    }
    out.push({ dir: d, files });
    for (const sub of dirs) visit(join(d, sub));
  };
  visit(root);
  return out;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Ansible's combine_vars: merge recursively (hash_behaviour=merge) or replace; both sides must be mappings */
function combineVars(a: unknown, b: unknown, merge: boolean): Vars {
  if (!isMap(a) || !isMap(b)) {
    throw new KbsError('TASK', `failed to combine variables, expected dicts but got a '${pyTypeName(a)}' and a '${pyTypeName(b)}': \n${dump(a)}\n${dump(b)}`);
  }
  if (!merge) return { ...a, ...b };
  const out: Vars = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out && isMap(out[k]) && isMap(v) ? combineVars(out[k], v, true) : v;
  return out;
}

/** Python's json.dumps of a value read from YAML (the error message shows both sides) */
function dump(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return `[${v.map(dump).join(', ')}]`;
  if (typeof v === 'object') return `{${Object.entries(v as Vars).map(([k, x]) => `${JSON.stringify(k)}: ${dump(x)}`).join(', ')}}`;
  return JSON.stringify(v);
}

function isMap(v: unknown): v is Vars {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** the class Ansible names for a value read from YAML */
function pyTypeName(v: unknown): string {
  if (v === null || v === undefined) return 'NoneType';
  if (Array.isArray(v)) return 'AnsibleSequence';
  if (typeof v === 'object') return 'AnsibleMapping';
  if (typeof v === 'string') return 'AnsibleUnicode';
  if (typeof v === 'boolean') return 'bool';
  return Number.isInteger(v) ? 'int' : 'float';
}
