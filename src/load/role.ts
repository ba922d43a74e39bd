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
import { posAt, type YamlFile, type YamlPath } from './yaml.js';

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
  /** folders searched right after <playbook dir>/roles (a dependency: its parent's roles folder) */
  nearDirs?: string[];
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const isFile = (p: string) => existsSync(p) && statSync(p).isFile();

/** The folders searched for a role name, in order. */
export function roleSearchDirs(playbookDir: string, opts: LoadOptions, nearDirs: string[] = []): string[] {
  const dirs = [join(playbookDir, 'roles'), ...nearDirs, ...(opts.rolesPath ?? []).map((d) => resolve(playbookDir, d))];
  if (opts.builtinRolesDir) dirs.push(resolve(opts.builtinRolesDir));
  return [...new Set(dirs)];
}

/**
 * Absolute folder of the role `name`: <playbook dir>/roles/N, each rolesPath folder, the built-in
 * roles folder, then `name` as a path (relative to the playbook folder). Throws NOT_FOUND.
 */
export function findRole(name: string, playbookDir: string, opts: LoadOptions, pos?: Position, nearDirs: string[] = []): string {
  const dirs = roleSearchDirs(playbookDir, opts, nearDirs);
  if (!name.includes('/')) {
    for (const d of dirs) if (isDir(join(d, name))) return join(d, name);
  }
  const direct = isAbsolute(name) ? name : resolve(playbookDir, name);
  if (isDir(direct)) return direct;
  const known = dirs.flatMap((d) => (isDir(d) ? readdirSync(d).filter((n) => isDir(join(d, n))) : []));
  const guess = didYouMean(basename(name), known);
  throw new KbsError('NOT_FOUND', `role "${name}" not found`, {
    pos: pos ?? { file: playbookDir },
    hint: `${guess ? `did you mean ${guess}? ` : ''}searched ${dirs.join(', ')}`,
  });
}

/** role file `sub/base` with .yml, .yaml or no extension; undefined when absent */
function roleFile(path: string, sub: string, base: string): string | undefined {
  const names = /\.ya?ml$/.test(base) ? [base] : [`${base}.yml`, `${base}.yaml`, base];
  return names.map((n) => join(path, sub, n)).find(isFile);
}

function requiredRoleFile(path: string, sub: string, from: string | undefined, pos: Position): string | undefined {
  const f = roleFile(path, sub, from ?? 'main');
  if (!f && from !== undefined) {
    throw new KbsError('NOT_FOUND', `role file ${sub}/${from} not found in role ${basename(path)}`, {
      pos,
      hint: `looked for ${join(path, sub, from)}(.yml|.yaml)`,
    });
  }
  return f;
}

function varsFile(file: string | undefined): Vars {
  if (!file) return {};
  const yf = loadYaml(file);
  validate(roleVarsSchema, yf.value, yf, [], basename(dirname(file)) + '/' + basename(file));
  checkValueTemplates(yf, [], yf.value);
  return (yf.value ?? {}) as Vars;
}

interface RoleMeta {
  yf?: YamlFile;
  deps: unknown[];
  allowDuplicates: boolean;
}

function readMeta(path: string): RoleMeta {
  const file = roleFile(path, 'meta', 'main');
  if (!file) return { deps: [], allowDuplicates: false };
  const yf = loadYaml(file);
  validate(roleMetaSchema, yf.value, yf, [], 'role meta');
  const m = (yf.value ?? {}) as { dependencies?: unknown[] | null; allow_duplicates?: boolean };
  return { yf, deps: m.dependencies ?? [], allowDuplicates: m.allow_duplicates === true };
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
 * 'play' (roles:) and 'dependency' run a role+params once per play unless allow_duplicates;
 * 'import' (import_role / include_role) always expands. Returns undefined for a duplicate.
 */
export function expandRole(ref: RoleRef, kw: TaskKeywords, lc: LoadContext, mode: 'play' | 'dependency' | 'import'): BlockNode | undefined {
  const path = findRole(ref.name, lc.playbookDir, lc.opts, ref.pos, ref.nearDirs);
  const meta = readMeta(path);
  const key = `${path}\0${ref.tasksFrom ?? ''}\0${stable(ref.params)}\0${stable(kw.vars ?? {})}`;
  if (mode !== 'import' && !meta.allowDuplicates) {
    if (lc.seenRoles.has(key)) return undefined;
    lc.seenRoles.add(key);
  }
  const marker = `role:${path}`;
  if (lc.stack.includes(marker)) {
    const chain = [...lc.stack.filter((s) => s.startsWith('role:')), marker].map((s) => basename(s.slice(5)));
    throw new KbsError('SCHEMA', `role dependency cycle: ${chain.join(' -> ')}`, { pos: ref.pos, hint: 'remove one of the dependencies' });
  }
  const ctx: RoleContext = {
    name: basename(path),
    path,
    defaults: varsFile(requiredRoleFile(path, 'defaults', ref.defaultsFrom, ref.pos)),
    vars: varsFile(requiredRoleFile(path, 'vars', ref.varsFrom, ref.pos)),
    params: ref.params,
  };
  lc.stack.push(marker);
  try {
    const deps: BlockNode[] = [];
    meta.deps.forEach((d, i) => {
      const b = parseRoleEntry(d, meta.yf as YamlFile, ['dependencies', i], lc, [dirname(path)], 'dependency');
      if (b) deps.push(b);
    });
    const tasksFile = requiredRoleFile(path, 'tasks', ref.tasksFrom, ref.pos);
    let tasks: BlockNode['block'] = [];
    if (tasksFile) {
      const yf = loadYaml(tasksFile);
      lc.stack.push(tasksFile);
      tasks = parseTaskList({ yf, dir: dirname(tasksFile), role: ctx }, [], yf.value, lc);
      lc.stack.pop();
    }
    const handlersFile = requiredRoleFile(path, 'handlers', ref.handlersFrom, ref.pos);
    if (handlersFile && !lc.seenHandlers.has(handlersFile)) {
      lc.seenHandlers.add(handlersFile);
      const yf = loadYaml(handlersFile);
      lc.handlers.push(...parseHandlerList({ yf, dir: dirname(handlersFile), role: ctx }, [], yf.value, lc));
    }
    return { kind: 'block', pos: ref.pos, kw, role: ctx, block: [...deps, ...tasks], rescue: [], always: [] };
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
  yf: YamlFile,
  path: YamlPath,
  lc: LoadContext,
  nearDirs: string[] = [],
  mode: 'play' | 'dependency' = 'play',
): BlockNode | undefined {
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
  return expandRole({ name, params, pos: at, nearDirs }, kw, lc, mode);
}

export interface ResolveRoleOptions extends LoadOptions {
  /** position of the include_role, for errors */
  pos?: Position;
  /** the rendered include_role args: tasks_from, vars_from, defaults_from, handlers_from, apply */
  args?: Record<string, unknown>;
  /** the role's handlers (and its dependencies') are added here */
  handlers?: TaskNode[];
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
    },
    applyKeywords(args.apply, pos),
    lc,
    'import',
  ) as BlockNode;
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
