/**
 * Every template string of a playbook, compiled when it is loaded (src/template/check.ts): Jinja2
 * syntax errors and unknown filters or tests are exit 4 at the value's file:line:col before any
 * host is contacted, where Ansible finds them only when the task runs. Conditions (`when`,
 * `changed_when`, `failed_when`, `until`, assert's `that`) are checked as bare expressions.
 * Values tagged `!unsafe` are never templated, so they are not checked.
 */
import { KbsError } from '../errors.js';
import { checkTemplate } from '../template/check.js';
import { isTemplate } from './keywords.js';
import { parseKv } from './kv.js';
import { posAt, type YamlSource, type YamlPath } from '../yaml/read.js';
import { tagIn } from '../yaml/outline.js';

/** task keywords whose values are bare Jinja2 expressions */
const CONDITIONS = new Set(['when', 'changed_when', 'failed_when', 'until']);

const BOOL_WORDS = new Set(['true', 'false', 'yes', 'no', 'on', 'off']);

/** Check every string inside `value` (found at `path` of `yf`) as a template. */
export function checkValueTemplates(yf: YamlSource, path: YamlPath, value: unknown): void {
  walk(path, value, (text, p) => {
    if (isTemplate(text)) check(yf, p, text, false);
  });
}

/** A condition: a string, a list of strings, a boolean. */
export function checkConditionTemplates(yf: YamlSource, path: YamlPath, value: unknown): void {
  const one = (v: unknown, p: YamlPath) => {
    if (typeof v !== 'string') return;
    const text = v.trim();
    if (text === '' || BOOL_WORDS.has(text.toLowerCase())) return;
    check(yf, p, text, !isTemplate(text));
  };
  if (Array.isArray(value)) value.forEach((v, i) => one(v, [...path, i]));
  else one(value, path);
}

/**
 * The keywords and the module value of a task (raw as written). `module` is the module's short
 * name (assert's `that` holds conditions); `action` the key its arguments are under.
 */
export function checkTaskTemplates(yf: YamlSource, path: YamlPath, raw: Record<string, unknown>, module?: string, action?: string): void {
  for (const [k, v] of Object.entries(raw)) {
    const p = [...path, k];
    if (CONDITIONS.has(k)) checkConditionTemplates(yf, p, v);
    else if (k === action && module === 'assert' && v && typeof v === 'object' && !Array.isArray(v)) {
      for (const [ak, av] of Object.entries(v)) {
        if (ak === 'that') checkConditionTemplates(yf, [...p, ak], av);
        else checkValueTemplates(yf, [...p, ak], av);
      }
    } else if (k === action && module === 'debug' && v && typeof v === 'object' && !Array.isArray(v)) {
      // debug's var: is an expression that may name a variable holding anything; only msg is a template
      for (const [ak, av] of Object.entries(v)) if (ak !== 'var') checkValueTemplates(yf, [...p, ak], av);
    } else if (k === action && typeof v === 'string' && isTemplate(v)) {
      // `k=v` text: each option is checked as the module gets it (quotes off, escapes decoded)
      for (const text of kvValues(v)) if (isTemplate(text)) check(yf, p, text, false);
    } else checkValueTemplates(yf, p, v);
  }
}

/** the values of `k=v` text as the task gets them, or the text itself when it does not split */
function kvValues(text: string): string[] {
  try {
    return Object.values(parseKv(text, { freeForm: false })).map(String);
  } catch {
    return [text];
  }
}

function check(yf: YamlSource, path: YamlPath, text: string, expression: boolean): void {
  try {
    checkTemplate(text, expression);
  } catch (e) {
    if (!(e instanceof KbsError)) throw e;
    if (isUnsafe(yf, path)) return;
    throw new KbsError(e.code, e.message, { pos: posAt(yf, path), hint: e.hint });
  }
}

function isUnsafe(yf: YamlSource, path: YamlPath): boolean {
  if (yf.doc === undefined) return tagIn(yf.outline, path) === '!unsafe';
  const node = yf.doc.getIn(path, true) as { tag?: string } | undefined;
  return node?.tag === '!unsafe';
}

/** every string in a value, with its path (an explicit stack: no recursion on deep values) */
function walk(path: YamlPath, value: unknown, fn: (text: string, path: YamlPath) => void): void {
  const stack: [unknown, YamlPath][] = [[value, path]];
  while (stack.length) {
    const [v, p] = stack.pop()!;
    if (typeof v === 'string') fn(v, p);
    else if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...p, i]]));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (isTemplate(k)) fn(k, p);
        stack.push([x, [...p, k]]);
      }
    }
  }
}
