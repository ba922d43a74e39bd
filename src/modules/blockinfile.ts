/** ansible.builtin.blockinfile: a marked block of lines, inserted, updated or removed. */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { checkValidate, optStr, toBool } from './util/args.js';
import { attrArgs } from './util/attrs.js';
import { pyRegex } from './util/pyregex.js';
import { BOOL, FILE_ATTRS, STR, argsSchema, oneOfStr } from './util/schema.js';
import { editBlock } from './sys/block.js';
import { TEXT_PATH_ARGS, TEXT_PATH_REQUIRED, fromBytes, readText, saveText, textDiff, textPath, toBytes } from './sys/textfile.js';

export const blockinfile: ModuleDef = {
  name: 'blockinfile',
  schema: {
    ...argsSchema({
      ...TEXT_PATH_ARGS,
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
    anyOf: TEXT_PATH_REQUIRED,
  },
  async run(args, ctx) {
    const path = await textPath(ctx, args);
    const state = optStr(args, 'state') ?? 'present';
    const insertafter = optStr(args, 'insertafter');
    const insertbefore = optStr(args, 'insertbefore');
    if (insertafter !== undefined && insertbefore !== undefined) throw new KbsError('TASK', 'parameters are mutually exclusive: insertafter|insertbefore');
    const validate = checkValidate(optStr(args, 'validate'));
    const marker = optStr(args, 'marker') ?? '# {mark} ANSIBLE MANAGED BLOCK';
    const reSrc = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : insertbefore !== undefined && insertbefore !== 'BOF' ? insertbefore : undefined;

    const f = await readText(ctx, path);
    const present = state === 'present';
    if (!f.exists && !present) return { changed: false, msg: `File ${path} not present` };
    if (!f.exists && !toBool(args.create, false, 'create')) return { changed: false, failed: true, rc: 257, msg: `Path ${path} does not exist !` };

    const original = f.content.toString('latin1');
    const edit = editBlock(original, {
      block: toBytes(optStr(args, 'block', 'content') ?? ''),
      marker: toBytes(marker),
      markerBegin: toBytes(optStr(args, 'marker_begin') ?? 'BEGIN'),
      markerEnd: toBytes(optStr(args, 'marker_end') ?? 'END'),
      present,
      insertafter,
      insertbefore,
      insertre: reSrc === undefined ? undefined : pyRegex(toBytes(reSrc), insertafter !== undefined ? 'insertafter' : 'insertbefore'),
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
    if (ctx.diff) result.diff = [textDiff(path, fromBytes(original), fromBytes(edit.after))];
    // as Ansible: check mode on a missing file stops before the attributes
    if (ctx.check && !f.exists) return result;
    return saveText(ctx, f, {
      result,
      after: changed ? Buffer.from(edit.after, 'latin1') : undefined,
      attrs: attrArgs(args),
      backup: toBool(args.backup, false, 'backup'),
      validate,
      backupKey: 'backup_file',
    });
  },
};
