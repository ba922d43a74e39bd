/** ansible.builtin.blockinfile: a marked block of lines, inserted, updated or removed. */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { optStr, toBool } from './util/args.js';
import { parseMode } from './util/mode.js';
import { expandPath } from './util/paths.js';
import { pyRegex } from './util/pyregex.js';
import { BOOL, FILE_ATTRS, STR, argsSchema, oneOfStr } from './util/schema.js';
import { editBlock } from './sys/block.js';
import { readText, saveText, textDiff } from './sys/textfile.js';

const L = (s: string) => Buffer.from(s, 'utf8').toString('latin1');
const U = (s: string) => Buffer.from(s, 'latin1').toString('utf8');

export const blockinfile: ModuleDef = {
  name: 'blockinfile',
  schema: {
    ...argsSchema({
      path: STR,
      dest: STR,
      destfile: STR,
      name: STR,
      state: oneOfStr('present', 'absent'),
      marker: STR,
      block: STR,
      content: STR,
      insertafter: STR,
      insertbefore: STR,
      create: BOOL,
      backup: BOOL,
      marker_begin: STR,
      marker_end: STR,
      append_newline: BOOL,
      prepend_newline: BOOL,
      validate: STR,
      ...FILE_ATTRS,
    }),
    anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['destfile'] }, { required: ['name'] }],
  },
  async run(args, ctx) {
    const path = await expandPath(ctx, optStr(args, 'path', 'dest', 'destfile', 'name'));
    if (!path) throw new KbsError('TASK', 'missing required argument: path');
    const state = optStr(args, 'state') ?? 'present';
    const insertafter = optStr(args, 'insertafter');
    const insertbefore = optStr(args, 'insertbefore');
    if (insertafter !== undefined && insertbefore !== undefined) throw new KbsError('TASK', 'parameters are mutually exclusive: insertafter|insertbefore');
    const validate = optStr(args, 'validate');
    if (validate !== undefined && !validate.includes('%s')) throw new KbsError('TASK', `validate must contain %s: ${validate}`);
    const marker = optStr(args, 'marker') ?? '# {mark} ANSIBLE MANAGED BLOCK';
    const reSrc = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : insertbefore !== undefined && insertbefore !== 'BOF' ? insertbefore : undefined;

    const f = await readText(ctx, path);
    const present = state === 'present';
    if (!f.exists && !present) return { changed: false, msg: `File ${path} not present` };
    if (!f.exists && !toBool(args.create, false, 'create')) return { changed: false, failed: true, rc: 257, msg: `Path ${path} does not exist !` };

    const original = f.content.toString('latin1');
    const edit = editBlock(original, {
      block: L(optStr(args, 'block', 'content') ?? ''),
      marker: L(marker),
      markerBegin: L(optStr(args, 'marker_begin') ?? 'BEGIN'),
      markerEnd: L(optStr(args, 'marker_end') ?? 'END'),
      present,
      insertafter,
      insertbefore,
      insertre: reSrc === undefined ? undefined : pyRegex(L(reSrc), insertafter !== undefined ? 'insertafter' : 'insertbefore'),
      appendNewline: toBool(args.append_newline, false, 'append_newline'),
      prependNewline: toBool(args.prepend_newline, false, 'prepend_newline'),
    });
    let msg = edit.msg;
    let changed = edit.changed;
    if (!f.exists) {
      msg = 'File created';
      changed = true;
    }
    const result: ModuleResult = { changed, msg };
    if (ctx.diff) result.diff = [textDiff(path, U(original), U(edit.after))];
    // as Ansible: check mode on a missing file stops before the attributes
    if (ctx.check && !f.exists) return result;
    return saveText(ctx, f, {
      result,
      after: changed ? Buffer.from(edit.after, 'latin1') : undefined,
      attrs: { mode: parseMode(args.mode), owner: optStr(args, 'owner'), group: optStr(args, 'group') },
      backup: toBool(args.backup, false, 'backup'),
      validate,
      backupKey: 'backup',
    });
  },
};
