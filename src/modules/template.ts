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
import { nowMicros, pyDateTime } from './util/args.js';
import { OPT_BOOL, SELINUX_ARGS, declareArgs } from './util/declare.js';
import { FORCE_ARG, PUT_ARGS, putArgs, putFile } from './util/putfile.js';
import { oneOfStr } from './util/schema.js';
import type { TemplateSyntax } from '../template/types.js';
import { hideVaultedDiff, unvaultFileData } from '../vault/files.js';

const args = declareArgs({
  src: { type: 'str', required: true },
  dest: { type: 'str', required: true },
  ...PUT_ARGS,
  ...FORCE_ARG,
  // the schema names the accepted values; newline() gives Ansible's message for others
  newline_sequence: { type: 'str', default: '\n', schema: oneOfStr('\n', '\r', '\r\n', '\\n', '\\r', '\\r\\n') },
  trim_blocks: OPT_BOOL,
  lstrip_blocks: OPT_BOOL,
  output_encoding: { type: 'str' },
  variable_start_string: { type: 'str' },
  variable_end_string: { type: 'str' },
  block_start_string: { type: 'str' },
  block_end_string: { type: 'str' },
  comment_start_string: { type: 'str' },
  comment_end_string: { type: 'str' },
  ...SELINUX_ARGS,
});
type Args = ReturnType<typeof args.read>;

export const template: ModuleDef = {
  name: 'template',
  schema: args.schema,
  async run(given, ctx) {
    const a = args.read(given);
    const src = a.src;
    const dest = await expandPath(ctx, a.dest);
    const enc = a.output_encoding;
    if (enc !== undefined && !/^utf-?8$/i.test(enc)) throw new KbsError('TASK', `output_encoding ${enc} is not supported by kbs (utf-8 only)`);
    const ns = newline(a.newline_sequence);

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
      template_run_date: pyDateTime(nowMicros()),
    };
    if (ctx.vars.ansible_managed === undefined) extra.ansible_managed = 'Ansible managed';
    let out = String(ctx.render(text, extra, { ...syntaxOf(a), escapeBackslashes: false }));
    if (ns !== '\n') out = out.replace(/\r\n|\r|\n/g, ns);

    const r = await putFile(ctx, { ...putArgs(a), dest, data: Buffer.from(out, 'utf8'), basename: basename(src), srcMode: st.mode, afterHeader: path });
    return src0.vaulted ? hideVaultedDiff(r) : r;
  },
};

/** The Jinja2 environment options of the task, or undefined for the defaults. */
function syntaxOf(a: Args): TemplateSyntax | undefined {
  const s: TemplateSyntax = {};
  const names = { variableStart: 'variable_start_string', variableEnd: 'variable_end_string', blockStart: 'block_start_string', blockEnd: 'block_end_string', commentStart: 'comment_start_string', commentEnd: 'comment_end_string' } as const;
  for (const [k, n] of Object.entries(names) as [keyof typeof names, (typeof names)[keyof typeof names]][]) {
    const v = a[n];
    if (v === undefined) continue;
    if (v === '') throw new KbsError('TASK', `${n} must not be empty`);
    s[k] = v;
  }
  if (a.trim_blocks !== undefined) s.trimBlocks = a.trim_blocks;
  if (a.lstrip_blocks !== undefined) s.lstripBlocks = a.lstrip_blocks;
  return Object.keys(s).length ? s : undefined;
}

function newline(s: string): string {
  const m: Record<string, string> = { '\\n': '\n', '\\r': '\r', '\\r\\n': '\r\n', '\n': '\n', '\r': '\r', '\r\n': '\r\n' };
  const v = m[s];
  if (v === undefined) throw new KbsError('TASK', 'newline_sequence needs to be one of: \\n, \\r or \\r\\n');
  return v;
}
