/**
 * Load-time check of a template without rendering it: Jinja2 syntax, and that every filter and
 * test it names exists. Names chosen at run time (a filter name in a variable, `map('x')`) are not
 * seen here; they stay run-time errors. Throws the KbsError TEMPLATE the render would throw.
 */
import { KbsError } from '../errors.js';
import { compileTemplate, namedCalls, parseTemplate } from './compiled.js';
import { createEnv } from './env.js';
import type { NjNode } from './nunjucks.js';
import type { TemplateSyntax } from './types.js';

const env = createEnv(undefined, (s) => s);
const checked = new Map<string, KbsError | null>();

/** `source` as a template ("a {{ b }}") or, with expression, as a bare expression (`when:`). */
export function checkTemplate(source: string, expression = false, syntax?: TemplateSyntax): void {
  const key = (expression ? 'e\0' : 't\0') + (syntax ? JSON.stringify(syntax) + '\0' : '') + source;
  let err = checked.get(key);
  if (err === undefined) {
    err = findProblem(source, expression, syntax);
    if (checked.size > 20000) checked.clear();
    checked.set(key, err);
  }
  if (err) throw err;
}

/**
 * Compile `source` (a template as a task's argument gives it) so that what it compiles to is kept
 * across runs, as the checked texts are: a free-form argument (`shell: ...`) is checked option by
 * option but rendered whole. A problem in it is left to the check and to the run.
 */
export function warmTemplate(source: string): void {
  try {
    compileTemplate(source, false, undefined, true);
  } catch {
    /* reported where the text is checked, or when it runs */
  }
}

function findProblem(source: string, expression: boolean, syntax?: TemplateSyntax): KbsError | null {
  const text = expression ? `{{ ${source} }}` : source;
  let c: ReturnType<typeof compileTemplate>;
  try {
    // the playbook's own text: what it compiles to may be kept across runs (compiled.ts)
    c = compileTemplate(text, expression, syntax, true);
  } catch (e) {
    const err = e as { message?: string; lineno?: number; colno?: number };
    if (e instanceof KbsError) return e;
    const line = err.lineno;
    let col = err.colno;
    if (expression && line === 1 && typeof col === 'number') col = Math.max(1, col - 3);
    const where = line ? ` (template line ${line}${col ? `, column ${col}` : ''})` : '';
    const raw = String(err.message ?? e).replace(/^\(unknown path\)\s*(\[Line \d+, Column \d+\]\s*)?/, '').trim();
    return new KbsError('TEMPLATE', `template syntax error: ${raw}${where}`, {
      hint: `check the Jinja2 syntax in: ${excerpt(source, line)}`,
      detail: { line, col },
    });
  }
  if (c.names.filters.every((n) => known(() => env.getFilter(n))) && c.names.tests.every((n) => known(() => env.getTest(n)))) return null;
  // a name the environment does not have: find where it is (the template is parsed again when it
  // came compiled from an earlier run)
  const ast: NjNode = c.ast ?? parseTemplate(text, expression, syntax);
  for (const { node, kind, name } of namedCalls(ast)) {
    try {
      if (kind === 'filter') env.getFilter(name);
      else env.getTest(name);
    } catch (e) {
      if (e instanceof KbsError) {
        const line = typeof node.lineno === 'number' ? node.lineno + 1 : undefined;
        const col = typeof node.colno === 'number' ? node.colno + 1 - (expression && node.lineno === 0 ? 3 : 0) : undefined;
        return new KbsError(e.code, e.message, { hint: e.hint, detail: { line, col } });
      }
      throw e;
    }
  }
  return null;
}

function known(get: () => unknown): boolean {
  try {
    get();
    return true;
  } catch {
    return false;
  }
}

function excerpt(source: string, line?: number): string {
  const lines = source.split('\n');
  const text = (line && lines[line - 1] !== undefined ? lines[line - 1] : lines[0]).trim();
  return text.length > 80 ? text.slice(0, 77) + '...' : text;
}
