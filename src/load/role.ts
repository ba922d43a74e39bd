/**
 * Roles: finding a role folder, reading its defaults/vars/meta, expanding its dependencies and
 * tasks into a BlockNode that carries the role's context. Handlers join the play's handlers.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { KbsError, didYouMean, type Position } from '../errors.js';
import { taskKeywordsSchema } from '../schema/playbook.js';
import { roleEntrySchema, roleMetaSchema, roleVarsSchema } from '../schema/role.js';
import { validate } from '../schema/validate.js';
import { loadYaml, newContext, type LoadContext, type LoadOptions } from './context.js';
import { BLOCK_KEYWORD_SET, isTemplate, normalizeKeywords } from './keywords.js';
import type { BlockNode, RoleContext, TaskKeywords, TaskNode, Vars } from './model.js';
import { parseHandlerList, parseTaskList } from './tasks.js';
import { checkTaskTemplates, checkValueTemplates } from './templates.js';
import { roleFiles } from './rolefiles.js';
import { posAt, type YamlSource, type YamlPath } from '../yaml/read.js';

export interface RoleRef {
  name: string;
  /** role params (extra keys of a roles: entry) */
  params: Vars;
  /** where the role is named, for errors */
  pos: Position;
  tasksFrom?: string;
  varsFrom?: string;
  defaultsFrom?: string;
  handlersFrom?: string;
  /** folders searched after the roles path (a dependency: the folder holding the role that depends on it) */
  nearDirs?: string[];
  /** the role that depends on, imports or includes this one */
  parent?: RoleContext;
  /** import_role / include_role `rolespec_validate: false`: no argument spec validation task */
  noSpecValidation?: boolean;
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();

/**
 * The folders searched for a role name, in Ansible's order: <playbook dir>/roles, the roles path,
 * for a dependency the folder holding the role that depends on it, the playbook folder itself;
 * then kbs's own roles.
 */
export function roleSearchDirs(playbookDir: string, opts: LoadOptions, nearDirs: string[] = []): string[] {
  const dirs = [join(playbookDir, 'roles'), ...(opts.rolesPath ?? []).map((d) => resolve(playbookDir, d)), ...nearDirs, playbookDir];
  if (opts.builtinRolesDir) dirs.push(resolve(opts.builtinRolesDir));
  return [...new Set(dirs)];
}

/**
 * The role `name` (a plain name, a relative path such as kubernetes/preinstall, or an absolute
 * path): its folder and its name. Looked up in each search folder, then as a path (relative to
 * the current folder, as Ansible does); a role found by its path is named after its last part.
 * Throws NOT_FOUND.
 */
export function locateRole(name: string, playbookDir: string, opts: LoadOptions, pos?: Position, nearDirs: string[] = []): { path: string; name: string } {
  const dirs = roleSearchDirs(playbookDir, opts, nearDirs);
  if (!isAbsolute(name)) {
    for (const d of dirs) if (isDir(join(d, name))) return { path: join(d, name), name };
  }
  const direct = resolve(name);
  if (isDir(direct)) return { path: direct, name: basename(name) };
  const known = dirs.flatMap((d) => (isDir(d) ? readdirSync(d).filter((n) => isDir(join(d, n))) : []));
  const guess = didYouMean(basename(name), known);
  throw new KbsError('NOT_FOUND', `role "${name}" not found`, {
    pos: pos ?? { file: playbookDir },
    hint: `${guess ? `did you mean ${guess}? ` : ''}searched ${dirs.join(', ')}`,
  });
}

/** Absolute folder of the role `name` (see locateRole). Throws NOT_FOUND. */
export function findRole(name: string, playbookDir: string, opts: LoadOptions, pos?: Position, nearDirs: string[] = []): string {
  return locateRole(name, playbookDir, opts, pos, nearDirs).path;
}

/** the one file of a tasks/handlers/meta part; undefined when absent; NOT_FOUND for a missing *_from */
function requiredRoleFile(path: string, sub: string, from: string | undefined, pos: Position): string | undefined {
  return requiredRoleFiles(path, sub, from, pos, false)[0];
}

function requiredRoleFiles(path: string, sub: string, from: string | undefined, pos: Position, allowDir: boolean): string[] {
  const files = roleFiles(path, sub, from, allowDir);
  if (!files.length && from !== undefined) {
    throw new KbsError('NOT_FOUND', `role file ${sub}/${from} not found in role ${basename(path)}`, {
      pos,
      hint: `looked for ${join(path, sub, from)}(.yml|.yaml|.json)${allowDir ? ' or a folder of that name' : ''}`,
    });
  }
  return files;
}

/** defaults or vars of a role: the files merged in order (a later file replaces a top-level key) */
function varsFiles(files: string[]): Vars {
  const out: Vars = {};
  for (const file of files) {
    const yf = loadYaml(file);
    const rel = file.split('/').slice(-2).join('/');
    validate(roleVarsSchema, yf.value, yf, [], rel);
    checkValueTemplates(yf, [], yf.value);
    Object.assign(out, (yf.value ?? {}) as Vars);
  }
  return out;
}

interface RoleMeta {
  yf?: YamlSource;
  deps: unknown[];
  allowDuplicates: boolean;
  /** argument_specs of meta/main.yml */
  argumentSpecs?: unknown;
}

function readMeta(path: string): RoleMeta {
  const file = roleFiles(path, 'meta', undefined, false)[0];
  if (!file) return { deps: [], allowDuplicates: false };
  const yf = loadYaml(file);
  validate(roleMetaSchema, yf.value, yf, [], 'role meta');
  const m = (yf.value ?? {}) as { dependencies?: unknown[] | null; allow_duplicates?: boolean; argument_specs?: unknown };
  return { yf, deps: m.dependencies ?? [], allowDuplicates: m.allow_duplicates === true, argumentSpecs: m.argument_specs };
}

/**
 * Ansible's role argument validation: when the role's argument specs (meta/argument_specs.yml,
 * else argument_specs in meta/main.yml) have an entry for the entry point (tasks_from, else main),
 * a validate_argument_spec task tagged always comes before the role's tasks.
 */
function specValidationTask(ref: RoleRef, meta: RoleMeta, ctx: RoleContext): TaskNode | undefined {
  if (ref.noSpecValidation) return undefined;
  let specs: unknown = meta.argumentSpecs;
  const file = roleFiles(ctx.path, 'meta', 'argument_specs', false)[0];
  if (file) specs = ((loadYaml(file).value ?? {}) as { argument_specs?: unknown }).argument_specs ?? {};
  const entry = ref.tasksFrom ?? 'main';
  const spec = specs && typeof specs === 'object' ? (specs as Record<string, unknown>)[entry] : undefined;
  if (!spec || typeof spec !== 'object' || Array.isArray(spec)) return undefined;
  const s = spec as { short_description?: unknown; options?: unknown };
  const name = `Validating arguments against arg spec '${entry}'` + (s.short_description !== undefined ? ` - ${String(s.short_description)}` : '');
  return {
    kind: 'task',
    pos: file ? { file } : ref.pos,
    kw: { name, tags: ['always'] },
    module: 'validate_argument_spec',
    args: {
      argument_spec: s.options ?? {},
      provided_arguments: ref.params,
      validate_args_context: { type: 'role', name: ctx.name, argument_spec_name: entry, path: ctx.path },
    },
    role: ctx,
  };
}

function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable((v as Vars)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/**
 * Expand a role into a BlockNode: its dependencies (each a BlockNode), then its tasks. `mode`
 * 'play' (roles:) and 'dependency': a role used again with the same params, when, tags and vars
 * is the same RoleContext (Ansible's role cache), expanded again and marked roleOnce unless
 * allow_duplicates (the engine skips it on hosts where it already ran); 'import' (import_role /
 * include_role) always expands a new one.
 */
export function expandRole(
  ref: RoleRef,
  kw: TaskKeywords,
  lc: LoadContext,
  mode: 'play' | 'dependency' | 'import',
): { block?: BlockNode; role: RoleContext } {
  const found = locateRole(ref.name, lc.playbookDir, lc.opts, ref.pos, ref.nearDirs);
  const path = found.path;
  const meta = readMeta(path);
  const from = [ref.tasksFrom, ref.varsFrom, ref.defaultsFrom, ref.handlersFrom].map((f) => f ?? '').join('\0');
  const key = `${path}\0${from}\0${stable(ref.params)}\0${stable(kw.vars ?? {})}\0${stable(kw.when ?? null)}\0${stable(kw.tags ?? [])}`;
  const cached = mode !== 'import';
  const seen = cached ? lc.seenRoles.get(key) : undefined;
  const marker = `role:${path}`;
  if (lc.stack.includes(marker)) {
    const chain = [...lc.stack.filter((s) => s.startsWith('role:')), marker].map((s) => basename(s.slice(5)));
    throw new KbsError('SCHEMA', `role dependency cycle: ${chain.join(' -> ')}`, { pos: ref.pos, hint: 'remove one of the dependencies' });
  }
  const ctx: RoleContext = seen ?? {
    name: found.name,
    path,
    defaults: varsFiles(requiredRoleFiles(path, 'defaults', ref.defaultsFrom, ref.pos, true)),
    vars: varsFiles(requiredRoleFiles(path, 'vars', ref.varsFrom, ref.pos, true)),
    params: ref.params,
  };
  if (kw.vars && !seen) ctx.entryVars = kw.vars;
  if (ref.parent && !seen) {
    ctx.parent = ref.parent;
    if (mode === 'import') {
      ctx.parentRoleNames = [ref.parent.name, ...(ref.parent.parentRoleNames ?? [])];
      ctx.parentRolePaths = [ref.parent.path, ...(ref.parent.parentRolePaths ?? [])];
    }
  }
  if (cached && !seen) lc.seenRoles.set(key, ctx);
  lc.stack.push(marker);
  try {
    const deps: BlockNode[] = [];
    const depRoles: RoleContext[] = [];
    meta.deps.forEach((d, i) => {
      const r = parseRoleEntry(d, meta.yf as YamlSource, ['dependencies', i], lc, [dirname(path)], 'dependency', ctx);
      depRoles.push(r.role);
      if (r.block) deps.push(r.block);
    });
    if (!seen) ctx.deps = depRoles;
    const tasksFile = requiredRoleFile(path, 'tasks', ref.tasksFrom, ref.pos);
    let tasks: BlockNode['block'] = [];
    if (tasksFile) {
      const yf = loadYaml(tasksFile);
      lc.stack.push(tasksFile);
      tasks = parseTaskList({ yf, dir: dirname(tasksFile), role: ctx }, [], yf.value, lc);
      lc.stack.pop();
    }
    const validation = specValidationTask(ref, meta, ctx);
    if (validation) tasks = [validation, ...tasks];
    const handlersFile = requiredRoleFile(path, 'handlers', ref.handlersFrom, ref.pos);
    if (handlersFile && !lc.seenHandlers.has(handlersFile)) {
      lc.seenHandlers.add(handlersFile);
      const yf = loadYaml(handlersFile);
      lc.handlers.push(...parseHandlerList({ yf, dir: dirname(handlersFile), role: ctx }, [], yf.value, lc));
    }
    // the role's own tasks are skipped where the role already ran, its dependencies decide for themselves
    const own: BlockNode['block'] = cached && !meta.allowDuplicates && tasks.length ? [{ kind: 'block', pos: ref.pos, kw: {}, role: ctx, roleOnce: true, block: tasks, rescue: [], always: [] }] : tasks;
    return { block: { kind: 'block', pos: ref.pos, kw, role: ctx, block: [...deps, ...own], rescue: [], always: [] }, role: ctx };
  } finally {
    lc.stack.pop();
  }
}

/**
 * A roles: entry or a meta dependency: `name`, `{role: name, when/tags/vars..., param: value}`.
 * Keywords of blocks apply to the role's block; `vars:` too; other keys are role params.
 */
export function parseRoleEntry(
  raw: unknown,
  yf: YamlSource,
  path: YamlPath,
  lc: LoadContext,
  nearDirs: string[] = [],
  mode: 'play' | 'dependency' = 'play',
  parent?: RoleContext,
): { block?: BlockNode; role: RoleContext } {
  validate(roleEntrySchema, raw, yf, path, 'role entry');
  const entry: Record<string, unknown> = typeof raw === 'string' ? { role: raw } : { ...(raw as object) };
  const nameKey = 'role' in entry ? 'role' : 'name';
  const name = String(entry[nameKey]);
  const at = typeof raw === 'string' ? posAt(yf, path) : posAt(yf, [...path, nameKey]);
  if (isTemplate(name)) {
    throw new KbsError('SCHEMA', 'a role name in roles: cannot be a template', {
      pos: at,
      hint: 'use include_role: in tasks for a role chosen at run time',
    });
  }
  const kwRaw: Record<string, unknown> = {};
  const params: Vars = {};
  for (const [k, v] of Object.entries(entry)) {
    if (k === nameKey) continue;
    if (BLOCK_KEYWORD_SET.has(k)) kwRaw[k] = v;
    else params[k] = v;
  }
  validate(taskKeywordsSchema, kwRaw, yf, path, 'role entry', { noun: 'keyword' });
  if (typeof raw === 'object' && raw !== null) checkTaskTemplates(yf, path, raw as Record<string, unknown>);
  const kw = normalizeKeywords(kwRaw, (k) => posAt(yf, [...path, k], 'key'));
  const r = expandRole({ name, params, pos: at, nearDirs, parent }, kw, lc, mode);
  if (mode === 'play') lc.playRoles.push(r.role);
  return r;
}

export interface ResolveRoleOptions extends LoadOptions {
  /** position of the include_role, for errors */
  pos?: Position;
  /** the rendered include_role args: tasks_from, vars_from, defaults_from, handlers_from, apply */
  args?: Record<string, unknown>;
  /** the role's handlers (and its dependencies') are added here */
  handlers?: TaskNode[];
  /** the role of the include_role task, if any */
  parent?: RoleContext;
}

/**
 * For the engine's include_role at run time: the role `name` expanded into a BlockNode (its
 * dependencies, then its tasks), as for roles:. `args.apply` keywords become the block's keywords.
 */
export function resolveRole(name: string, playbookDir: string, opts: ResolveRoleOptions = {}): BlockNode {
  const lc = newContext(playbookDir, opts, opts.handlers ?? []);
  const args = opts.args ?? {};
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  const pos = opts.pos ?? { file: playbookDir };
  return expandRole(
    {
      name,
      params: {},
      pos,
      tasksFrom: str(args.tasks_from),
      varsFrom: str(args.vars_from),
      defaultsFrom: str(args.defaults_from),
      handlersFrom: str(args.handlers_from),
      noSpecValidation: isFalse(args.rolespec_validate),
      parent: opts.parent,
    },
    applyKeywords(args.apply, pos),
    lc,
    'import',
  ).block as BlockNode;
}

/** a boolean argument given as false (false, "no", "False", 0...) */
function isFalse(v: unknown): boolean {
  return v === false || v === 0 || (typeof v === 'string' && ['no', 'off', 'false', '0', 'n', 'f'].includes(v.trim().toLowerCase()));
}

/** include_*'s `apply:` (already rendered): block keywords for the included nodes */
export function applyKeywords(apply: unknown, pos: Position): TaskKeywords {
  if (apply === undefined || apply === null) return {};
  if (typeof apply !== 'object' || Array.isArray(apply)) {
    throw new KbsError('SCHEMA', 'apply must be a mapping of keywords', { pos });
  }
  for (const k of Object.keys(apply)) {
    if (!BLOCK_KEYWORD_SET.has(k)) {
      const guess = didYouMean(k, BLOCK_KEYWORD_SET);
      throw new KbsError('SCHEMA', `"${k}" cannot be used in apply`, {
        pos,
        hint: guess ? `did you mean ${guess}?` : `keywords allowed in apply: ${[...BLOCK_KEYWORD_SET].join(', ')}`,
      });
    }
  }
  return normalizeKeywords(apply as Record<string, unknown>, () => pos);
}
