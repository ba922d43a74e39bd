/** ansible.builtin.blockinfile: a marked block of lines, inserted, updated or removed. */
import type { ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';
import { pyRegex } from './util/pyregex.js';
import { editBlock } from './edit/block.js';
import { INSERT_ARGS, TEXT_FILE_ARGS, fromBytes, readText, saveText, textDiff, textPath, toBytes } from './sys/textfile.js';

const args = declareArgs(
  {
    ...TEXT_FILE_ARGS,
    ...INSERT_ARGS,
    marker: { type: 'str', default: '# {mark} ANSIBLE MANAGED BLOCK' },
    block: { type: 'str', default: '', aliases: ['content'] },
    marker_begin: { type: 'str', default: 'BEGIN' },
    marker_end: { type: 'str', default: 'END' },
    append_newline: { type: 'bool' },
    prepend_newline: { type: 'bool' },
  },
  { exclusive: [['insertafter', 'insertbefore']] },
);

export const blockinfile: ModuleDef = {
  name: 'blockinfile',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const path = await textPath(ctx, a);
    const { insertafter, insertbefore } = a;
    const reSrc = insertafter !== undefined && insertafter !== 'EOF' ? insertafter : insertbefore !== undefined && insertbefore !== 'BOF' ? insertbefore : undefined;

    const f = await readText(ctx, path);
    const present = a.state === 'present';
    if (!f.exists && !present) return { changed: false, msg: `File ${path} not present` };
    if (!f.exists && !a.create) return { changed: false, failed: true, rc: 257, msg: `Path ${path} does not exist !` };

    const original = f.content.toString('latin1');
    const edit = editBlock(original, {
      block: toBytes(a.block),
      marker: toBytes(a.marker),
      markerBegin: toBytes(a.marker_begin),
      markerEnd: toBytes(a.marker_end),
      present,
      insertafter,
      insertbefore,
      insertre: reSrc === undefined ? undefined : pyRegex(toBytes(reSrc), insertafter !== undefined ? 'insertafter' : 'insertbefore'),
      appendNewline: a.append_newline,
      prependNewline: a.prepend_newline,
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
    return saveText(ctx, f, { result, after: changed ? Buffer.from(edit.after, 'latin1') : undefined, attrs: a, backup: a.backup, validate: a.validate, backupKey: 'backup_file' });
  },
};
