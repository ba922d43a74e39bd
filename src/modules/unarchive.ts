/**
 * ansible.builtin.unarchive: tar (gz/xz/bz2/zst, detected by GNU tar) and zip archives, from the
 * workstation (uploaded to a temp file first) or already on the host (remote_src, or a URL
 * downloaded there with curl). Tar archives are compared with `tar --diff` as Ansible does, zip
 * archives by extracting to a temp folder and comparing files; only then is dest touched.
 */
import { addPathInfo } from './util/pathinfo.js';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import type { AttrWant } from './util/attrs.js';
import { change } from './util/change.js';
import { FILE_ATTR_ARGS, declareArgs } from './util/declare.js';
import { resolveMode } from './util/mode.js';
import { expandPath } from './util/paths.js';
import { chownSpec, expectedOf, remoteError, tempTrap, verifyScript } from './util/remote.js';
import { chownChmodBelow } from './util/tree.js';
import { curlConfig, httpSpec, safeUrl } from './sys/curl.js';

const DIFFERENCE = /: (.*) differs$/;

const args = declareArgs({
  src: { type: 'str', required: true },
  dest: { type: 'str', required: true },
  remote_src: { type: 'bool' },
  copy: { type: 'bool', default: true },
  creates: { type: 'str' },
  extra_opts: { type: 'list' },
  list_files: { type: 'bool' },
  include: { type: 'list' },
  exclude: { type: 'list' },
  keep_newer: { type: 'bool' },
  validate_certs: { type: 'bool', default: true },
  decrypt: { type: 'bool' },
  io_buffer_size: { type: 'str' },
  ...FILE_ATTR_ARGS,
});

export const unarchive: ModuleDef = {
  name: 'unarchive',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const srcArg = a.src;
    const dest = await expandPath(ctx, a.dest);
    const isUrl = /^[a-z]+:\/\//i.test(srcArg);
    const remote = isUrl || a.remote_src || !a.copy;
    const creates = await expandPath(ctx, a.creates);
    const opts = a.extra_opts.map(String);
    const includes = a.include.map(String);
    const excludes = a.exclude.map(String);
    const listFiles = a.list_files;
    const { mode, owner, group } = a;

    const pre = await ctx.run(
      [
        creates !== undefined ? `[ -e ${shq(creates)} ] && echo CREATES` : '',
        `[ -d ${shq(dest)} ] || echo NODEST`,
        remote && !isUrl ? `[ -f ${shq(srcArg)} ] || echo NOSRC` : '',
        'command -v unzip >/dev/null 2>&1 && echo UNZIP',
        'umask',
      ]
        .filter(Boolean)
        .join('\n'),
    );
    const flags = new Set(pre.stdout.split('\n').map((s) => s.trim()));
    const umask = parseInt(pre.stdout.trim().split('\n').pop() ?? '022', 8);
    if (flags.has('CREATES')) return { changed: false, skipped: true, msg: `skipped, since ${creates} exists`, dest };
    if (flags.has('NODEST')) return { changed: false, failed: true, msg: `dest '${dest}' must be an existing dir` };
    if (flags.has('NOSRC')) return { changed: false, failed: true, dest, msg: `Source '${srcArg}' does not exist` };
    const isZip = /\.zip$/i.test(isUrl ? new URL(srcArg).pathname : srcArg);
    if (isZip && !flags.has('UNZIP')) {
      return { changed: false, failed: true, dest, msg: `Unable to find required 'unzip' binary in the path (needed for ${srcArg})`, hint: 'install the unzip package' };
    }

    // the archive on the host: as given, uploaded, or downloaded into a temp folder
    const upload = !remote ? await readFile(ctx.findFile('files', srcArg)) : undefined;
    const tmpName = isUrl ? basenameOfUrl(srcArg) : basename(srcArg);
    const w = (await ctx.run('mktemp -d')).stdout.trim();
    if (!w.startsWith('/')) throw new KbsError('TASK', 'cannot create a temp folder on the host');
    try {
      let archive = srcArg;
      if (upload) {
        archive = `${w}/${tmpName}`;
        // a truncated archive would unpack part of its files: check it arrived whole
        const a = shq(archive);
        const r = await ctx.run(`a=${a}\n${tempTrap('a')}\ncat > "$a" || exit 1\n${verifyScript('a', expectedOf(upload))}\ntrap - EXIT`, { stdin: upload });
        if (r.rc !== 0) throw remoteError(`cannot upload ${srcArg}`, r);
      } else if (isUrl) {
        archive = `${w}/${tmpName}`;
        const http = httpSpec(a, 10);
        const r = await ctx.run(`curl -sS -f --config - -o ${shq(archive)}`, { stdin: curlConfig({ ...http, url: srcArg, followRedirects: true }) });
        if (r.rc !== 0) return { changed: false, failed: true, dest, msg: `Failure downloading ${safeUrl(srcArg)}: ${r.stderr.trim()}` };
      }
      const res = isZip
        ? await zip(ctx, { archive, dest, w, opts, includes, excludes })
        : await tar(ctx, { archive, dest, opts, includes, excludes, owner, group, keepNewer: a.keep_newer });
      const result: ModuleResult = { changed: !res.unarchived, dest, src: isUrl ? safeUrl(srcArg) : srcArg, handler: isZip ? 'ZipArchive' : 'TgzArchive' };
      if (listFiles) result.files = res.files;
      if (ctx.diff && !res.unarchived) result.diff = { before_header: dest, after_header: srcArg, before: '', after: res.differences.join('\n') + '\n' };
      const x = res.unarchived ? undefined : await change(ctx, `unpack ${safeUrl(srcArg)} to ${dest}`, res.extract, { keepFailure: true });
      if (x) {
        result.extract_results = { cmd: res.extract, rc: x.rc, out: x.stdout, err: x.stderr };
        if (x.rc !== 0) return { ...result, failed: true, msg: `Failed to unpack ${srcArg} to ${dest}: ${x.stderr.trim().split('\n').slice(-3).join('; ')}` };
      }
      // mode/owner/group of every extracted path (of none when check mode did not extract them)
      if ((mode || owner || group) && (res.unarchived || x)) {
        const changed = await fixAttrs(ctx, dest, res.files, { mode, owner, group }, umask);
        if (changed) result.changed = true;
      }
      // the folder's uid, gid, owner, group, mode, state and size (Ansible's add_path_info of dest)
      return addPathInfo(ctx, result);
    } finally {
      await ctx.run(`rm -rf -- ${shq(w)}`);
    }
  },
};

function basenameOfUrl(u: string): string {
  return new URL(u).pathname.split('/').pop() || 'archive';
}

interface Check {
  unarchived: boolean;
  files: string[];
  differences: string[];
  /** the command extracting the archive into dest */
  extract: string;
}

async function tar(
  ctx: ModuleContext,
  o: { archive: string; dest: string; opts: string[]; includes: string[]; excludes: string[]; owner?: string; group?: string; keepNewer: boolean },
): Promise<Check> {
  const common = [
    ...o.opts.map(shq),
    ...(o.owner ? [`--owner=${shq(o.owner)}`] : []),
    ...(o.group ? [`--group=${shq(o.group)}`] : []),
    ...o.excludes.map((e) => shq(`--exclude=${e}`)),
  ];
  const inc = o.includes.map(shq).join(' ');
  const a = shq(o.archive);
  const d = shq(o.dest);
  const list = await ctx.run(`tar -t ${[...o.opts.map(shq), ...o.excludes.map((e) => shq(`--exclude=${e}`))].join(' ')} -f ${a} ${inc}`);
  if (list.rc !== 0) throw new KbsError('TASK', `Failed to find handler for "${o.archive}": tar cannot list it: ${list.stderr.trim().split('\n').slice(-2).join('; ')}`);
  const files = list.stdout.split('\n').filter(Boolean);
  const diff = await ctx.run(`cd ${d} && LC_ALL=C tar --diff -C ${d} ${common.join(' ')}${o.keepNewer ? ' --keep-newer-files' : ''} -f ${a} ${inc}`);
  const toBeSet = new Set<string>();
  if (o.owner) toBeSet.add('Uid');
  if (o.group) toBeSet.add('Gid');
  const changes = new Set<string>();
  let unarchived = diff.stderr.trim() === '';
  const differences = [...diff.stdout.split('\n').filter(Boolean), ...diff.stderr.split('\n').filter(Boolean)];
  if (unarchived) {
    for (const line of diff.stdout.split('\n').filter(Boolean)) {
      const m = DIFFERENCE.exec(line);
      if (!m) {
        unarchived = false;
        break;
      }
      changes.add(m[1]);
    }
    if (unarchived && changes.size) unarchived = [...changes].every((c) => toBeSet.has(c));
  }
  const extract = `tar --extract -C ${d} ${common.join(' ')}${o.keepNewer ? ' --keep-newer-files' : ''} -f ${a} ${inc}`;
  return { unarchived, files, differences, extract };
}

async function zip(ctx: ModuleContext, o: { archive: string; dest: string; w: string; opts: string[]; includes: string[]; excludes: string[] }): Promise<Check> {
  const a = shq(o.archive);
  const x = o.excludes.length ? ` -x ${o.excludes.map(shq).join(' ')}` : '';
  const inc = o.includes.map(shq).join(' ');
  const t = shq(`${o.w}/unzipped`);
  const script = [
    `mkdir -p ${t} && unzip -qq -o ${o.opts.map(shq).join(' ')} ${a} ${inc}${x} -d ${t} >&2 || exit 1`,
    `cd ${t} && find . -mindepth 1 -printf '%y %P\\n' | while IFS= read -r l; do y=\${l%% *}; p=\${l#* }; f=${shq(o.dest)}/"$p";`,
    `  printf 'F\\t%s%s\\n' "$p" "$( [ "$y" = d ] && echo /)";`,
    `  if [ "$y" = d ]; then [ -d "$f" ] || printf 'D\\t%s\\n' "$p"; elif [ "$y" = f ]; then cmp -s -- "$p" "$f" || printf 'D\\t%s\\n' "$p"; fi; done`,
  ].join('\n');
  const r = await ctx.run(script);
  if (r.rc !== 0) throw new KbsError('TASK', `Failed to find handler for "${o.archive}": unzip cannot read it: ${r.stderr.trim().split('\n').slice(-2).join('; ')}`);
  const files: string[] = [];
  const differences: string[] = [];
  for (const line of r.stdout.split('\n')) {
    if (line.startsWith('F\t')) files.push(line.slice(2));
    else if (line.startsWith('D\t')) differences.push(`${line.slice(2)}: missing or differs`);
  }
  const extract = `unzip -qq -o ${o.opts.map(shq).join(' ')} ${a} ${inc}${x} -d ${shq(o.dest)}`;
  return { unarchived: differences.length === 0, files, differences, extract };
}

/** chmod/chown the listed paths below dest where they differ (through the change seam); true when something changed (or would). */
async function fixAttrs(ctx: ModuleContext, dest: string, files: string[], want: AttrWant, umask: number): Promise<boolean> {
  if (!files.length) return false;
  const paths = [...new Set(files.map((f) => f.replace(/\/+$/, '')).filter((f) => f && f !== '.'))].map((f) => `${dest}/${f.replace(/^\.\//, '')}`);
  const r = await ctx.run(`xargs -0 stat -c '%F|%a|%U|%G|%u|%g|%n' -- 2>/dev/null; true`, { stdin: paths.join('\0') + '\0' });
  const chmods = new Map<number, string[]>();
  const chowns: string[] = [];
  for (const line of r.stdout.split('\n').filter(Boolean)) {
    const [type, m, u, g, uid, gid, ...rest] = line.split('|');
    const p = rest.join('|');
    if (type === 'symbolic link') continue;
    if (want.mode) {
      const cur = parseInt(m, 8);
      const nm = resolveMode(want.mode, cur, type === 'directory', umask);
      if (nm !== cur) chmods.set(nm, [...(chmods.get(nm) ?? []), p]);
    }
    const ownerOk = !want.owner || want.owner === u || want.owner === uid;
    const groupOk = !want.group || want.group === g || want.group === gid;
    if (!ownerOk || !groupOk) chowns.push(p);
  }
  if (!chmods.size && !chowns.length) return false;
  await chownChmodBelow(ctx, dest, chownSpec(want.owner, want.group), chowns, [...chmods].map(([m, list]) => [m.toString(8), list]));
  return true;
}
