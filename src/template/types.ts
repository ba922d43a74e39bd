/** The templating contract (Jinja2 syntax through nunjucks, Ansible filters and tests). */
import type { Position } from '../errors.js';

export interface TemplateContext {
  /** where the template text comes from, for error messages */
  pos?: Position;
  /** task name, for error messages */
  task?: string;
}

/**
 * The template module's Jinja2 environment options: other delimiters (variable_start_string...),
 * trim_blocks and lstrip_blocks. Without them: `{{ }}`, `{% %}`, `{# #}`, trim_blocks on.
 */
export interface TemplateSyntax {
  blockStart?: string;
  blockEnd?: string;
  variableStart?: string;
  variableEnd?: string;
  commentStart?: string;
  commentEnd?: string;
  trimBlocks?: boolean;
  lstripBlocks?: boolean;
  /**
   * Ansible's escape_backslashes, on unless false (template files and the template lookup): in
   * playbook data, a string literal inside `{{ }}` keeps its backslashes (`'\\d'` is backslash-d).
   */
  escapeBackslashes?: boolean;
}

export interface Templater {
  /**
   * Render a value as Ansible's Templar.template() does: strings containing {{ }} or {% %} are
   * rendered to text; "{{ name }}" of a variable holding a number, boolean or None gives that
   * value; text that reads as a Python list or dict literal, or "True"/"False", becomes that value.
   * Arrays and objects are rendered deeply. Undefined variables throw KbsError UNDEFINED naming the variable.
   */
  render(value: unknown, vars: Record<string, unknown>, ctx?: TemplateContext): unknown;
  /** Render a string to a string (template module, file content). */
  renderString(source: string, vars: Record<string, unknown>, ctx?: TemplateContext, syntax?: TemplateSyntax): string;
  /** The native value of a bare Jinja2 expression (no conversion to text, as Jinja2 computes it). */
  evaluate(expr: string, vars: Record<string, unknown>, ctx?: TemplateContext): unknown;
  /** a keyword's boolean: evaluate() then Ansible's boolean rules ('yes'/'no'/'true'/'false' strings...) */
  condition(expr: unknown, vars: Record<string, unknown>, ctx?: TemplateContext): boolean;
  /**
   * A conditional (when, changed_when, failed_when, until, assert's that) as Ansible 2.14 reads
   * one: templated first, then text is evaluated as an expression (a non-empty string is true).
   */
  conditional(expr: unknown, vars: Record<string, unknown>, ctx?: TemplateContext): boolean;
  /** true if the string contains template markup */
  isTemplate(value: unknown): boolean;
  /** Run a lookup plugin on already rendered terms (`with_<name>:` loops), as `query(name, *terms, **kw)`. */
  query(name: string, terms: unknown[], vars: Record<string, unknown>, ctx?: TemplateContext, kw?: Record<string, unknown>): unknown[];
}
