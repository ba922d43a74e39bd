/**
 * ansible.builtin.stat: facts about one path, in one exec: stat, the checksum, and (get_mime,
 * get_attributes, both on by default as in Ansible) `file --mime-type --mime-encoding` and
 * `lsattr -vd`.
 */
import { expandPath } from './util/paths.js';
import type { ModuleDef } from './types.js';
import { failed } from './util/args.js';
import { shq } from '../transport/shell.js';
import { formatMode, modeFlags } from './util/mode.js';
import { probe, type Algo } from './util/remote.js';
import { REQUIRED_STR_EMPTY_OK, declareArgs } from './util/declare.js';
import { oneOfStr } from './util/schema.js';
import { KbsError } from '../errors.js';

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

const args = declareArgs({
  path: { ...REQUIRED_STR_EMPTY_OK, aliases: ['dest', 'name'] },
  follow: { type: 'bool' },
  get_checksum: { type: 'bool', default: true },
  // the schema names the algorithms; the run gives kbs's message for another
  checksum_algorithm: { type: 'str', default: 'sha1', aliases: ['checksum', 'checksum_algo'], schema: oneOfStr(...ALGOS) },
  get_mime: { type: 'bool', default: true, aliases: ['mime', 'mime_type', 'mime-type'] },
  get_attributes: { type: 'bool', default: true, aliases: ['attr', 'attributes'] },
});

export const stat: ModuleDef = {
  name: 'stat',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const path = await expandPath(ctx, a.path);
    const algo = a.checksum_algorithm;
    if (!ALGOS.includes(algo)) throw new KbsError('TASK', `checksum_algorithm must be one of: ${ALGOS.join(', ')}`);
    const { get_checksum: getChecksum, follow, get_mime: getMime, get_attributes: getAttr } = a;
    const q = shq(path);
    const prelude = [
      getMime ? `if [ -e ${q} ] || [ -L ${q} ]; then command -v file >/dev/null 2>&1 && printf 'MIME\\t%s\\n' "$(file --mime-type --mime-encoding -- ${q} 2>/dev/null)"; fi` : '',
      getAttr ? `if [ -e ${q} ] || [ -L ${q} ]; then command -v lsattr >/dev/null 2>&1 && printf 'ATTR\\t%s\\n' "$(lsattr -vd -- ${q} 2>/dev/null)"; fi` : '',
    ]
      .filter(Boolean)
      .join('\n');
    const p = await probe(ctx, [{ tag: 'x', path, follow, checksum: getChecksum ? (algo as Algo) : undefined }], { prelude });
    const i = p.files.x;
    if (!i.exists) {
      // `[ -e ]` is false as well when a parent folder cannot be searched: Ansible fails then (EACCES)
      const r = await ctx.run(`LC_ALL=C stat -c %i -- ${shq(path)}`);
      if (/Permission denied/.test(r.stderr)) return failed(`Permission denied: ${path}`);
      return { changed: false, stat: { exists: false } };
    }
    const m = i.mode;
    const st: Record<string, unknown> = {
      exists: true,
      path,
      mode: formatMode(m),
      isdir: i.type === 'directory',
      ischr: i.type === 'chr',
      isblk: i.type === 'blk',
      isreg: i.type === 'file',
      isfifo: i.type === 'fifo',
      islnk: i.type === 'link',
      issock: i.type === 'socket',
      uid: i.uid,
      gid: i.gid,
      size: i.size,
      inode: i.inode,
      dev: i.dev,
      nlink: i.nlink,
      atime: i.atime,
      mtime: i.mtime,
      ctime: i.ctime,
      ...modeFlags(m),
      blocks: i.blocks,
      block_size: i.blockSize,
      device_type: i.type === 'chr' || i.type === 'blk' ? (i.devMajor << 8) | (i.devMinor & 0xff) | ((i.devMinor & ~0xff) << 12) : 0,
      readable: i.readable,
      writeable: i.writeable,
      executable: i.executable,
      pw_name: i.owner,
      gr_name: i.group,
    };
    if (i.checksum !== undefined) st.checksum = i.checksum;
    if (i.type === 'link') {
      st.lnk_source = i.lnkSource;
      st.lnk_target = i.lnkTarget;
    }
    if (getMime) Object.assign(st, mimeOf(p.vals.MIME));
    if (getAttr) Object.assign(st, attributesOf(p.vals.ATTR));
    return { changed: false, stat: st };
  },
};

/** `file --mime-type --mime-encoding` output ("PATH: text/plain; charset=us-ascii") as Ansible reads it */
function mimeOf(out: string | undefined): { mimetype: string; charset: string } {
  const r = { mimetype: 'unknown', charset: 'unknown' };
  const tail = out?.includes(':') ? out.slice(out.lastIndexOf(':') + 1) : undefined;
  const parts = tail?.split(';');
  if (parts?.length === 2 && parts[1].includes('=')) {
    r.mimetype = parts[0].trim();
    r.charset = parts[1].split('=')[1].trim();
  }
  return r;
}

/** lsattr's flag letters → Ansible's attribute names */
const FILE_ATTRIBUTES: Record<string, string> = {
  A: 'noatime', a: 'append', c: 'compressed', C: 'nocow', d: 'nodump', D: 'dirsync', e: 'extents', E: 'encrypted', h: 'blocksize', i: 'immutable',
  I: 'indexed', j: 'journalled', N: 'inline', s: 'zero', S: 'synchronous', t: 'notail', T: 'blockroot', u: 'undelete', X: 'compressedraw', Z: 'compresseddirty',
};

/** `lsattr -vd` output ("VERSION FLAGS PATH") as Ansible's get_file_attributes reads it */
function attributesOf(out: string | undefined): { version: string | null; attributes: string[]; attr_flags: string } {
  const f = (out ?? '').trim().split(/\s+/);
  if (f.length < 3) return { version: null, attributes: [], attr_flags: '' };
  const flags = f[1].replace(/-/g, '');
  return { version: f[0], attr_flags: flags, attributes: [...flags].filter((c) => c in FILE_ATTRIBUTES).map((c) => FILE_ATTRIBUTES[c]) };
}
