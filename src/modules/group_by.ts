/**
 * ansible.builtin.group_by: the task's host joins the group `key` (spaces become dashes),
 * created at run time under `parents` (default all). Later tasks see it in `groups` and later
 * plays' `hosts:` patterns match it. Changed when the inventory changed, as in Ansible.
 */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { STR, STR_OR_LIST, argsSchema } from './util/schema.js';

export const group_by: ModuleDef = {
  name: 'group_by',
  local: true,
  schema: argsSchema({ key: STR, parents: STR_OR_LIST }),
  async run(args, ctx) {
    if (args.key === undefined || args.key === null) return { changed: false, failed: true, msg: "the 'key' param is required when using group_by" };
    if (!ctx.flow) throw new KbsError('INTERNAL', 'group_by needs the engine (no flow context)');
    const group = String(args.key).replace(/ /g, '-');
    const raw = args.parents ?? ['all'];
    const parents = (Array.isArray(raw) ? raw : [raw]).map((p) => String(p).replace(/ /g, '-'));
    const changed = ctx.flow.groupBy(group, parents);
    return { changed, add_group: group, parent_groups: parents };
  },
};
