/**
 * A task's loop items, as Ansible's TaskExecutor computes them: `loop:` rendered; `with_items:`
 * rendered and flattened one level; `with_<lookup>:` its terms rendered (a string or scalar
 * becomes a one-term list) and handed to the lookup plugin. Also the per-item loop variables
 * (`ansible_loop` only with `loop_control.extended`, as in Ansible).
 */
import { KbsError } from '../errors.js';
import { jsonText } from '../util/pyfloat.js';
import type { TaskKeywords, Vars } from '../load/model.js';
import type { TemplateContext, Templater } from '../template/types.js';

/** does the task loop? */
export function hasLoop(kw: TaskKeywords): boolean {
  return kw.loop !== undefined || kw.with_items !== undefined;
}

/** The rendered items; throws the template's error (an undefined variable...) as it is. */
export function loopItems(tpl: Templater, kw: TaskKeywords, scope: Vars, where: TemplateContext & { module?: string }): unknown[] {
  let items: unknown;
  if (kw.loop_with !== undefined) items = lookupItems(tpl, kw.loop_with, kw.loop, scope, where);
  else {
    items = tpl.render(kw.loop ?? kw.with_items, scope, where);
    if (kw.with_items !== undefined && Array.isArray(items)) items = items.flat(1);
  }
  if (!Array.isArray(items)) {
    throw new KbsError('TASK', `loop must be a list, got ${items === null ? 'null' : typeof items}`, {
      pos: where.pos,
      hint: 'use a list, or a filter such as dict2items',
    });
  }
  return items;
}

function lookupItems(tpl: Templater, name: string, raw: unknown, scope: Vars, where: TemplateContext & { module?: string }): unknown[] {
  let terms: unknown;
  const kw: Vars = {};
  if (name === 'first_found') {
    // as Ansible: a term that cannot be rendered is left out, not an error
    const list = Array.isArray(raw) ? raw : [raw];
    terms = list.flatMap((t) => {
      try {
        return [tpl.render(typeof t === 'string' ? t.trim() : t, scope, where)];
      } catch {
        return [];
      }
    });
    const m = where.module ?? '';
    kw._subdir = m.includes('template') ? 'templates' : m.includes('var') ? 'vars' : 'files';
  } else terms = tpl.render(typeof raw === 'string' ? raw.trim() : raw, scope, where);
  let list: unknown[];
  if (Array.isArray(terms)) list = terms;
  else if (terms && typeof terms === 'object') list = name === 'dict' ? [terms] : Object.keys(terms);
  else list = [terms];
  return tpl.query(name, list, scope, where, kw);
}

/** the variables one loop item adds: the loop var, index_var, ansible_loop (extended) */
export function itemVars(items: unknown[], i: number, lc: NonNullable<TaskKeywords['loop_control']>, loopVar: string, extended: boolean, allItems: boolean): Vars {
  const extra: Vars = { [loopVar]: items[i], ansible_loop_var: loopVar };
  if (lc.index_var) {
    extra[lc.index_var] = i;
    extra.ansible_index_var = lc.index_var;
  }
  if (extended) {
    const n = items.length;
    const loop: Vars = {};
    if (allItems) loop.allitems = items;
    Object.assign(loop, { first: i === 0, index: i + 1, index0: i, last: i === n - 1, length: n });
    if (i < n - 1) loop.nextitem = items[i + 1];
    if (i > 0) loop.previtem = items[i - 1];
    Object.assign(loop, { revindex: n - i, revindex0: n - i - 1 });
    extra.ansible_loop = loop;
  }
  return extra;
}

/** An item as a loop line shows it (no loop_control.label): text as it is, anything else as JSON. */
export function itemLabel(item: unknown): string {
  return typeof item === 'string' ? item : jsonText(item);
}
