/**
 * Remote file state in one round trip, and atomic writes in another. All snippets are POSIX sh
 * using coreutils (stat, sha*sum, mktemp, readlink) as found on Debian.
 */
import { createHash } from 'node:crypto';
import { KbsError } from '../../errors.js';
import { shq } from '../../transport/shell.js';
import type { ExecResult } from '../../transport/types.js';
import type { ModuleContext } from '../types.js';
import { type PathInfo, parsePathInfoLine, pathInfoLine } from './pathinfo.js';

export type FileType = 'file' | 'directory' | 'link' | 'chr' | 'blk' | 'fifo' | 'socket';

export interface FileInfo {
  exists: boolean;
  type?: FileType;
  /** permission bits (07777) */
  mode: number;
  uid: number;
  gid: number;
  owner: string;
  group: string;
  size: number;
  inode: number;
  dev: number;
  nlink: number;
  atime: number;
  mtime: number;
  ctime: number;
  blocks: number;
  /** st_blksize: the preferred I/O size (stat's %o) */
  blockSize: number;
  devMajor: number;
  devMinor: number;
  /** for a symlink (not followed): readlink, and the fully resolved path */
  lnkTarget?: string;
  lnkSource?: string;
  checksum?: string;
  readable: boolean;
  writeable: boolean;
  executable: boolean;
  /** set by copy's probe: the parent folder exists */
  parentIsDir?: boolean;
}

export interface Probe {
  umask: number;
  user: string;
  group: string;
  files: Record<string, FileInfo>;
  /** free `K\tvalue` lines printed by a prelude */
  vals: Record<string, string>;
  /** file bytes requested with `content` */
  content?: Buffer;
}

export type Algo = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512' | 'md5';

export interface ProbeItem {
  tag: string;
  /** a literal path, or `expr`: an sh word such as "$d" set by a prelude */
  path?: string;
  expr?: string;
  follow?: boolean;
  checksum?: Algo;
  /**
   * TAG of an earlier item for the same path without follow: when the path is not a symlink this
   * item is the same file, so the host skips the second stat and kbs copies that item's info.
   */
  sameAs?: string;
}

/**
 * Sets $kbs_dir to the parent folder of $1 as dirname(1) prints it, without spawning a process:
 * use `kbs_dirname "$d"; [ -d "$kbs_dir" ]` in a prelude.
 */
export const DIRNAME_FN = `kbs_dirname() {
kbs_dir=$1
while [ "$kbs_dir" != / ] && [ "\${kbs_dir%/}" != "$kbs_dir" ]; do kbs_dir=\${kbs_dir%/}; done
case $kbs_dir in
*/*) kbs_dir=\${kbs_dir%/*}; while [ "\${kbs_dir%/}" != "$kbs_dir" ]; do kbs_dir=\${kbs_dir%/}; done; [ -n "$kbs_dir" ] || kbs_dir=/ ;;
*) kbs_dir=. ;;
esac
}
`;

/** The remote identity a probe reports (umask, user, primary group); it does not change within a run. */
interface Identity {
  umask: number;
  user: string;
  group: string;
}
const IDENTITY = 'remote.identity';

const FN = `kbs_p() {
printf '@@\\t%s\\n' "$1"
if [ "$3" = L ]; then [ -e "$2" ] || { echo A; return 0; }; else [ -e "$2" ] || [ -L "$2" ] || { echo A; return 0; }; fi
stat \${3:+-L} --printf 'S\\t%f\\t%u\\t%g\\t%U\\t%G\\t%s\\t%i\\t%d\\t%h\\t%.9X\\t%.9Y\\t%.9Z\\t%b\\t%o\\t%t\\t%T\\n' -- "$2" || return 1
if [ "$3" != L ] && [ -L "$2" ]; then printf 'L\\t%s\\n' "$(readlink -- "$2")"; printf 'R\\t%s\\n' "$(readlink -f -- "$2")"; fi
a=; [ -r "$2" ] && a=r; [ -w "$2" ] && a=\${a}w; [ -x "$2" ] && a=\${a}x; printf 'P\\t%s\\n' "$a"
if [ -n "$4" ] && [ -f "$2" ] && [ -r "$2" ] && { [ "$3" = L ] || [ ! -L "$2" ]; }; then h=$("$4"sum < "$2") || return 1; printf 'C\\t%s\\n' "\${h%% *}"; fi
return 0
}
`;
const IDENTITY_LINE = `printf 'M\\t%s\\t%s\\n' "$(umask)" "$(LC_ALL=C id)"\n`;

export interface ProbeOptions {
  prelude?: string;
  content?: { expr: string; max?: number };
  /** instead of `content`: a snippet run last, whose output is the probe's content */
  trailer?: string;
  /** print the M line (umask, id); false when kbs already knows them */
  identity?: boolean;
}

/** The probe snippet: header line, then one block per item, then (optionally) the content of one file. */
export function probeScript(items: ProbeItem[], opts: ProbeOptions = {}): string {
  let s = FN;
  // defined only for the preludes that call it: every probe's bytes cross the wire and get parsed
  if (opts.prelude?.includes('kbs_dirname')) s += DIRNAME_FN;
  if (opts.identity !== false) s += IDENTITY_LINE;
  if (opts.prelude) s += opts.prelude + '\n';
  for (const it of items) {
    const p = it.expr ?? shq(it.path ?? '');
    const call = `kbs_p ${shq(it.tag)} ${p} ${it.follow ? 'L' : "''"} ${it.checksum ?? "''"} || exit 1`;
    if (it.sameAs !== undefined) s += `if [ -L ${p} ]; then ${call}; else printf '@@\\t%s\\n=\\t%s\\n' ${shq(it.tag)} ${shq(it.sameAs)}; fi\n`;
    else s += call + '\n';
  }
  if (opts.content) {
    const p = opts.content.expr;
    const size = opts.content.max === undefined ? '' : ` && [ "$(stat -L -c %s -- ${p})" -le ${opts.content.max} ]`;
    s += `if [ -f ${p} ]${size}; then printf '@@content\\n'; cat -- ${p} || exit 1; fi\n`;
  } else if (opts.trailer) s += `printf '@@content\\n'\n${opts.trailer}\n`;
  return s;
}

/** Run a probe snippet and parse its output. Throws KbsError TASK when the host says no. */
export async function probe(ctx: ModuleContext, items: ProbeItem[], opts: Omit<ProbeOptions, 'identity'> = {}): Promise<Probe> {
  const known = ctx.memo?.get(IDENTITY) as Identity | undefined;
  // kbs's own read-only snippet: it may run inline in the remote shell (no exec of /bin/sh)
  const r = await ctx.run(probeScript(items, { ...opts, identity: !known }), { inline: true });
  if (r.rc !== 0) throw remoteError('cannot inspect the file on the host', r);
  const p = parseProbe(r.stdoutBuf ?? Buffer.from(r.stdout));
  if (known) Object.assign(p, known);
  else ctx.memo?.set(IDENTITY, { umask: p.umask, user: p.user, group: p.group } satisfies Identity);
  return p;
}

export function parseProbe(buf: Buffer): Probe {
  let head = buf;
  let content: Buffer | undefined;
  const marker = Buffer.from('@@content\n');
  const at = buf.indexOf(Buffer.from('\n@@content\n'));
  if (at >= 0) {
    head = buf.subarray(0, at + 1);
    content = buf.subarray(at + 1 + marker.length);
  }
  const out: Probe = { umask: 0o022, user: '', group: '', files: {}, vals: {}, content };
  let cur: FileInfo | undefined;
  for (const line of head.toString('utf8').split('\n')) {
    if (!line) continue;
    const tab = line.indexOf('\t');
    const k = tab < 0 ? line : line.slice(0, tab);
    const v = tab < 0 ? '' : line.slice(tab + 1);
    const f = v.split('\t');
    if (k === 'M') {
      // one `id` (uid=0(root) gid=0(root) groups=...) instead of `id -un` and `id -gn`: every
      // probe runs this, and each process spawned on the host counts at 30 hosts x 30 tasks
      out.umask = parseInt(f[0], 8);
      out.user = /^uid=\d+\(([^)]*)\)/.exec(f[1] ?? '')?.[1] ?? '';
      out.group = / gid=\d+\(([^)]*)\)/.exec(f[1] ?? '')?.[1] ?? '';
    } else if (k === '@@') {
      cur = emptyInfo();
      out.files[v] = cur;
    } else if (k === 'A') {
      /* absent: keep emptyInfo */
    } else if (k === 'S' && cur) {
      const raw = parseInt(f[0], 16);
      cur.exists = true;
      cur.type = typeOf(raw);
      cur.mode = raw & 0o7777;
      cur.uid = Number(f[1]);
      cur.gid = Number(f[2]);
      cur.owner = f[3];
      cur.group = f[4];
      cur.size = Number(f[5]);
      cur.inode = Number(f[6]);
      cur.dev = Number(f[7]);
      cur.nlink = Number(f[8]);
      cur.atime = Number(f[9]);
      cur.mtime = Number(f[10]);
      cur.ctime = Number(f[11]);
      cur.blocks = Number(f[12]);
      cur.blockSize = Number(f[13]);
      cur.devMajor = parseInt(f[14], 16);
      cur.devMinor = parseInt(f[15], 16);
    } else if (k === '=' && cur) {
      const same = out.files[v];
      if (same) Object.assign(cur, same);
    } else if (k === 'L' && cur) cur.lnkTarget = v;
    else if (k === 'R' && cur) cur.lnkSource = v;
    else if (k === 'P' && cur) {
      cur.readable = v.includes('r');
      cur.writeable = v.includes('w');
      cur.executable = v.includes('x');
    } else if (k === 'C' && cur) cur.checksum = v;
    else out.vals[k] = v;
  }
  return out;
}

function emptyInfo(): FileInfo {
  return {
    exists: false,
    mode: 0,
    uid: -1,
    gid: -1,
    owner: '',
    group: '',
    size: 0,
    inode: 0,
    dev: 0,
    nlink: 0,
    atime: 0,
    mtime: 0,
    ctime: 0,
    blocks: 0,
    blockSize: 0,
    devMajor: 0,
    devMinor: 0,
    readable: false,
    writeable: false,
    executable: false,
  };
}

function typeOf(raw: number): FileType {
  switch (raw & 0o170000) {
    case 0o140000:
      return 'socket';
    case 0o120000:
      return 'link';
    case 0o100000:
      return 'file';
    case 0o060000:
      return 'blk';
    case 0o040000:
      return 'directory';
    case 0o020000:
      return 'chr';
    default:
      return 'fifo';
  }
}

/** A KbsError TASK carrying the host's stderr (never stdin or file contents). */
export function remoteError(what: string, r: ExecResult): KbsError {
  const err = r.stderr.trim().split('\n').slice(-3).join('; ');
  return new KbsError('TASK', `${what}${err ? `: ${err}` : ''} (rc=${r.rc})`);
}

/** chown argument "owner:group" / "owner" / ":group", or undefined when neither is given. */
export function chownSpec(owner?: string, group?: string): string | undefined {
  if (!owner && !group) return undefined;
  return `${owner ?? ''}${group ? ':' + group : ''}`;
}

export function ownerMatches(want: string | undefined, info: FileInfo): boolean {
  return want === undefined || want === info.owner || (/^\d+$/.test(want) && Number(want) === info.uid);
}

export function groupMatches(want: string | undefined, info: FileInfo): boolean {
  return want === undefined || want === info.group || (/^\d+$/.test(want) && Number(want) === info.gid);
}

export interface WriteSpec {
  /** literal destination path */
  dest: string;
  /** final permission bits */
  mode: number;
  /** chown target ("user:group"), applied to the temp file before the rename */
  chown?: string;
  /** chown failures are ignored (preserving an existing file's owner as non-root) */
  chownSoft?: boolean;
  /** timestamped copy of the existing dest; its name is printed as `B\tNAME` */
  backup?: boolean;
  /** command with %s for the temp file; its failure prints `V\trc` and exits 3 */
  validate?: string;
  /** create the parent folders */
  mkdirs?: boolean;
  /** copy this remote file instead of reading stdin */
  remoteSrc?: string;
  /** what the temp file must hold before it is moved into place (set by writeFile for stdin) */
  expect?: Expected;
}

/** The size and sha256 of the bytes kbs sends (or of a remote source it copies). */
export interface Expected {
  size: number;
  sha256: string;
}

export function expectedOf(data: Buffer): Expected {
  return { size: data.length, sha256: createHash('sha256').update(data).digest('hex') };
}

/**
 * sh lines for a script that writes the temp file $VAR: the EXIT trap removes it, and a hang-up,
 * interrupt, termination or broken pipe (kbs or the connection went away) ends the script through
 * that trap instead of killing it outright.
 */
export function tempTrap(v: string, rmFlags = '-f'): string {
  return `trap 'rm ${rmFlags} -- "$${v}"' EXIT\ntrap 'exit 129' HUP; trap 'exit 130' INT; trap 'exit 143' TERM; trap 'exit 141' PIPE`;
}

/**
 * sh lines that check the file $VAR against EXP (size, then sha256) and exit 1 with a message
 * when it differs: a channel that closed mid-stream leaves `cat` a prefix of the data and rc 0.
 */
export function verifyScript(v: string, exp: Expected): string {
  return [
    `kbs_n=$(wc -c < "$${v}") || exit 1`,
    `[ "$kbs_n" -eq ${exp.size} ] || { echo "incomplete transfer: $kbs_n of ${exp.size} bytes arrived; the destination is left as it was" >&2; exit 1; }`,
    `kbs_h=$(sha256sum < "$${v}") || exit 1`,
    `[ "\${kbs_h%% *}" = ${exp.sha256} ] || { echo 'corrupt transfer: the sha256 of what arrived differs from what was sent; the destination is left as it was' >&2; exit 1; }`,
  ].join('\n');
}

/** Temp file in dest's folder, size and sha256 check, chmod/chown, validate, backup, mv -f: one exec. */
export function writeScript(w: WriteSpec): string {
  const lines = [`d=${shq(w.dest)}`, 'dir=$(dirname -- "$d")'];
  if (w.mkdirs) lines.push('mkdir -p -- "$dir" || exit 1');
  lines.push(
    't=$(mktemp -- "$dir/.kbs-tmp.XXXXXXXX") || exit 1',
    tempTrap('t'),
    w.remoteSrc === undefined ? 'cat > "$t" || exit 1' : `cp -- ${shq(w.remoteSrc)} "$t" || exit 1`,
  );
  // nothing moves into place unless it is exactly what was sent
  if (w.expect) lines.push(verifyScript('t', w.expect));
  // chown first: it clears setuid/setgid bits that chmod then sets
  if (w.chown) lines.push(`chown ${shq(w.chown)} -- "$t"${w.chownSoft ? ' 2>/dev/null' : ' || exit 1'}`);
  lines.push(`chmod ${w.mode.toString(8)} -- "$t" || exit 1`);
  if (w.validate !== undefined) {
    const cmd = w.validate.replace(/%%|%s/g, (m) => (m === '%%' ? '%' : '"$t"'));
    lines.push(`( ${cmd} ) >&2 </dev/null || { printf 'V\\t%s\\n' "$?"; exit 3; }`);
  }
  if (w.backup) {
    lines.push(
      `if [ -e "$d" ]; then b="$d.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$d" "$b" || exit 1; printf 'B\\t%s\\n' "$b"; fi`,
    );
  }
  lines.push(`printf 'T\\t%s\\n' "$t"`, 'mv -f -- "$t" "$d" || exit 1', pathInfoLine('"$d"'));
  return lines.join('\n') + '\n';
}

export interface WriteOutcome {
  backupFile?: string;
  /** the temp file that was moved into place */
  tmp?: string;
  /** the written file as it is now (Ansible's add_path_info fields) */
  info?: PathInfo;
}

/** Run writeScript; validation failures and other errors become KbsError TASK. */
export async function writeFile(ctx: ModuleContext, w: WriteSpec, data?: Buffer): Promise<WriteOutcome> {
  const bytes = data ?? Buffer.alloc(0);
  const spec = w.remoteSrc === undefined ? { ...w, expect: expectedOf(bytes) } : w;
  const r = await ctx.run(writeScript(spec), w.remoteSrc === undefined ? { stdin: bytes } : {});
  const vals: Record<string, string> = {};
  for (const line of r.stdout.split('\n')) {
    const tab = line.indexOf('\t');
    if (tab > 0) vals[line.slice(0, tab)] = line.slice(tab + 1);
  }
  if (vals.V !== undefined) {
    throw new KbsError('TASK', `failed to validate: ${w.validate} exited with ${vals.V}: ${r.stderr.trim().slice(-500)}`);
  }
  if (r.rc !== 0) throw remoteError(`cannot write ${w.dest}`, r);
  return { backupFile: vals.B, tmp: vals.T, info: parsePathInfoLine(r.stdout) };
}

/** chmod/chown an existing path in place (no content change). */
export function attrScript(pathQ: string, mode: number | undefined, chown: string | undefined, noDeref = false): string {
  const cmds: string[] = [];
  // chown first: it clears setuid/setgid bits that chmod then sets
  if (chown) cmds.push(`chown ${noDeref ? '-h ' : ''}${shq(chown)} -- ${pathQ}`);
  if (mode !== undefined) cmds.push(`chmod ${mode.toString(8)} -- ${pathQ}`);
  return cmds.join(' && ');
}
