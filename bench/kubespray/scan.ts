/**
 * Static count of what a project's playbooks and roles call: every task's module, every filter,
 * test and lookup named in its templates (YAML values, `when`-like keywords, role templates), each
 * checked against kbs's own tables (a module in the project's or a role's library/ counts as
 * known: kbs runs it). Run-time names (a filter chosen by a variable) are not seen.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { getModule } from '../../src/modules/registry.js';
import { TASK_KEYWORDS, specialName } from '../../src/load/keywords.js';
import { parseYaml } from '../../src/yaml/read.js';
import { parse } from '../../src/template/parser.js';
import { FILTERS } from '../../src/template/filters.js';
import { TESTS } from '../../src/template/tests.js';
import { LOOKUPS } from '../../src/template/lookups.js';
import { WITH_LOOKUPS } from '../../src/schema/playbook.js';

export type Kind = 'module' | 'filter' | 'test' | 'lookup';

export interface Use {
  kind: Kind;
  name: string;
  /** file:line of the first use */
  first: string;
  count: number;
  known: boolean;
}

export interface ScanResult {
  uses: Use[];
  /** templates Jinja2 syntax kbs could not parse, "file: message" */
  unparsable: string[];
  files: number;
}

type Raw = Record<string, unknown>;
const isMap = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v);

const COND_KEYS = new Set(['when', 'changed_when', 'failed_when', 'until']);
const TASK_LISTS = ['pre_tasks', 'tasks', 'post_tasks', 'handlers'];
const NAME_PREFIX = /^(ansible\.(builtin|legacy|utils|netcommon|posix)|community\.general)\./;

function isLegacyInclude(k: string): boolean {
  return k.replace(/^ansible\.(builtin|legacy)\./, '') === 'include';
}

export function knownModule(name: string, libraries: string[] = []): boolean {
  if (getModule(name) || specialName(name) || isLegacyInclude(name) || name === 'import_playbook') return true;
  // a custom module of the project's library/ or a role's (kbs runs those as Ansible does)
  const short = name.replace(/^ansible\.legacy\./, '');
  return !short.includes('.') && libraries.some((d) => existsSync(join(d, `${short}.py`)) || existsSync(join(d, short)));
}

export function knownName(kind: Exclude<Kind, 'module'>, name: string): boolean {
  const table: Record<string, unknown> = kind === 'filter' ? FILTERS : kind === 'test' ? TESTS : LOOKUPS;
  const base = kind === 'lookup' ? name.replace(/^ansible\.builtin\./, '') : name.replace(NAME_PREFIX, '');
  if (kind === 'lookup' && (base === 'items' || base === 'list')) return true;
  return Object.prototype.hasOwnProperty.call(table, base);
}

class Counter {
  private map = new Map<string, Use>();
  unparsable: string[] = [];
  constructor(private readonly libraries: string[]) {}
  add(kind: Kind, name: string, where: string): void {
    const key = `${kind}\0${name}`;
    const u = this.map.get(key);
    if (u) u.count++;
    else this.map.set(key, { kind, name, first: where, count: 1, known: kind === 'module' ? knownModule(name, this.libraries) : knownName(kind, name) });
  }
  uses(): Use[] {
    return [...this.map.values()].sort((a, b) => a.kind.localeCompare(b.kind) || b.count - a.count || a.name.localeCompare(b.name));
  }
}

/** names of filters, tests and lookups in one template text (or bare expression) */
function scanTemplate(text: string, expression: boolean, where: string, c: Counter): void {
  if (!expression && !/\{\{|\{%/.test(text)) return;
  let ast: unknown;
  try {
    ast = parse(expression ? `{{ ${text} }}` : text);
  } catch (e) {
    c.unparsable.push(`${where}: ${String((e as Error).message ?? e).split('\n')[0]}`);
    return;
  }
  const stack: unknown[] = [ast];
  while (stack.length) {
    const node = stack.pop() as Raw | unknown[] | null;
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    const tn = node.typename;
    const nameOf = (n: unknown) => (isMap(n) && typeof n.value === 'string' ? n.value : undefined);
    if (tn === 'Filter' || tn === 'FilterAsync') {
      const n = nameOf(node.name);
      if (n) c.add('filter', n, where);
    } else if (tn === 'Is' && isMap(node.right)) {
      const n = node.right.typename === 'FunCall' ? nameOf(node.right.name) : nameOf(node.right);
      if (n) c.add('test', n, where);
    } else if (tn === 'FunCall' && ['lookup', 'query', 'q'].includes(nameOf(node.name) ?? '')) {
      const args = isMap(node.args) && Array.isArray(node.args.children) ? node.args.children : [];
      const first = args[0];
      if (isMap(first) && first.typename === 'Literal' && typeof first.value === 'string') c.add('lookup', first.value, where);
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (v && typeof v === 'object') stack.push(v);
    }
  }
}

/** every string in a value, templates checked; keys of `when`-like keywords as expressions */
function scanValue(v: unknown, where: string, c: Counter, key?: string): void {
  if (typeof v === 'string') scanTemplate(v, key !== undefined && COND_KEYS.has(key) && !/\{\{|\{%/.test(v), where, c);
  else if (Array.isArray(v)) for (const x of v) scanValue(x, where, c, key);
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) scanValue(x, where, c, COND_KEYS.has(k) || k === 'that' ? (k === 'that' ? 'when' : k) : undefined);
}

function scanTask(t: unknown, where: string, c: Counter): void {
  if (!isMap(t)) return;
  for (const k of ['block', 'rescue', 'always']) if (Array.isArray(t[k])) for (const x of t[k] as unknown[]) scanTask(x, where, c);
  if ('block' in t) return;
  for (const k of Object.keys(t)) {
    if (k.startsWith('with_')) c.add('lookup', k.slice(5), where);
    else if (k === 'action' || k === 'local_action') {
      const v = t[k];
      const name = typeof v === 'string' ? v.trim().split(/\s+/)[0] : isMap(v) && typeof v.module === 'string' ? v.module : undefined;
      if (name) c.add('module', name, where);
    } else if (!TASK_KEYWORDS.has(k)) c.add('module', k, where);
  }
}

function walkFiles(dir: string, out: string[]): void {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, out);
    else out.push(p);
  }
}

/** a project's top-level playbooks (given), its playbooks/ folder and its roles/ */
export function scanProject(root: string, playbooks: string[]): ScanResult {
  const roleLibraries: string[] = [];
  const files: string[] = [];
  for (const p of playbooks) files.push(join(root, p));
  if (existsSync(join(root, 'playbooks'))) walkFiles(join(root, 'playbooks'), files);
  if (existsSync(join(root, 'roles'))) walkFiles(join(root, 'roles'), files);
  for (const f of files) {
    const m = /^(.*\/roles\/.+?\/library)\/[^/]+$/.exec(f);
    if (m) roleLibraries.push(m[1]);
  }
  const c = new Counter([join(root, 'library'), ...new Set(roleLibraries)]);
  let count = 0;
  for (const f of [...new Set(files)].sort()) {
    const rel = relative(root, f);
    if (!statSync(f).isFile()) continue;
    const parts = rel.split('/');
    if (parts[0] === 'roles' && parts.includes('files')) continue;
    if (/\.(ya?ml)$/.test(f)) {
      let value: unknown;
      try {
        value = parseYaml(f).value;
      } catch (e) {
        c.unparsable.push(`${rel}: ${String((e as Error).message)}`);
        continue;
      }
      count++;
      const inRole = parts[0] === 'roles';
      const section = inRole ? parts.find((p) => ['tasks', 'handlers', 'defaults', 'vars', 'meta', 'templates', 'files'].includes(p)) : undefined;
      if (section === 'tasks' || section === 'handlers') {
        if (Array.isArray(value)) for (const t of value) scanTask(t, rel, c);
      } else if (!inRole && Array.isArray(value)) {
        for (const play of value) {
          if (!isMap(play)) continue;
          for (const k of TASK_LISTS) if (Array.isArray(play[k])) for (const t of play[k] as unknown[]) scanTask(t, rel, c);
        }
      }
      scanValue(value, rel, c);
    } else if (parts.includes('templates') && /\.j2$/.test(basename(f))) {
      count++;
      scanTemplate(readFileSync(f, 'utf8'), false, rel, c);
    }
  }
  return { uses: c.uses(), unparsable: c.unparsable, files: count };
}

export { WITH_LOOKUPS };
