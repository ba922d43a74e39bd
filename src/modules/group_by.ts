/**
 * ansible.builtin.group_by: the task's host joins the group `key` (spaces become dashes),
 * created at run time under `parents` (default all). Later tasks see it in `groups` and later
 * plays' `hosts:` patterns match it. Changed when the inventory changed, as in Ansible.
 */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { declareArgs } from './util/declare.js';
import { STR, STR_OR_LIST } from './util/schema.js';

const dashes = (v: unknown) => String(v).replace(/ /g, '-');

const args = declareArgs({
  key: { type: 'any', schema: STR, read: dashes },
  parents: { type: 'any', schema: STR_OR_LIST, default: ['all'], read: (v) => (Array.isArray(v) ? v : [v]).map(dashes) },
});

export const group_by: ModuleDef = {
  name: 'group_by',
  local: true,
  schema: args.schema,
  async run(given, ctx) {
    const a = args.read(given);
    const group = a.key;
    const parents = [...a.parents];
    if (group === undefined) return { changed: false, failed: true, msg: "the 'key' param is required when using group_by" };
    if (!ctx.flow) throw new KbsError('INTERNAL', 'group_by needs the engine (no flow context)');
    const changed = ctx.flow.groupBy(group, parents);
    return { changed, add_group: group, parent_groups: parents };
  },
};
