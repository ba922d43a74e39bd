/**
 * ansible.builtin.assemble: one file at `dest` from the fragments in the folder `src` (on the host,
 * or on the workstation with remote_src: false), in sorted name order, optionally filtered by a
 * Python regexp (search) and skipping hidden names, with `delimiter` between fragments and a
 * newline after a fragment that lacks one. Written like copy (sha256 compared first, atomic, mode/
 * owner/group, backup, validate). No check mode, as Ansible's action (the task is skipped).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef } from './types.js';
import { failed } from './util/args.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { PUT_ARGS, putArgs, putFile } from './util/putfile.js';
import { pyRegex } from './util/pyregex.js';
import { readFiles } from './util/readmany.js';
import { byCodePoint } from '../util/pystr.js';

/** Python's codecs.escape_decode of the delimiter (\n \t \\ \xNN \NNN ...), as bytes. */
export function escapeDecode(s: string): Buffer {
  const out: number[] = [];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '\\': 92, "'": 39, '"': 34, a: 7, b: 8, f: 12, v: 11, '\n': -1 };
  const bytes = Buffer.from(s, 'utf8');
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c !== 92 || i + 1 >= bytes.length) {
      out.push(c);
      continue;
    }
    const n = String.fromCharCode(bytes[i + 1]);
    if (n in simple) {
      if (simple[n] >= 0) out.push(simple[n]);
      i++;
    } else if (n === 'x' && /^[0-9a-fA-F]{2}$/.test(String.fromCharCode(bytes[i + 2] ?? 0, bytes[i + 3] ?? 0))) {
      out.push(parseInt(String.fromCharCode(bytes[i + 2], bytes[i + 3]), 16));
      i += 3;
    } else if (/[0-7]/.test(n)) {
      let j = i + 1;
      let oct = '';
      while (j < bytes.length && oct.length < 3 && /[0-7]/.test(String.fromCharCode(bytes[j]))) oct += String.fromCharCode(bytes[j++]);
      out.push(parseInt(oct, 8) & 0xff);
      i = j - 1;
    } else out.push(c);
  }
  return Buffer.from(out);
}

export interface Fragment {
  name: string;
  data: Buffer;
}

/** The fragments joined as Ansible's assemble_from_fragments does. */
export function joinFragments(fragments: Fragment[], delimiter: string | undefined, alwaysNewline = false): Buffer {
  const parts: Buffer[] = [];
  const delim = delimiter ? escapeDecode(delimiter) : undefined;
  let addNewline = false;
  let first = true;
  for (const f of fragments) {
    if (addNewline) parts.push(Buffer.from('\n'));
    if (!first && delim) {
      parts.push(delim);
      if (alwaysNewline || delim[delim.length - 1] !== 10) parts.push(Buffer.from('\n'));
    }
    parts.push(f.data);
    first = false;
    addNewline = !f.data.toString('latin1').endsWith('\n');
  }
  return Buffer.concat(parts);
}

/** Which names to use: matching the regexp (search), not hidden when asked, sorted. */
function pick(names: string[], re: RegExp | undefined, ignoreHidden: boolean): string[] {
  return names
    .filter((n) => !re || new RegExp(re.source, re.flags.replace(/[gy]/g, '')).test(n))
    .filter((n) => !(ignoreHidden && n.startsWith('.')))
    .sort(byCodePoint);
}

async function remoteFragments(ctx: ModuleContext, src: string, re: RegExp | undefined, ignoreHidden: boolean): Promise<Fragment[] | string> {
  const r = await ctx.run(
    `s=${shq(src)}; [ -e "$s" ] || { echo missing; exit 0; }; [ -d "$s" ] || { echo notdir; exit 0; }; echo ok; find -L "$s" -mindepth 1 -maxdepth 1 -type f -printf '%f\\0'`,
  );
  const head = r.stdout.slice(0, r.stdout.indexOf('\n'));
  if (head === 'missing') return `Source (${src}) does not exist`;
  if (head === 'notdir') return `Source (${src}) is not a directory`;
  if (r.rc !== 0 || head !== 'ok') throw new KbsError('TASK', `cannot list ${src}: ${r.stderr.trim()}`);
  const names = pick(r.stdout.slice(head.length + 1).split('\0').filter(Boolean), re, ignoreHidden);
  const base = src.replace(/\/+$/, '') || '/';
  const paths = names.map((n) => `${base === '/' ? '' : base}/${n}`);
  const data = await readFiles(ctx, paths);
  return names.map((name, i) => {
    const d = data.get(paths[i]);
    if (!d) throw new KbsError('TASK', `cannot read ${paths[i]}`);
    return { name, data: d };
  });
}

async function localFragments(dir: string, re: RegExp | undefined, ignoreHidden: boolean): Promise<Fragment[] | string> {
  if (!(await stat(dir)).isDirectory()) return `Source (${dir}) is not a directory`;
  const names: string[] = [];
  for (const n of await readdir(dir)) if ((await stat(join(dir, n)).catch(() => undefined))?.isFile()) names.push(n);
  return Promise.all(pick(names, re, ignoreHidden).map(async (name) => ({ name, data: await readFile(join(dir, name)) })));
}

const args = declareArgs({
  src: { type: 'str', required: true },
  dest: { type: 'str', required: true },
  delimiter: { type: 'str' },
  remote_src: { type: 'bool', default: true },
  regexp: { type: 'str' },
  ignore_hidden: { type: 'bool' },
  decrypt: { type: 'bool' },
  ...PUT_ARGS,
});

export const assemble: ModuleDef = {
  name: 'assemble',
  noCheckMode: true,
  checkModeResult: { changed: false, msg: 'check mode is not supported for this task.', skipped: true },
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const srcArg = a.src;
    const dest = await expandPath(ctx, a.dest);
    const re = a.regexp === undefined ? undefined : pyRegex(a.regexp, 'regexp');
    const ignoreHidden = a.ignore_hidden;
    const remoteSrc = a.remote_src;
    const src = remoteSrc ? await expandPath(ctx, srcArg) : ctx.findFile('files', srcArg);
    const frags = remoteSrc ? await remoteFragments(ctx, src, re, ignoreHidden) : await localFragments(src, re, ignoreHidden);
    if (typeof frags === 'string') return failed(frags);
    // Ansible's action (remote_src: false) compares bytes with b'\n' and so always adds a newline
    const data = joinFragments(frags, a.delimiter, !remoteSrc);
    const r = await putFile(ctx, { dest, data, afterHeader: remoteSrc ? `${src} (assembled)` : src, ...putArgs(a), force: true, moduleShape: true, srcPath: src });
    return { ...r, msg: 'OK' };
  },
};
