/**
 * Templates compiled once per process. The load-time check (check.ts) and every templater of the
 * run (index.ts) compile through here, so a template the loader checked is not parsed and
 * generated again when it renders, and the internal playbooks of `kbs apply` (lock, gather, the
 * cluster) share what they compile. Across runs, what a template compiles to (its generated
 * JavaScript and the filter and test names it uses) is kept by persist.ts, keyed by its text: a
 * run starts from it instead of parsing and generating again, and turns the JavaScript into
 * functions only when the template first renders. Errors are not kept: they are thrown as the
 * parser raised them (lineno/colno), for the caller to place.
 */
import { generateCode, instantiate, type CompiledProps } from './codegen.js';
import type { NjNode } from './nunjucks.js';
import { parse, singleExpression } from './parser.js';
import { persisted, persist, type PersistedTemplate } from './persist.js';
import type { TemplateSyntax } from './types.js';
import { hasSecrets, redactText } from '../vault/redact.js';

export interface Compiled {
  /** the template's functions, made on first use */
  readonly props: CompiledProps;
  /** set when the template is a single {{ expr }}: the whitespace around it; text: ends in to_json or the like */
  single?: { lead: string; trail: string; text?: boolean };
  /** the filter and test names the template uses (the load-time check asks the environment for each) */
  names: { filters: string[]; tests: string[] };
  /** the parsed template, when this process parsed it (a check that finds an unknown name places it with this) */
  ast?: NjNode;
}

/** Jinja2 drops one newline at the end of a template (keep_trailing_newline is off) */
const LAST_NEWLINE = /(?:\r\n|\n|\r)$/;
const MAX = 20000;
const cache = new Map<string, Compiled>();

/**
 * `text` as a template, or with `expression` as a bare expression already wrapped in `{{ }}`
 * (a conditional: not under escape_backslashes, as Ansible's `{% if expr %}`). `keep`: the text is
 * a playbook's or role's own (the load-time check), which may be kept across runs; text that holds
 * a secret kbs knows of (a vault value, a private answer) never is, nor is anything rendered at
 * run time (values from the inventory, the hosts, registered results).
 */
export function compileTemplate(text: string, expression: boolean, syntax?: TemplateSyntax, keep = false): Compiled {
  const key = (expression ? 'e' : 't') + (syntax ? JSON.stringify(syntax) : '') + '\0' + text;
  const hit = cache.get(key);
  if (hit) return hit;
  let c: Compiled;
  const kept = persisted(key);
  if (kept) c = fromKept(kept);
  else {
    const ast = parseTemplate(text, expression, syntax);
    const single = singleExpression(ast);
    const entry: PersistedTemplate = { code: generateCode(ast, !!single), names: namesOf(ast), ...(single ? { single } : {}) };
    if (keep && !(hasSecrets() && redactText(text) !== text)) persist(key, entry);
    c = fromKept(entry, ast);
  }
  if (cache.size >= MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, c);
  return c;
}

/** The template parsed again (a check places an unknown filter or test name with it). */
export function parseTemplate(text: string, expression: boolean, syntax?: TemplateSyntax): NjNode {
  return expression ? parse(text, { ...syntax, escapeBackslashes: false }) : parse(text.replace(LAST_NEWLINE, ''), syntax);
}

/** the functions are made on first use (a spread would call the getter: build the object whole) */
function fromKept(k: PersistedTemplate, ast?: NjNode): Compiled {
  let props: CompiledProps | undefined;
  return {
    get props() {
      return (props ??= instantiate(k.code));
    },
    ...(k.single ? { single: k.single } : {}),
    names: k.names,
    ...(ast ? { ast } : {}),
  };
}

/**
 * Every filter and test a parsed template calls by name, with its node (for its position), in the
 * order the load-time check reports them (`map('x')` and the like are run time).
 */
export function* namedCalls(ast: NjNode): Generator<{ node: NjNode; kind: 'filter' | 'test'; name: string }> {
  const stack: unknown[] = [ast];
  while (stack.length) {
    const node = stack.pop() as NjNode;
    if (!node || typeof node !== 'object') continue;
    if (Array.isArray(node)) {
      stack.push(...node);
      continue;
    }
    if (node.typename === 'Filter' || node.typename === 'FilterAsync') yield { node, kind: 'filter', name: String(node.name?.value) };
    if (node.typename === 'Is' && node.right?.typename === 'FunCall') yield { node, kind: 'test', name: String(node.right.name?.value) };
    for (const k of Object.keys(node)) {
      const v = (node as Record<string, unknown>)[k];
      if (v && typeof v === 'object') stack.push(v);
    }
  }
}

/** The names of the filters and tests a parsed template calls. */
export function namesOf(ast: NjNode): { filters: string[]; tests: string[] } {
  const filters = new Set<string>();
  const tests = new Set<string>();
  for (const c of namedCalls(ast)) (c.kind === 'filter' ? filters : tests).add(c.name);
  return { filters: [...filters], tests: [...tests] };
}
