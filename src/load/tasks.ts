/**
 * Task lists: each task has exactly one module (or include/import) plus keywords. Blocks become
 * BlockNodes, import_tasks / import_role are expanded here, include_* stay as IncludeNodes.
 * Over 400 lines: the reading of one task (keywords, module, args, loops) and of the lists that
 * hold tasks recurse into each other.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { KbsError, didYouMean, type Position } from '../errors.js';
import { getModule, moduleNames } from '../modules/registry.js';
import type { ModuleDef } from '../modules/types.js';
import {
  importTasksArgsSchema,
  includeRoleArgsSchema,
  includeTasksArgsSchema,
  importRoleArgsSchema,
  taskKeywordsSchema,
} from '../schema/playbook.js';
import { validate } from '../schema/validate.js';
import { finishArgs, stringArgs } from './args.js';
import { loadYaml, newContext, type FileCtx, type LoadContext, type LoadOptions } from './context.js';
import {
  BLOCK_KEYWORD_SET,
  SPECIAL,
  TASK_KEYWORDS,
  isTemplate,
  normalizeKeywords,
  specialName,
  toList,
  withHint,
  type Special,
} from './keywords.js';
import { parseKv } from './kv.js';
import type { BlockNode, IncludeNode, Node, RoleContext, TaskKeywords, TaskNode } from './model.js';
import { applyKeywords, expandRole } from './role.js';
import { checkStaticFiles } from './staticfiles.js';
import { findLibraryModule, libraryModule, moduleUtilsDirs } from './library.js';
import { checkTaskTemplates } from './templates.js';
import { warmTemplate } from '../template/check.js';
import { posAt, type YamlPath } from '../yaml/read.js';

type Raw = Record<string, unknown>;

const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

export function parseTaskList(fc: FileCtx, path: YamlPath, value: unknown, lc: LoadContext): Node[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) {
    throw new KbsError('SCHEMA', 'a list of tasks was expected here', {
      pos: posAt(fc.yf, path),
      hint: 'write each task as a list item: "- name: ..." followed by its module',
    });
  }
  return value.map((t, i) => parseTask(fc, [...path, i], t, lc));
}

/** A handlers list: plain tasks only, with unique names. */
export function parseHandlerList(fc: FileCtx, path: YamlPath, value: unknown, lc: LoadContext): TaskNode[] {
  const hc = { ...fc, handler: true };
  const nodes = flattenHandlers(parseTaskList(hc, path, value, lc));
  const seen = new Set<string>();
  nodes.forEach((h, i) => {
    if (h.kw.name === undefined && !h.listen) {
      throw new KbsError('SCHEMA', 'a handler needs a name (or listen:)', {
        pos: h.pos,
        hint: 'tasks notify handlers by name: add "name: restart foo"',
      });
    }
    if (h.kw.name === undefined) return;
    if (seen.has(h.kw.name)) {
      throw new KbsError('SCHEMA', `handler "${h.kw.name}" is defined twice`, {
        pos: posAt(fc.yf, [...path, i, 'name']),
        hint: 'handler names must be unique; to run several handlers on one notification give them the same listen: topic',
      });
    }
    seen.add(h.kw.name);
  });
  return nodes;
}

/**
 * Handlers imported with import_tasks become handlers themselves (as in Ansible); the import's
 * keywords (when, tags, vars...) pass down to each of them.
 */
function flattenHandlers(nodes: Node[]): TaskNode[] {
  return nodes.flatMap((n): TaskNode[] => {
    if (n.kind === 'task') return [n];
    if (n.kind !== 'block') return [];
    const outer = n.kw;
    return flattenHandlers(n.block).map((h) => {
      const kw: TaskKeywords = { ...outer, ...h.kw, name: h.kw.name };
      if (h.kw.name === undefined) delete kw.name;
      const whens = [outer.when, h.kw.when].filter((w) => w !== undefined);
      if (whens.length) kw.when = whens.flatMap((w) => (Array.isArray(w) ? w : [w]));
      if (outer.tags || h.kw.tags) kw.tags = [...(outer.tags ?? []), ...(h.kw.tags ?? [])];
      if (outer.vars || h.kw.vars) kw.vars = { ...(outer.vars ?? {}), ...(h.kw.vars ?? {}) };
      return { ...h, kw };
    });
  });
}

export function parseTask(fc: FileCtx, path: YamlPath, raw: unknown, lc: LoadContext): Node {
  const yf = fc.yf;
  if (!isMap(raw)) {
    throw new KbsError('SCHEMA', 'a task must be a mapping', {
      pos: posAt(yf, path),
      hint: 'write "- name: ..." and the module with its arguments (module: args) under it',
    });
  }
  if ('block' in raw || 'rescue' in raw || 'always' in raw) return parseBlock(fc, path, raw, lc);

  const keyPos = (k: string) => posAt(yf, [...path, k], 'key');
  const kwRaw: Raw = {};
  const actions: string[] = [];
  for (const k of Object.keys(raw)) {
    if (TASK_KEYWORDS.has(k)) {
      if (k === 'listen' && !fc.handler) {
        throw new KbsError('SCHEMA', '"listen" is only allowed on handlers', { pos: keyPos(k), hint: 'move this task under handlers:' });
      }
      kwRaw[k] = raw[k];
      if (k === 'action' || k === 'local_action') actions.push(k);
    } else if (specialName(k) || getModule(k) || isLegacyInclude(k) || findLibraryModule(k, fc, lc)) actions.push(k);
    else throw unknownKey(k, keyPos(k));
  }
  if (actions.length > 1) {
    throw new KbsError('SCHEMA', `a task has one module, this one has "${actions[0]}" and "${actions[1]}"`, {
      pos: keyPos(actions[1]),
      hint: 'split them into two tasks (or check the indentation of the arguments)',
    });
  }
  if (actions.length === 0) {
    throw new KbsError('SCHEMA', `task${raw.name !== undefined ? ` "${String(raw.name)}"` : ''} has no module`, {
      pos: posAt(yf, path),
      hint: 'add the module to run (e.g. command:, copy:, apt:) or check the indentation',
    });
  }
  validate(taskKeywordsSchema, kwRaw, yf, path, 'task', { noun: 'keyword' });
  checkTaskTemplates(yf, path, raw, findLibraryModule(actions[0], fc, lc)?.name ?? getModule(actions[0])?.name, actions[0]);
  const kw = normalizeKeywords(kwRaw, keyPos);
  for (const n of kw.notify ?? []) if (!isTemplate(n)) lc.notifies.push({ name: n, pos: posAt(yf, [...path, 'notify']) });

  const action = actions[0];
  if (isLegacyInclude(action)) return legacyInclude(fc, path, raw, action, kw, lc);
  const special = specialName(action);
  if (special) {
    if (fc.handler && special === 'import_tasks') return parseSpecial(fc, path, raw, action, special, kw, lc);
    if (fc.handler) {
      throw new KbsError('SCHEMA', `${special} is not supported in handlers`, {
        pos: keyPos(action),
        hint: 'write the handler tasks directly under handlers:',
      });
    }
    return parseSpecial(fc, path, raw, action, special, kw, lc);
  }
  return parseModuleTask(fc, path, raw, action, kw, lc);
}

/** Ansible's legacy `include:` of a task file (deprecated in 2.14, still run) */
function isLegacyInclude(k: string): boolean {
  return k === 'include' || k === 'ansible.builtin.include' || k === 'ansible.legacy.include';
}

/**
 * `include: file.yml k=v`: as Ansible 2.14, static (an import_tasks) when the file name is not a
 * template and the task has no loop, dynamic (an include_tasks) otherwise; the k=v words are vars
 * of the included tasks.
 */
function legacyInclude(fc: FileCtx, path: YamlPath, raw: Raw, key: string, kw: TaskKeywords, lc: LoadContext): Node {
  const v = raw[key];
  const at = posAt(fc.yf, [...path, key]);
  let file: string;
  let params: Raw = {};
  if (typeof v === 'string') {
    const kv = parseKv(v, { freeForm: false, pos: at });
    const { _raw_params, ...rest } = kv;
    file = String(_raw_params ?? '').trim();
    params = rest;
  } else if (isMap(v) && typeof v.file === 'string') {
    const { file: f, ...rest } = v;
    file = f as string;
    params = rest;
  } else throw new KbsError('SCHEMA', 'include needs a file name', { pos: at, hint: 'write "include: tasks.yml" (or use include_tasks:)' });
  if (!file) throw new KbsError('SCHEMA', 'include needs a file name', { pos: at, hint: 'write "include: tasks.yml" (or use include_tasks:)' });
  const vars = { ...(isMap(raw.vars) ? raw.vars : {}), ...params };
  const withVars: TaskKeywords = Object.keys(vars).length ? { ...kw, vars } : kw;
  const dynamic = isTemplate(file) || kw.loop !== undefined || kw.with_items !== undefined;
  const rest: Raw = {};
  for (const k of Object.keys(raw)) if (k !== key && k !== 'vars') rest[k] = raw[k];
  const special: Special = dynamic ? 'include_tasks' : 'import_tasks';
  if (dynamic && fc.handler) {
    throw new KbsError('SCHEMA', 'a dynamic include is not supported in handlers', { pos: at, hint: 'name the file literally (a static include) or write the handler tasks directly' });
  }
  return parseSpecial(fc, path, { ...rest, [special]: file }, special, special, withVars, lc);
}

function unknownKey(k: string, pos: Position): KbsError {
  if (k.startsWith('with_')) {
    return new KbsError('SCHEMA', `"${k}" is not supported`, { pos, hint: withHint(k) });
  }
  if (k.replace(/^ansible\.(builtin|legacy)\./, '') === 'import_playbook') {
    return new KbsError('SCHEMA', 'import_playbook can only be used at the top level of a playbook', {
      pos,
      hint: 'move it out of the task list: "- import_playbook: file.yml" next to the plays',
    });
  }
  const guess = didYouMean(k, [...moduleNames(), ...TASK_KEYWORDS, ...SPECIAL, 'block']);
  return new KbsError('SCHEMA', `unknown module or keyword "${k}"`, {
    pos,
    hint: guess ? `did you mean ${guess}?` : 'check the spelling, or the indentation if this is a module argument (a custom module goes in library/ beside the playbook or in its role)',
  });
}

function parseModuleTask(fc: FileCtx, path: YamlPath, raw: Raw, action: string, kw: TaskKeywords, lc: LoadContext): TaskNode {
  const yf = fc.yf;
  const modPath = [...path, action];
  let mod: ModuleDef | undefined;
  let value: unknown;
  let written = action;
  if (action === 'action' || action === 'local_action') {
    ({ mod, value, name: written } = splitAction(raw[action], posAt(yf, modPath), fc, lc));
    if (action === 'local_action') {
      if (kw.delegate_to !== undefined) {
        throw new KbsError('SCHEMA', 'local_action and delegate_to cannot be used together', {
          pos: posAt(yf, [...path, 'delegate_to'], 'key'),
          hint: 'local_action already runs on localhost; use the module name with delegate_to instead',
        });
      }
      kw.delegate_to = 'localhost';
    }
  } else {
    mod = libraryModule(action, fc, lc, posAt(yf, modPath, 'key')) ?? (getModule(action) as ModuleDef);
    value = raw[action];
  }
  let inline = moduleArgs(mod, value, fc, modPath);
  let extra: Raw | undefined;
  if (isExpression(raw.args)) inline = { _variable_params: raw.args.trim(), ...inline };
  else if (raw.args !== undefined) {
    if (!isMap(raw.args)) {
      throw new KbsError('SCHEMA', '"args" must be a mapping of module arguments', {
        pos: posAt(yf, [...path, 'args']),
        hint: 'write the arguments as key: value lines under args:, or directly under the module',
      });
    }
    extra = raw.args;
  }
  // arguments computed at run time are checked when the task runs
  const args = '_variable_params' in inline ? { ...(extra ?? {}), ...inline } : finishArgs(mod, inline, { yf, path: modPath }, extra, extra ? { yf, path: [...path, 'args'] } : undefined);
  const node: TaskNode = { kind: 'task', pos: posAt(yf, path), kw, module: mod.name, args };
  if (written !== mod.name) node.action = written;
  if (mod.source) node.library = { file: mod.source, utilsDirs: moduleUtilsDirs(fc, lc) };
  if (fc.role) node.role = fc.role;
  const argPath = (k: string): YamlPath => (isMap(value) && k in value ? [...modPath, k] : isMap(raw.args) && k in raw.args ? [...path, 'args', k] : modPath);
  checkStaticFiles(node, fc, lc, argPath);
  if (mod.freeForm && typeof args._raw_params === 'string' && isTemplate(args._raw_params)) warmTemplate(args._raw_params);
  if (fc.handler && raw.listen !== undefined) node.listen = toList(raw.listen);
  return node;
}

/** `action: copy src=a dest=b` or `action: {module: copy, src: a}` */
function splitAction(v: unknown, pos: Position, fc: FileCtx, lc: LoadContext): { mod: ModuleDef; value: unknown; name: string } {
  let name: string;
  let value: unknown;
  if (typeof v === 'string') {
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(v);
    name = m?.[1] ?? '';
    value = m?.[2] || undefined;
  } else if (isMap(v) && typeof v.module === 'string') {
    const { module, ...rest } = v;
    name = module;
    value = rest;
  } else {
    throw new KbsError('SCHEMA', 'action needs a module name', { pos, hint: 'write "action: copy src=a dest=b" or a mapping with module:' });
  }
  const mod = libraryModule(name, fc, lc, pos) ?? getModule(name);
  if (!mod) {
    const guess = didYouMean(name, moduleNames());
    throw new KbsError('SCHEMA', `unknown module "${name}"`, { pos, hint: guess ? `did you mean ${guess}?` : undefined });
  }
  return { mod, value, name };
}

/** one whole `{{ expr }}`: arguments computed at run time (Ansible's _variable_params) */
function isExpression(v: unknown): v is string {
  return typeof v === 'string' && /^\s*\{\{[\s\S]*\}\}\s*$/.test(v) && v.indexOf('{{', v.indexOf('{{') + 2) < 0;
}

function moduleArgs(mod: ModuleDef, value: unknown, fc: FileCtx, modPath: YamlPath): Raw {
  if (value === null || value === undefined) return {};
  if (isMap(value)) return { ...value };
  if (!mod.freeForm && isExpression(value)) return { _variable_params: value.trim() };
  const pos = posAt(fc.yf, modPath);
  if (typeof value === 'string') return stringArgs(mod, value, pos);
  if ((typeof value === 'number' || typeof value === 'boolean') && mod.freeForm) return { _raw_params: String(value) };
  throw new KbsError('SCHEMA', `arguments of module "${mod.name}" must be a mapping${mod.freeForm ? ' or a string' : ''}`, {
    pos,
    hint: 'write key: value lines under the module name',
  });
}

// ---------------------------------------------------------------- blocks

function parseBlock(fc: FileCtx, path: YamlPath, raw: Raw, lc: LoadContext): BlockNode {
  const yf = fc.yf;
  const keyPos = (k: string) => posAt(yf, [...path, k], 'key');
  const kwRaw: Raw = {};
  for (const k of Object.keys(raw)) {
    if (k === 'block' || k === 'rescue' || k === 'always') continue;
    if (BLOCK_KEYWORD_SET.has(k)) kwRaw[k] = raw[k];
    else if (TASK_KEYWORDS.has(k)) throw notOnBlock(k, keyPos(k));
    else if (getModule(k) || specialName(k)) {
      throw new KbsError('SCHEMA', `a block cannot also run a module ("${k}")`, {
        pos: keyPos(k),
        hint: `move ${k}: into a task inside the block's list`,
      });
    } else {
      const guess = didYouMean(k, [...BLOCK_KEYWORD_SET, 'block', 'rescue', 'always']);
      throw new KbsError('SCHEMA', `unknown keyword "${k}" on a block`, {
        pos: keyPos(k),
        hint: guess ? `did you mean ${guess}?` : `keywords allowed on a block: ${[...BLOCK_KEYWORD_SET].join(', ')}`,
      });
    }
  }
  if (fc.handler) {
    throw new KbsError('SCHEMA', 'blocks are not supported in handlers', { pos: posAt(yf, path), hint: 'write the handler tasks directly' });
  }
  if (!('block' in raw)) {
    throw new KbsError('SCHEMA', `"${'rescue' in raw ? 'rescue' : 'always'}" needs a block: in the same task`, {
      pos: keyPos('rescue' in raw ? 'rescue' : 'always'),
      hint: 'put the tasks to protect under block:',
    });
  }
  validate(taskKeywordsSchema, kwRaw, yf, path, 'block', { noun: 'keyword' });
  checkTaskTemplates(yf, path, kwRaw);
  const kw = normalizeKeywords(kwRaw, keyPos);
  for (const n of kw.notify ?? []) if (!isTemplate(n)) lc.notifies.push({ name: n, pos: posAt(yf, [...path, 'notify']) });
  const node: BlockNode = {
    kind: 'block',
    pos: posAt(yf, path),
    kw,
    block: parseTaskList(fc, [...path, 'block'], raw.block, lc),
    rescue: parseTaskList(fc, [...path, 'rescue'], raw.rescue, lc),
    always: parseTaskList(fc, [...path, 'always'], raw.always, lc),
  };
  if (fc.role) node.role = fc.role;
  return node;
}

function notOnBlock(k: string, pos: Position): KbsError {
  return new KbsError('SCHEMA', `"${k}" is not allowed on a block`, {
    pos,
    hint: k === 'loop' || k === 'loop_control' || k.startsWith('with_')
      ? 'to repeat several tasks, put them in a file and use include_tasks: with loop:'
      : k === 'notify'
        ? 'put notify: on the tasks inside the block'
        : `keywords allowed on a block: ${[...BLOCK_KEYWORD_SET].join(', ')}`,
  });
}

// ---------------------------------------------------------------- include / import

function parseSpecial(fc: FileCtx, path: YamlPath, raw: Raw, key: string, special: Special, kw: TaskKeywords, lc: LoadContext): Node {
  const yf = fc.yf;
  const argPath = [...path, key];
  const pos = posAt(yf, path);
  const mainKey = special.endsWith('_tasks') ? 'file' : 'name';
  let args: Raw;
  const v = raw[key];
  if (isMap(v)) args = { ...v };
  else if (typeof v === 'string') {
    const kv = parseKv(v, { freeForm: false, pos: posAt(yf, argPath) });
    args = kv._raw_params !== undefined ? { [mainKey]: v.trim() } : kv;
  } else if (v === null || v === undefined) args = {};
  else {
    throw new KbsError('SCHEMA', `${special} needs a ${mainKey === 'file' ? 'file name' : 'role name'}`, { pos: posAt(yf, argPath) });
  }
  if (isMap(raw.args)) args = { ...raw.args, ...args };
  for (const k of ['action', 'local_action']) {
    if (raw[k] !== undefined) throw new KbsError('SCHEMA', `${k} cannot be used with ${special}`, { pos: posAt(yf, [...path, k], 'key') });
  }

  if (special.startsWith('import_')) {
    for (const k of Object.keys(raw)) {
      if (k === key || k === 'args' || BLOCK_KEYWORD_SET.has(k)) continue;
      throw new KbsError('SCHEMA', `"${k}" cannot be used with ${special}`, {
        pos: posAt(yf, [...path, k], 'key'),
        hint: k === 'loop' || k === 'loop_control' || k.startsWith('with_')
          ? `${special} is expanded before the run; use ${special.replace('import_', 'include_')} to loop`
          : `keywords allowed on ${special}: ${[...BLOCK_KEYWORD_SET].join(', ')}`,
      });
    }
  }

  switch (special) {
    case 'include_tasks': {
      validate(includeTasksArgsSchema, args, yf, argPath, 'include_tasks', { noun: 'argument' });
      if (typeof args.file === 'string' && !isTemplate(args.file)) findTaskFile(args.file, fc.dir, fc.role, posAt(yf, isMap(v) ? [...argPath, 'file'] : argPath));
      const node: IncludeNode = { kind: 'include_tasks', pos, kw, args, baseDir: fc.dir };
      if (fc.role) node.role = fc.role;
      return node;
    }
    case 'include_role': {
      validate(includeRoleArgsSchema, args, yf, argPath, 'include_role', { noun: 'argument' });
      const node: IncludeNode = { kind: 'include_role', pos, kw, args };
      if (fc.role) node.role = fc.role;
      return node;
    }
    case 'import_tasks': {
      validate(importTasksArgsSchema, args, yf, argPath, 'import_tasks', { noun: 'argument' });
      const file = String(args.file);
      const at = posAt(yf, isMap(v) ? [...argPath, 'file'] : argPath);
      if (isTemplate(file)) {
        throw new KbsError('SCHEMA', 'import_tasks cannot take a templated file name', {
          pos: at,
          hint: 'import_tasks is expanded before the run; use include_tasks for a file name computed at run time',
        });
      }
      const abs = findTaskFile(file, fc.dir, fc.role, at);
      const node: BlockNode = { kind: 'block', pos, kw, block: loadTasksFrom(abs, fc.role, lc, at, fc.handler), rescue: [], always: [] };
      if (fc.role) node.role = fc.role;
      return node;
    }
    case 'import_role': {
      validate(importRoleArgsSchema, args, yf, argPath, 'import_role', { noun: 'argument' });
      if ('public' in args) {
        throw new KbsError('SCHEMA', 'public cannot be used with import_role', {
          pos: posAt(yf, isMap(v) ? [...argPath, 'public'] : argPath, 'key'),
          hint: "an imported role's defaults and vars are seen by the whole play already; public: is for include_role",
        });
      }
      const at = posAt(yf, isMap(v) ? [...argPath, 'name'] : argPath);
      for (const [k, val] of Object.entries(args)) {
        if (isTemplate(val)) {
          throw new KbsError('SCHEMA', `import_role cannot take a templated ${k}`, {
            pos: at,
            hint: 'import_role is expanded before the run; use include_role for values computed at run time',
          });
        }
      }
      const { block, role } = expandRole(
        {
          name: String(args.name),
          params: {},
          pos: at,
          tasksFrom: args.tasks_from as string | undefined,
          varsFrom: args.vars_from as string | undefined,
          defaultsFrom: args.defaults_from as string | undefined,
          handlersFrom: args.handlers_from as string | undefined,
          parent: fc.role,
          noSpecValidation: [false, 0, 'no', 'false', 'False', 'off'].includes(args.rolespec_validate as never),
        },
        kw,
        lc,
        'import',
      );
      lc.importedRoles.push(role);
      block!.pos = pos;
      return block!;
    }
  }
}

/**
 * Absolute path of a task file named in import_tasks / include_tasks: relative to the including
 * file's folder, then (in a role) to the role's tasks/ folder. Throws NOT_FOUND listing both.
 */
export function findTaskFile(file: string, dir: string, role: RoleContext | undefined, pos: Position): string {
  const tries = isAbsolute(file) ? [file] : [resolve(dir, file)];
  if (!isAbsolute(file) && role) tries.push(join(role.path, 'tasks', file));
  const unique = [...new Set(tries)];
  for (const t of unique) if (existsSync(t) && statSync(t).isFile()) return t;
  throw new KbsError('NOT_FOUND', `task file "${file}" not found`, { pos, hint: `looked for ${unique.join(' and ')}` });
}

/** parse a task file (cycle-checked) as part of the current load */
export function loadTasksFrom(abs: string, role: RoleContext | undefined, lc: LoadContext, pos: Position, handler?: boolean): Node[] {
  if (lc.stack.includes(abs)) {
    throw new KbsError('SCHEMA', `task file ${abs} imports itself`, {
      pos,
      hint: `import chain: ${[...lc.stack.filter((s) => !s.startsWith('role:')), abs].join(' -> ')}`,
    });
  }
  const yf = loadYaml(abs);
  lc.stack.push(abs);
  try {
    return parseTaskList({ yf, dir: dirname(abs), role, ...(handler ? { handler } : {}) }, [], yf.value, lc);
  } finally {
    lc.stack.pop();
  }
}

export interface LoadTaskFileOptions extends LoadOptions {
  /** folder the file name is relative to (IncludeNode.baseDir) */
  baseDir?: string;
  /** the playbook's folder, for roles imported by the file */
  playbookDir?: string;
  /** position of the include, for "not found" errors */
  pos?: Position;
  /** handlers of roles imported by the file are added here */
  handlers?: TaskNode[];
  /** the include's rendered `apply:` keywords: the nodes are then wrapped in one block carrying them */
  apply?: unknown;
}

/**
 * Load a task file at run time (the engine's include_tasks). `file` may be relative: it is looked
 * up in opts.baseDir, then in the role's tasks/ folder.
 */
export function loadTaskFile(file: string, role?: RoleContext, opts: LoadTaskFileOptions = {}): Node[] {
  const baseDir = opts.baseDir ?? process.cwd();
  const pos = opts.pos ?? { file };
  const abs = findTaskFile(file, baseDir, role, pos);
  const lc = newContext(opts.playbookDir ?? baseDir, opts, opts.handlers ?? []);
  const nodes = loadTasksFrom(abs, role, lc, pos);
  if (opts.apply === undefined || opts.apply === null) return nodes;
  const block: BlockNode = { kind: 'block', pos, kw: applyKeywords(opts.apply, pos), block: nodes, rescue: [], always: [] };
  if (role) block.role = role;
  return [block];
}
