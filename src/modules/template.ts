/**
 * ansible.builtin.template: render a workstation template with the task's variables and put it
 * at `dest` like copy does. Jinja options (trim_blocks, lstrip_blocks...) are those of the
 * templater behind ctx.render; kbs accepts the args but does not switch them per task.
 */
import { expandPath } from './util/paths.js';
import { readFile, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { basename } from 'node:path';
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { optStr, pyDateTime, reqStr } from './util/args.js';
import { putArgs, putFile } from './util/putfile.js';
import { BOOL, FILE_ATTRS, STR, argsSchema, oneOfStr } from './util/schema.js';

export const template: ModuleDef = {
  name: 'template',
  schema: argsSchema(
    {
      src: STR,
      dest: STR,
      ...FILE_ATTRS,
      backup: BOOL,
      force: BOOL,
      validate: STR,
      follow: BOOL,
      newline_sequence: oneOfStr('\n', '\r', '\r\n', '\\n', '\\r', '\\r\\n'),
      trim_blocks: BOOL,
      lstrip_blocks: BOOL,
      output_encoding: STR,
    },
    ['src', 'dest'],
  ),
  async run(args, ctx) {
    const src = reqStr(args, 'src');
    const dest = await expandPath(ctx, reqStr(args, 'dest'));
    const enc = optStr(args, 'output_encoding');
    if (enc !== undefined && !/^utf-?8$/i.test(enc)) throw new KbsError('TASK', `output_encoding ${enc} is not supported by kbs (utf-8 only)`);
    const ns = newline(optStr(args, 'newline_sequence') ?? '\n');

    const path = ctx.findFile('templates', src);
    const [text, st] = await Promise.all([readFile(path, 'utf8'), stat(path)]);
    const extra: Record<string, unknown> = {
      template_host: hostname(),
      template_path: path,
      template_fullpath: path,
      template_destpath: dest,
      template_uid: st.uid === process.getuid?.() ? userInfo().username : String(st.uid),
      template_run_date: pyDateTime(new Date()),
    };
    if (ctx.vars.ansible_managed === undefined) extra.ansible_managed = 'Ansible managed';
    let out = String(ctx.render(text, extra));
    if (ns !== '\n') out = out.replace(/\r\n|\r|\n/g, ns);

    return putFile(ctx, { ...putArgs(args), dest, data: Buffer.from(out, 'utf8'), basename: basename(src), srcMode: st.mode, afterHeader: path });
  },
};

function newline(s: string): string {
  const m: Record<string, string> = { '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n', '\n': '\n', '\r': '\r', '\r\n': '\r\n' };
  const v = m[s];
  if (v === undefined) throw new KbsError('TASK', 'newline_sequence needs to be one of: \\n, \\r or \\r\\n');
  return v;
}
