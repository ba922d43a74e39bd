/** The templating contract (Jinja2 syntax through nunjucks, Ansible filters and tests). */
import type { Position } from '../errors.js';

export interface TemplateContext {
  /** where the template text comes from, for error messages */
  pos?: Position;
  /** task name, for error messages */
  task?: string;
}

export interface Templater {
  /**
   * Render a value. Strings containing {{ }} or {% %} are rendered; a string that is exactly one
   * "{{ expr }}" keeps its native type (list, dict, number, bool) as Ansible does. Arrays and
   * objects are rendered deeply. Undefined variables throw KbsError UNDEFINED naming the variable.
   */
  render(value: unknown, vars: Record<string, unknown>, ctx?: TemplateContext): unknown;
  /** Render a string to a string (template module, file content). */
  renderString(source: string, vars: Record<string, unknown>, ctx?: TemplateContext): string;
  /** Evaluate a bare Jinja2 expression (when, changed_when, failed_when, until, assert that). */
  evaluate(expr: string, vars: Record<string, unknown>, ctx?: TemplateContext): unknown;
  /** evaluate() then Ansible truthiness (booleans, 'yes'/'no'/'true'/'false' strings...) */
  condition(expr: unknown, vars: Record<string, unknown>, ctx?: TemplateContext): boolean;
  /** true if the string contains template markup */
  isTemplate(value: unknown): boolean;
  /** Run a lookup plugin on already rendered terms (`with_<name>:` loops), as `query(name, *terms, **kw)`. */
  query(name: string, terms: unknown[], vars: Record<string, unknown>, ctx?: TemplateContext, kw?: Record<string, unknown>): unknown[];
}
