/**
 * ansible.builtin.template: render a workstation template with the task's variables and put it
 * at `dest` like copy does. The Jinja2 options (other delimiters, trim_blocks, lstrip_blocks,
 * newline_sequence) apply to this task's rendering; the SELinux context arguments are accepted
 * and ignored (Debian hosts have no SELinux).
 */
import { expandPath } from './util/paths.js';
import { readFile, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import { basename } from 'node:path';
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { optStr, pyDateTime, reqStr, toBool } from './util/args.js';
import { putArgs, putFile } from './util/putfile.js';
import { BOOL, FILE_ATTRS, SELINUX, STR, argsSchema, oneOfStr } from './util/schema.js';
import type { TemplateSyntax } from '../template/types.js';
import { hideVaultedDiff, unvaultFileData } from '../vault/files.js';

export const template: ModuleDef = {
  name: 'template',
  schema: argsSchema(
    {
      src: STR,
      dest: STR,
      ...FILE_ATTRS,
      attributes: STR,
      attr: STR,
      backup: BOOL,
      force: BOOL,
      validate: STR,
      follow: BOOL,
      newline_sequence: oneOfStr('\n', '\r', '\r\n', '\\n', '\\r', '\\r\\n'),
      trim_blocks: BOOL,
      lstrip_blocks: BOOL,
      output_encoding: STR,
      variable_start_string: STR,
      variable_end_string: STR,
      block_start_string: STR,
      block_end_string: STR,
      comment_start_string: STR,
      comment_end_string: STR,
      ...SELINUX,
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
    const [raw, st] = await Promise.all([readFile(path), stat(path)]);
    // a vault-encrypted template is decrypted first, as Ansible's template action does
    const src0 = unvaultFileData(path, raw);
    const text = src0.data.toString('utf8');
    const extra: Record<string, unknown> = {
      template_host: hostname(),
      template_path: path,
      template_fullpath: path,
      template_destpath: dest,
      template_uid: st.uid === process.getuid?.() ? userInfo().username : String(st.uid),
      template_run_date: pyDateTime(new Date()),
    };
    if (ctx.vars.ansible_managed === undefined) extra.ansible_managed = 'Ansible managed';
    let out = String(ctx.render(text, extra, { ...syntaxOf(args), escapeBackslashes: false }));
    if (ns !== '\n') out = out.replace(/\r\n|\r|\n/g, ns);

    const r = await putFile(ctx, { ...putArgs(args), dest, data: Buffer.from(out, 'utf8'), basename: basename(src), srcMode: st.mode, afterHeader: path });
    return src0.vaulted ? hideVaultedDiff(r) : r;
  },
};

/** The Jinja2 environment options of the task, or undefined for the defaults. */
function syntaxOf(args: Record<string, unknown>): TemplateSyntax | undefined {
  const s: TemplateSyntax = {};
  const names = { variableStart: 'variable_start_string', variableEnd: 'variable_end_string', blockStart: 'block_start_string', blockEnd: 'block_end_string', commentStart: 'comment_start_string', commentEnd: 'comment_end_string' } as const;
  for (const [k, n] of Object.entries(names) as [keyof typeof names, string][]) {
    const v = optStr(args, n);
    if (v === undefined) continue;
    if (v === '') throw new KbsError('TASK', `${n} must not be empty`);
    s[k] = v;
  }
  if (args.trim_blocks !== undefined && args.trim_blocks !== null) s.trimBlocks = toBool(args.trim_blocks, true, 'trim_blocks');
  if (args.lstrip_blocks !== undefined && args.lstrip_blocks !== null) s.lstripBlocks = toBool(args.lstrip_blocks, false, 'lstrip_blocks');
  return Object.keys(s).length ? s : undefined;
}

function newline(s: string): string {
  const m: Record<string, string> = { '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n', '\n': '\n', '\r': '\r', '\r\n': '\r\n' };
  const v = m[s];
  if (v === undefined) throw new KbsError('TASK', 'newline_sequence needs to be one of: \\n, \\r or \\r\\n');
  return v;
}
