/**
 * Files a task names literally, resolved when the playbook is loaded: copy's and unarchive's
 * `src` (on the workstation, unless remote_src), template's `src` (whose text is also compiled),
 * and `src` given together with copy's `content` (both literal); a vault-encrypted `src` of copy
 * or template is decrypted. A missing file (or vault data that cannot be decrypted) is exit 4 at the argument's
 * file:line:col before any host is contacted. Templated names are resolved when the task runs.
 */
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { KbsError } from '../errors.js';
import { checkTemplate } from '../template/check.js';
import type { TemplateSyntax } from '../template/types.js';
import type { FileCtx, LoadContext } from './context.js';
import { findFile } from './files.js';
import { isTemplate } from './keywords.js';
import type { TaskNode } from './model.js';
import { posAt, type YamlPath } from '../yaml/read.js';
import { unvaultFileData } from '../vault/files.js';
import { VAULT_HEADER, isVaultText } from '../vault/format.js';

const FALSE = new Set([false, 'false', 'False', 'no', 'No', 'off', '0', 0, undefined, null]);

/** `argPath(key)`: where the argument is written (the key's value, or the module's k=v string). */
export function checkStaticFiles(node: TaskNode, fc: FileCtx, lc: LoadContext, argPath: (key: string) => YamlPath): void {
  const a = node.args;
  const src = a.src;
  // a template may render to omit (`src: "{{ x if a else omit }}"`): checked when the task runs
  if (node.module === 'copy' && src !== undefined && src !== null && a.content !== undefined && a.content !== null && !isTemplate(src) && !isTemplate(a.content)) {
    throw new KbsError('SCHEMA', 'copy: src and content are mutually exclusive', {
      pos: posAt(fc.yf, argPath('content')),
      hint: 'give the file to copy with src, or the text to write with content, not both',
    });
  }
  if (typeof src !== 'string' || isTemplate(src)) return;
  const kind = node.module === 'template' ? 'templates' : node.module === 'copy' || node.module === 'unarchive' ? 'files' : undefined;
  if (!kind) return;
  if (!FALSE.has(a.remote_src as never) || isTemplate(a.remote_src)) return;
  if (node.module === 'unarchive' && (src.includes('://') || (a.copy !== undefined && FALSE.has(a.copy as never)))) return;
  const pos = posAt(fc.yf, argPath('src'));
  const path = findFile(kind, src, { role: fc.role, taskFile: fc.yf.file, playbookDir: lc.playbookDir, pos, alsoDirs: lc.opts.topDir ? [lc.opts.topDir] : [] });
  if (node.module === 'copy' && (a.decrypt === undefined || !FALSE.has(a.decrypt as never))) checkVaultedFile(path);
  if (kind !== 'templates') return;
  let text: string;
  try {
    text = unvaultFileData(path, readFileSync(path)).data.toString('utf8');
  } catch (e) {
    if (e instanceof KbsError) throw e; // vault data that cannot be decrypted
    return; // a folder or an unreadable file: the module reports it
  }
  // other delimiters (variable_start_string...): checked with them, or not at all when templated
  const delims: [string, 'variableStart' | 'variableEnd' | 'blockStart' | 'blockEnd' | 'commentStart' | 'commentEnd'][] = [
    ['variable_start_string', 'variableStart'],
    ['variable_end_string', 'variableEnd'],
    ['block_start_string', 'blockStart'],
    ['block_end_string', 'blockEnd'],
    ['comment_start_string', 'commentStart'],
    ['comment_end_string', 'commentEnd'],
  ];
  let syntax: TemplateSyntax | undefined;
  for (const [arg, key] of delims) {
    const v = a[arg];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v === '' || isTemplate(v)) return;
    (syntax ??= {})[key] = v;
  }
  try {
    checkTemplate(text, false, syntax);
  } catch (e) {
    if (!(e instanceof KbsError)) throw e;
    const at = e.detail as { line?: number; col?: number } | undefined;
    throw new KbsError(e.code, `${e.message} in template ${src}`, { pos: { file: path, line: at?.line, col: at?.col }, hint: e.hint });
  }
}

/** a vault-encrypted copy src is decrypted now, so that a missing or wrong password is exit 4 before any host */
function checkVaultedFile(path: string): void {
  let head: Buffer;
  try {
    const fd = openSync(path, 'r');
    try {
      head = Buffer.alloc(VAULT_HEADER.length);
      readSync(fd, head, 0, head.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    return; // a folder or an unreadable file: the module reports it
  }
  if (isVaultText(head)) unvaultFileData(path, readFileSync(path));
}
