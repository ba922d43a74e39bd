/** ansible.builtin.stat: facts about one path, in one exec. get_mime and get_attributes are not computed. */
import { expandPath } from './util/paths.js';
import type { ModuleDef } from './types.js';
import { failed, optStr, reqStr, toBool } from './util/args.js';
import { shq } from '../transport/shell.js';
import { formatMode, modeFlags } from './util/mode.js';
import { probe, type Algo } from './util/remote.js';
import { BOOL, STR, argsSchema, oneOfStr } from './util/schema.js';
import { KbsError } from '../errors.js';

const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];

export const stat: ModuleDef = {
  name: 'stat',
  schema: {
    ...argsSchema({
      path: STR,
      dest: STR,
      name: STR,
      follow: BOOL,
      get_checksum: BOOL,
      checksum_algorithm: oneOfStr(...ALGOS),
      checksum: oneOfStr(...ALGOS),
      checksum_algo: oneOfStr(...ALGOS),
      get_mime: BOOL,
      mime: BOOL,
      mime_type: BOOL,
      'mime-type': BOOL,
      get_attributes: BOOL,
      attr: BOOL,
      attributes: BOOL,
    }),
    anyOf: [{ required: ['path'] }, { required: ['dest'] }, { required: ['name'] }],
  },
  async run(args, ctx) {
    const path = await expandPath(ctx, optStr(args, 'path', 'dest', 'name') ?? reqStr(args, 'path'));
    const algo = optStr(args, 'checksum_algorithm', 'checksum', 'checksum_algo') ?? 'sha1';
    if (!ALGOS.includes(algo)) throw new KbsError('TASK', `checksum_algorithm must be one of: ${ALGOS.join(', ')}`);
    const getChecksum = toBool(args.get_checksum, true, 'get_checksum');
    const follow = toBool(args.follow, false, 'follow');
    const p = await probe(ctx, [{ tag: 'x', path, follow, checksum: getChecksum ? (algo as Algo) : undefined }]);
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
    return { changed: false, stat: st };
  },
};
