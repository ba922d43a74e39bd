/**
 * Playbooks: a list of plays and `import_playbook:` entries (expanded recursively, relative to
 * the importing file). Each play is validated against its schema and loaded into the model.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KbsError, didYouMean, type Position } from '../errors.js';
import { getModule } from '../modules/registry.js';
import { importPlaybookSchema, playSchema } from '../schema/playbook.js';
import { validate } from '../schema/validate.js';
import { loadYaml, newContext, type FileCtx, type LoadContext, type LoadOptions } from './context.js';
import { isTemplate, specialName, toList, toTags } from './keywords.js';
import type { BlockNode, Node, Play, Playbook, TaskKeywords, TaskNode, VarsPrompt } from './model.js';
import { parseRoleEntry } from './role.js';
import { handlerNames } from './handlers.js';
import { parseHandlerList, parseTaskList } from './tasks.js';
import { checkValueTemplates } from './templates.js';
import { posAt, type YamlSource } from '../yaml/read.js';

export type { LoadOptions } from './context.js';
export { loadTaskFile, type LoadTaskFileOptions } from './tasks.js';
export { resolveRole, findRole, type ResolveRoleOptions } from './role.js';

type Raw = Record<string, unknown>;

export function loadPlaybook(file: string, opts: LoadOptions = {}): Playbook {
  const abs = resolve(file);
  return { file: abs, plays: loadPlays(abs, { ...opts, topDir: opts.topDir ?? dirname(abs) }, [], { file: abs }) };
}

function loadPlays(abs: string, opts: LoadOptions, chain: string[], from: Position): Play[] {
  if (chain.includes(abs)) {
    throw new KbsError('SCHEMA', `playbook ${abs} imports itself`, { pos: from, hint: `import chain: ${[...chain, abs].join(' -> ')}` });
  }
  const yf = loadYaml(abs);
  const value = yf.value;
  if (value === null || value === undefined) {
    throw new KbsError('SCHEMA', 'the playbook is empty', { pos: { file: abs }, hint: 'a playbook is a list of plays: "- hosts: all" with tasks:' });
  }
  if (!Array.isArray(value)) {
    throw new KbsError('SCHEMA', 'a playbook must be a list of plays', {
      pos: posAt(yf, []),
      hint: 'start each play with "- hosts: ..." (a list item)',
    });
  }
  const baseDir = dirname(abs);
  const plays: Play[] = [];
  value.forEach((entry, i) => {
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new KbsError('SCHEMA', 'a play must be a mapping', { pos: posAt(yf, [i]), hint: 'write "- hosts: ..." with the play keys under it' });
    }
    const raw = entry as Raw;
    const importKey = Object.keys(raw).find((k) => k.replace(/^ansible\.(builtin|legacy)\./, '') === 'import_playbook');
    if (importKey) plays.push(...importPlaybook(yf, i, raw, importKey, opts, [...chain, abs]));
    else plays.push(parsePlay(yf, i, raw, opts, baseDir));
  });
  return plays;
}

function importPlaybook(yf: YamlSource, i: number, raw: Raw, key: string, opts: LoadOptions, chain: string[]): Play[] {
  const { [key]: target, ...rest } = raw;
  const entry: Raw = { import_playbook: target, ...rest };
  validate(importPlaybookSchema, entry, yf, [i], 'import_playbook');
  const at = posAt(yf, [i, key]);
  const name = String(target);
  if (isTemplate(name)) {
    throw new KbsError('SCHEMA', 'import_playbook cannot take a templated file name', { pos: at, hint: 'write the file name literally' });
  }
  const abs = resolve(dirname(yf.file), name);
  if (!existsSync(abs) || !statSync(abs).isFile()) {
    throw new KbsError('NOT_FOUND', `playbook "${name}" not found`, { pos: at, hint: `looked for ${abs}` });
  }
  const plays = loadPlays(abs, opts, chain, at);
  const vars = (entry.vars ?? {}) as Raw;
  const tags = toTags(entry.tags);
  for (const p of plays) {
    p.vars = { ...p.vars, ...vars };
    p.tags = [...tags, ...p.tags];
    if (entry.when !== undefined) addImportWhen(p, entry.when);
  }
  return plays;
}

/** as Ansible: import_playbook's `when` is put before the conditions of every task of the play, and on its fact gathering */
function addImportWhen(p: Play, when: unknown): void {
  p.importWhen = [when, ...(p.importWhen ?? [])];
  const wrap = (nodes: Node[]): Node[] => (nodes.length ? [{ kind: 'block', pos: nodes[0].pos, kw: { when }, block: nodes, rescue: [], always: [] }] : nodes);
  p.preTasks = wrap(p.preTasks);
  p.roles = wrap(p.roles);
  p.tasks = wrap(p.tasks);
  p.postTasks = wrap(p.postTasks);
}

/** `vars:` as a mapping or (as Ansible also takes) a list of mappings merged in order */
function playVars(v: unknown): Raw {
  if (Array.isArray(v)) return Object.assign({}, ...(v as Raw[]));
  return (v ?? {}) as Raw;
}

function parsePlay(yf: YamlSource, i: number, raw: Raw, opts: LoadOptions, baseDir: string): Play {
  if (!('hosts' in raw)) {
    const taskKey = Object.keys(raw).find((k) => getModule(k) || specialName(k) || k === 'block');
    if (taskKey) {
      throw new KbsError('SCHEMA', `this looks like a task ("${taskKey}"), not a play`, {
        pos: posAt(yf, [i]),
        hint: 'a playbook is a list of plays: put tasks under "tasks:" of a play with "hosts:"',
      });
    }
  }
  if (Array.isArray(raw.vars)) {
    const j = raw.vars.findIndex((v) => typeof v !== 'object' || v === null || Array.isArray(v));
    if (j >= 0) {
      throw new KbsError('SCHEMA', '"vars" in play must be a mapping (key: value lines) or a list of mappings', {
        pos: posAt(yf, [i, 'vars', j]),
        hint: 'write name: value pairs under vars:',
      });
    }
  }
  validate(playSchema, raw, yf, [i], 'play');
  if (raw.strategy !== undefined && raw.strategy !== 'linear' && !isTemplate(raw.strategy)) {
    throw new KbsError('SCHEMA', `strategy "${String(raw.strategy)}" is not supported`, {
      pos: posAt(yf, [i, 'strategy']),
      hint: 'kbs runs each task on all hosts of a batch before the next task (linear); remove strategy:',
    });
  }
  if (raw.become_method !== undefined && raw.become_method !== 'sudo') {
    throw new KbsError('SCHEMA', `become_method "${String(raw.become_method)}" is not supported`, {
      pos: posAt(yf, [i, 'become_method']),
      hint: 'kbs becomes another user with sudo only; remove become_method or set it to sudo',
    });
  }
  for (const k of ['hosts', 'vars', 'vars_files', 'environment', 'remote_user', 'become_user', 'become_flags', 'become_exe', 'port', 'become', 'name', 'strategy', 'serial', 'any_errors_fatal', 'run_once', 'throttle', 'timeout', 'module_defaults']) {
    if (raw[k] !== undefined) checkValueTemplates(yf, [i, k], raw[k]);
  }
  const hosts = Array.isArray(raw.hosts) ? raw.hosts.map(String).join(',') : String(raw.hosts);
  const lc = newContext(baseDir, opts);
  const fc: FileCtx = { yf, dir: baseDir };
  const list = (k: string): Node[] => parseTaskList(fc, [i, k], raw[k], lc);

  const preTasks = list('pre_tasks');
  const roles: Node[] = [];
  ((raw.roles ?? []) as unknown[]).forEach((r, j) => {
    const b = parseRoleEntry(r, yf, [i, 'roles', j], lc).block;
    if (b) roles.push(b);
  });
  const tasks = list('tasks');
  const postTasks = list('post_tasks');
  const own = parseHandlerList(fc, [i, 'handlers'], raw.handlers, lc);
  const handlers = [...lc.handlers, ...own];
  checkNotify(lc, handlers, [preTasks, roles, tasks, postTasks, handlers].flat());

  checkVarsFiles(yf, i, raw.vars_files, baseDir);
  const play: Play = {
    name: raw.name !== undefined ? String(raw.name) : hosts,
    hosts,
    pos: posAt(yf, [i]),
    baseDir,
    vars: playVars(raw.vars),
    varsFiles: toList(raw.vars_files).map((f) => (isTemplate(f) ? f : resolve(baseDir, f))),
    varsFilesPos: toList(raw.vars_files).map((_, j) => posAt(yf, Array.isArray(raw.vars_files) ? [i, 'vars_files', j] : [i, 'vars_files'])),
    gatherFacts: raw.gather_facts !== false,
    anyErrorsFatal: raw.any_errors_fatal === true || raw.any_errors_fatal === 'true',
    tags: toTags(raw.tags),
    preTasks,
    roles,
    playRoles: [...lc.playRoles, ...lc.importedRoles],
    tasks,
    postTasks,
    handlers,
  };
  if (Array.isArray(raw.vars_prompt) && raw.vars_prompt.length) {
    checkValueTemplates(yf, [i, 'vars_prompt'], raw.vars_prompt);
    play.varsPrompt = (raw.vars_prompt as Omit<VarsPrompt, 'pos'>[]).map((p, j) => ({ ...p, pos: posAt(yf, [i, 'vars_prompt', j]) }));
  }
  if (raw.become !== undefined) play.become = raw.become;
  if (raw.become_user !== undefined) play.becomeUser = String(raw.become_user);
  if (raw.serial !== undefined) play.serial = toSerial(raw.serial);
  if (raw.max_fail_percentage !== undefined) play.maxFailPercentage = parseFloat(String(raw.max_fail_percentage));
  if (raw.environment !== undefined) play.environment = raw.environment;
  if (raw.connection !== undefined) play.connection = String(raw.connection);
  if (raw.remote_user !== undefined) play.remoteUser = String(raw.remote_user);
  if (raw.check_mode !== undefined) play.checkMode = raw.check_mode;
  if (raw.diff !== undefined) play.diff = raw.diff;
  if (raw.no_log !== undefined) play.noLog = raw.no_log;
  if (raw.ignore_errors !== undefined) play.ignoreErrors = raw.ignore_errors;
  if (raw.ignore_unreachable !== undefined) play.ignoreUnreachable = raw.ignore_unreachable;
  if (raw.force_handlers !== undefined) play.forceHandlers = raw.force_handlers === true;
  if (raw.gather_subset !== undefined) play.gatherSubset = toList(raw.gather_subset);
  if (isTemplate(raw.strategy)) play.strategy = String(raw.strategy);
  const keywords: TaskKeywords = {};
  for (const k of ['run_once', 'throttle', 'timeout', 'module_defaults', 'ignore_errors', 'no_log', 'check_mode', 'diff', 'port'] as const) if (raw[k] !== undefined) keywords[k] = raw[k];
  for (const k of ['become_flags', 'become_exe'] as const) if (raw[k] !== undefined) keywords[k] = String(raw[k]);
  if (isTemplate(raw.any_errors_fatal)) keywords.any_errors_fatal = raw.any_errors_fatal;
  if (Object.keys(keywords).length) play.keywords = keywords;
  return play;
}

/** Every vars_files entry named literally must exist (templated names are read at run time). */
function checkVarsFiles(yf: YamlSource, i: number, value: unknown, baseDir: string): void {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  list.forEach((f, j) => {
    if (typeof f !== 'string' || isTemplate(f)) return; // a list is Ansible's first-found choice: read at run time
    const abs = resolve(baseDir, f);
    if (existsSync(abs) && statSync(abs).isFile()) return;
    throw new KbsError('NOT_FOUND', `vars file "${f}" not found`, {
      pos: posAt(yf, Array.isArray(value) ? [i, 'vars_files', j] : [i, 'vars_files']),
      hint: `looked for ${abs}`,
    });
  });
}

/** 2 -> [2]; "30%" -> ["30%"]; "3" -> [3]; [1, "50%"] stays */
function toSerial(v: unknown): (number | string)[] {
  return (Array.isArray(v) ? v : [v]).map((x) => (typeof x === 'string' && /^\s*\d+\s*$/.test(x) ? Number(x) : typeof x === 'string' ? x.trim() : (x as number)));
}

/**
 * Every literal notify: must name a handler or a listen topic of the play ("role : handler" too).
 * Skipped when handlers may arrive at run time (include_role) or have templated names.
 */
function checkNotify(lc: LoadContext, handlers: TaskNode[], nodes: Node[]): void {
  const names = new Set<string>();
  for (const h of handlers) {
    if (h.kw.name !== undefined && isTemplate(h.kw.name)) return;
    for (const n of handlerNames(h)) names.add(n);
  }
  if (hasIncludeRole(nodes)) return;
  for (const n of lc.notifies) {
    if (names.has(n.name)) continue;
    const guess = didYouMean(n.name, names);
    throw new KbsError('SCHEMA', `no handler named "${n.name}" in this play`, {
      pos: n.pos,
      hint: guess ? `did you mean "${guess}"?` : names.size ? `handlers of this play: ${[...names].join(', ')}` : 'add it under handlers:',
    });
  }
}

function hasIncludeRole(nodes: Node[]): boolean {
  return nodes.some((n) =>
    n.kind === 'include_role' ? true : n.kind === 'block' ? hasIncludeRole([...(n as BlockNode).block, ...n.rescue, ...n.always]) : false,
  );
}
