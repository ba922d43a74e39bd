/**
 * ansible.builtin.fetch: copy a file from the host to the WORKSTATION. Without flat the file
 * lands at DEST/INVENTORY_HOSTNAME/SRC-PATH as Ansible does. Compared by sha1 first (one exec),
 * read only when different; the bytes read must match the host's size and sha256 (and sha1) before
 * they are written atomically (temp file + rename) on the workstation.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, normalize, resolve } from 'node:path';
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { declareArgs } from './util/declare.js';
import { contentDiff } from './util/diff.js';
import { expandPath } from './util/paths.js';

const args = declareArgs({
  src: { type: 'str', required: true },
  dest: { type: 'str', required: true },
  flat: { type: 'bool' },
  fail_on_missing: { type: 'bool', default: true, aliases: ['fail_when_missing'] },
  validate_checksum: { type: 'bool', default: true },
});

export const fetch: ModuleDef = {
  name: 'fetch',
  noCheckMode: true,
  checkModeResult: { changed: false, msg: 'check mode not (yet) supported for this module', skipped: true },
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const src = await expandPath(ctx, a.src);
    let destArg = a.dest;
    const { flat, fail_on_missing: failOnMissing, validate_checksum: validate } = a;

    if (destArg.startsWith('~')) destArg = homedir() + destArg.slice(1);
    const base = typeof ctx.vars.playbook_dir === 'string' ? ctx.vars.playbook_dir : process.cwd();
    let dest: string;
    if (flat) {
      dest = isAbsolute(destArg) ? destArg : resolve(base, destArg);
      if (destArg.endsWith('/')) dest = join(dest, src.split('/').pop() ?? '');
    } else {
      dest = normalize(`${isAbsolute(destArg) ? destArg : resolve(base, destArg)}/${ctx.host}/${src}`);
    }

    const q = shq(src);
    const r = await ctx.run(`[ -e ${q} ] || { echo 1; exit 0; }; [ -d ${q} ] && { echo 3; exit 0; }; [ -r ${q} ] || { echo 2; exit 0; }; s=$(sha1sum < ${q}) && h=$(sha256sum < ${q}) && z=$(stat -L -c %s -- ${q}) && echo "\${s%% *} $z \${h%% *}"`);
    const [remote, size, sha256] = r.stdout.trim().split(' ');
    const result: ModuleResult = { changed: false, file: src, dest };
    const problems: Record<string, string> = {
      '1': 'the remote file does not exist',
      '2': 'no read permission on remote file',
      '3': 'remote file is a directory, fetch cannot work on directories',
    };
    if (r.rc !== 0 || problems[remote] !== undefined || !/^[0-9a-f]{40}$/.test(remote)) {
      const msg = problems[remote] ?? `unable to calculate the checksum of the remote file: ${r.stderr.trim()}`;
      if (failOnMissing) return { file: src, changed: false, failed: true, msg };
      return { changed: false, file: src, msg: `${msg}, not transferring, ignored` };
    }
    const local = await readFile(dest).catch(() => undefined);
    const localSum = local ? createHash('sha1').update(local).digest('hex') : undefined;
    // the same file here: Ansible's result names the local copy's checksums and the remote file
    if (localSum === remote) return { changed: false, checksum: localSum, dest, file: src, md5sum: createHash('md5').update(local!).digest('hex') };
    delete result.file;
    Object.assign(result, { changed: true, checksum: localSum ?? null, remote_checksum: remote, remote_md5sum: null });
    // the engine skips the task under --check (noCheckMode); a direct caller in check mode gets the report
    if (ctx.check) return result;
    const c = await ctx.run(`exec cat -- ${q}`);
    if (c.rc !== 0) return { ...result, changed: false, failed: true, msg: `unable to read ${src}: ${c.stderr.trim()}` };
    const data = c.stdoutBuf ?? Buffer.from(c.stdout);
    const got = createHash('sha1').update(data).digest('hex');
    // what arrived must be what the host has (size, sha256) before it replaces anything here
    if (validate && (got !== remote || data.length !== Number(size) || createHash('sha256').update(data).digest('hex') !== sha256)) {
      return { ...result, changed: false, failed: true, msg: `checksum mismatch: ${data.length} of ${size} bytes arrived, or their sha256 differs; ${dest} is left as it was`, checksum: got };
    }
    if (ctx.diff) result.diff = contentDiff(local, data, dest, `${ctx.host}:${src}`);
    await mkdir(dirname(dest), { recursive: true });
    const tmp = `${dest}.kbs-tmp-${process.pid}-${Date.now()}`;
    try {
      await writeFile(tmp, data);
      await rename(tmp, dest);
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw new KbsError('TASK', `cannot write ${dest} on the workstation: ${(e as Error).message}`);
    }
    result.checksum = got;
    result.md5sum = createHash('md5').update(data).digest('hex');
    return result;
  },
};
