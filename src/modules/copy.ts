/** ansible.builtin.copy: put a workstation file, a remote file (remote_src) or `content` at `dest`. */
import { expandPath } from './util/paths.js';
import { readFile, readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { KbsError } from '../errors.js';
import type { DiffEntry, ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { SELINUX_ARGS, declareArgs } from './util/declare.js';
import { FORCE_ARG, PUT_ARGS, putArgs, putFile, type PutSpec } from './util/putfile.js';
import { probe } from './util/remote.js';
import { hideVaultedDiff, unvaultFileData } from '../vault/files.js';
import { pyJson } from '../template/filters-serial.js';
import { pyStr } from '../template/python.js';

/** Python's json.dumps defaults */
const PY_JSON = { indent: null, sortKeys: false, ensureAscii: true, itemSep: ', ', keySep: ': ' };

const args = declareArgs({
  src: { type: 'str' },
  content: { type: 'any' },
  dest: { type: 'str', required: true },
  ...PUT_ARGS,
  ...FORCE_ARG,
  remote_src: { type: 'bool' },
  local_follow: { type: 'bool' },
  directory_mode: { type: 'mode' },
  ...SELINUX_ARGS,
  decrypt: { type: 'bool', default: true },
});

export const copy: ModuleDef = {
  name: 'copy',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const dest = await expandPath(ctx, a.dest);
    const { src, content, decrypt } = a;
    // Ansible's messages (the load check of staticfiles.ts gives the same for literal values)
    if (src !== undefined && content !== undefined) throw new KbsError('TASK', 'src and content are mutually exclusive');
    if (src === undefined && content === undefined) throw new KbsError('TASK', 'src (or content) is required');
    const common = { dest, ...putArgs(a) };

    if (content !== undefined) {
      // Ansible writes a dict or list (after templating) as json.dumps does, other values as str() does
      const text = typeof content === 'string' ? content : typeof content === 'object' ? pyJson(content, PY_JSON) : pyStr(content);
      return putFile(ctx, { ...common, data: Buffer.from(text, 'utf8'), afterHeader: 'dynamically generated' });
    }

    if (a.remote_src) return copyRemote(ctx, await expandPath(ctx, src!), common);

    const path = ctx.findFile('files', src!);
    const st = await stat(path);
    if (st.isDirectory()) return copyTree(ctx, path, src!, common, decrypt);
    const f = readSource(path, await readFile(path), decrypt);
    const r = await putFile(ctx, { ...common, data: f.data, basename: basename(path), srcMode: st.mode, afterHeader: path });
    return f.vaulted ? hideVaultedDiff(r) : r;
  },
};

type Common = Omit<PutSpec, 'afterHeader'>;

/** remote_src: the source is a file on the host; compared by sha256 there, copied with cp. */
async function copyRemote(ctx: ModuleContext, src: string, common: Common): Promise<ModuleResult> {
  const p = await probe(ctx, [
    { tag: 'src', path: src, follow: true, checksum: 'sha256' },
    { tag: 'sha1', path: src, follow: true, checksum: 'sha1' },
    { tag: 'md5', path: src, follow: true, checksum: 'md5' },
  ]);
  const s = p.files.src;
  if (!s.exists) throw new KbsError('TASK', `Source ${src} not found`);
  if (s.type === 'directory') throw new KbsError('TASK', `remote_src with a directory (${src}) is not supported by kbs`, { hint: 'use the command module with cp -a' });
  if (!s.readable) throw new KbsError('TASK', `Source ${src} not readable`);
  const r = await putFile(ctx, {
    ...common,
    remote: { path: src, sha256: s.checksum ?? '', sha1: p.files.sha1.checksum, md5: p.files.md5.checksum },
    moduleShape: true,
    basename: basename(src),
    srcMode: s.mode,
    afterHeader: src,
  });
  return r;
}

/** a workstation file's bytes: a vault-encrypted one decrypted (decrypt: true, Ansible's default) */
function readSource(path: string, data: Buffer, decrypt: boolean): { data: Buffer; vaulted: boolean } {
  return decrypt ? unvaultFileData(path, data) : { data, vaulted: false };
}

/**
 * A workstation folder: "dir/" copies its contents into dest, "dir" copies the folder itself.
 * Each file is one probe and (when different) one write; folders are created as needed.
 */
async function copyTree(ctx: ModuleContext, root: string, src: string, common: Common, decrypt: boolean): Promise<ModuleResult> {
  const base = src.endsWith('/') ? common.dest : join(common.dest, basename(root));
  const files = await walk(root, '');
  let changed = false;
  const diff: DiffEntry[] = [];
  for (const rel of files) {
    const full = join(root, rel);
    const st = await stat(full);
    const f = readSource(full, await readFile(full), decrypt);
    const put = await putFile(ctx, {
      ...common,
      dest: join(base, rel),
      mkdirs: true,
      data: f.data,
      srcMode: st.mode,
      afterHeader: full,
    });
    const r = f.vaulted ? hideVaultedDiff(put) : put;
    changed ||= r.changed;
    if (r.diff) diff.push(...(Array.isArray(r.diff) ? r.diff : [r.diff]));
  }
  const out: ModuleResult = { changed, dest: base, src: root, files: files.length };
  if (diff.length) out.diff = diff;
  return out;
}

async function walk(root: string, rel: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(join(root, rel), { withFileTypes: true });
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const r = rel ? join(rel, e.name) : e.name;
    if (e.isDirectory()) out.push(...(await walk(root, r)));
    else if (e.isFile() || e.isSymbolicLink()) out.push(r);
  }
  return out;
}
