/**
 * include_tasks and include_role on one host: the calls the include makes (one per loop item
 * whose `when:` holds), each with the file or role it loads; and the error for includes nested
 * too deep. The play runs the calls (engine/play.ts), grouping hosts that make the same one.
 */
import { dirname, resolve } from 'node:path';
import { KbsError, type Position } from '../errors.js';
import type { IncludeNode, Node, TaskNode, Vars } from '../load/model.js';
import { loadTaskFile, resolveRole } from '../load/playbook.js';
import { builtinRolesDir } from '../util/assets.js';
import { MAX_INCLUDE_DEPTH } from '../yaml/limits.js';
import type { RunContext } from './context.js';
import { whenHolds, type Inherited } from './inherit.js';
import { hasLoop, itemLabel, itemVars, loopItems } from './loop.js';

/** One call of an include on a host: what it loads (key), the params its tasks see, the loader. */
export interface IncludeCall {
  key: string;
  params: Vars;
  node: () => Node[];
  /** the loop item's label (Ansible's `included: FILE for HOSTS => (item=LABEL)`) */
  label?: string;
}

/** Loads included nodes; the handlers they bring join the play's. */
export type WithHandlers = (load: (handlers: TaskNode[]) => Node[]) => Node[];

export function includeCalls(ctx: RunContext, n: IncludeNode, inh: Inherited, h: string, withHandlers: WithHandlers): IncludeCall[] {
  const tpl = ctx.templater;
  const scope = ctx.taskVars(h, n.role, inh, n.kw);
  const loops = hasLoop(n.kw);
  const items: unknown[] = loops ? loopItems(tpl, n.kw, scope, { pos: n.pos, module: n.kind }) : [undefined];
  const lc = n.kw.loop_control ?? {};
  const loopVar = lc.loop_var ?? 'item';
  const extended = lc.extended !== undefined && tpl.condition(lc.extended, scope);
  const allItems = lc.extended_allitems === undefined || tpl.condition(lc.extended_allitems, scope);
  const list: IncludeCall[] = [];
  for (let i = 0; i < items.length; i++) {
    const params: Vars = { ...(n.kw.vars ?? {}) };
    if (loops) {
      // as Ansible: the included tasks see the loop var, index_var and ansible_loop, not ansible_loop_var
      const { ansible_loop_var: _lv, ansible_index_var: _iv, ...each } = itemVars(items, i, lc, loopVar, extended, allItems);
      Object.assign(params, each);
    }
    const s = !loops ? scope : ctx.taskVars(h, n.role, inh, n.kw, params);
    if (!whenHolds(tpl, inh, n.kw, s, { pos: n.pos })) continue;
    const label = !loops ? undefined : lc.label !== undefined ? String(tpl.render(lc.label, s)) : itemLabel(items[i]);
    const args = tpl.render(n.args, s, { pos: n.pos }) as Vars;
    if (n.kind === 'include_tasks') {
      const file = String(args.file ?? args._raw_params ?? '');
      const base = n.role ? resolve(n.role.path, 'tasks') : dirname(n.pos.file);
      const path = resolve(base, file);
      const lo = { apply: args.apply, playbookDir: ctx.playbookDir, rolesPath: ctx.opts.rolesPath, builtinRolesDir: builtinRolesDir(), pos: n.pos };
      list.push({ key: `tasks:${path}`, params, label, node: () => withHandlers((handlers) => loadTaskFile(path, n.role, { ...lo, handlers })) });
    } else {
      const name = String(args.name ?? args.role ?? '');
      list.push({
        key: `role:${name}:${JSON.stringify(args)}`,
        params,
        label,
        node: () =>
          withHandlers((handlers) => {
            const block = resolveRole(name, ctx.playbookDir, { rolesPath: ctx.opts.rolesPath, builtinRolesDir: builtinRolesDir(), pos: n.pos, args, handlers, parent: n.role });
            if (isTrue(args.public) && block.role) ctx.addPlayRole(block.role);
            return [block];
          }),
      });
    }
  }
  return list;
}

/** a rendered boolean argument (true, "yes", "True", 1...) */
function isTrue(v: unknown): boolean {
  return v === true || v === 1 || (typeof v === 'string' && ['yes', 'on', 'true', '1', 'y', 't'].includes(v.trim().toLowerCase()));
}

/** The include as a task, for its events and its result when it fails. */
export function includeTask(n: IncludeNode): TaskNode {
  return { kind: 'task', module: n.kind, args: n.args, kw: n.kw, pos: n.pos, role: n.role };
}

/** includes nested deeper than MAX_INCLUDE_DEPTH: usually a file that includes itself without an end */
export function includeTooDeep(includes: string[], pos: Position): KbsError {
  const name = (k: string) => k.replace(/^tasks:/, '').replace(/^role:([^:]*):.*$/, 'role $1');
  const counts = new Map<string, number>();
  for (const k of includes) counts.set(k, (counts.get(k) ?? 0) + 1);
  const [top, times] = [...counts].sort((a, b) => b[1] - a[1])[0];
  return new KbsError('TASK', `includes nested more than ${MAX_INCLUDE_DEPTH} deep (${name(top)} is included ${times} times in the chain)`, {
    pos,
    hint: 'an include_tasks / include_role that includes itself needs a when: that ends the recursion',
  });
}
