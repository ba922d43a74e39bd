/**
 * Templates compiled once per process. The load-time check (check.ts) and every templater of the
 * run (index.ts) compile through here, so a template the loader checked is not parsed and
 * generated again when it renders, and the internal playbooks of `kbs apply` (lock, gather, the
 * cluster) share what they compile. Errors are not kept: they are thrown as the parser raised
 * them (lineno/colno), for the caller to place.
 */
import { compileAst, type CompiledProps } from './codegen.js';
import type { NjNode } from './nunjucks.js';
import { parse, singleExpression } from './parser.js';
import type { TemplateSyntax } from './types.js';

export interface Compiled {
  props: CompiledProps;
  /** set when the template is a single {{ expr }}: the whitespace around it; text: ends in to_json or the like */
  single?: { lead: string; trail: string; text?: boolean };
  /** the parsed template (the check walks it for the filter and test names) */
  ast: NjNode;
}

/** Jinja2 drops one newline at the end of a template (keep_trailing_newline is off) */
const LAST_NEWLINE = /(?:\r\n|\n|\r)$/;
const MAX = 20000;
const cache = new Map<string, Compiled>();

/**
 * `text` as a template, or with `expression` as a bare expression already wrapped in `{{ }}`
 * (a conditional: not under escape_backslashes, as Ansible's `{% if expr %}`).
 */
export function compileTemplate(text: string, expression: boolean, syntax?: TemplateSyntax): Compiled {
  const key = (expression ? 'e' : 't') + (syntax ? JSON.stringify(syntax) : '') + '\0' + text;
  const hit = cache.get(key);
  if (hit) return hit;
  const ast = expression ? parse(text, { ...syntax, escapeBackslashes: false }) : parse(text.replace(LAST_NEWLINE, ''), syntax);
  const single = singleExpression(ast);
  const c: Compiled = expression && !single ? { props: compileAst(ast, false), ast } : { props: compileAst(ast, !!single), single, ast };
  if (cache.size >= MAX) cache.delete(cache.keys().next().value as string);
  cache.set(key, c);
  return c;
}
