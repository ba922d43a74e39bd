/**
 * ansible.builtin.get_url: download on the HOST with curl into a temp file in dest's folder,
 * verify the checksum there, then rename. A dest whose checksum already matches is not
 * downloaded again; without a checksum and with force=no an existing dest is left alone.
 */
import { shq } from '../transport/shell.js';
import type { DiffEntry, ModuleDef, ModuleResult } from './types.js';
import { optStr, reqStr, toBool } from './util/args.js';
import { attrArgs, planAttrs } from './util/attrs.js';
import { stateDiff } from './util/diff.js';
import { formatMode, resolveMode } from './util/mode.js';
import { expandPath } from './util/paths.js';
import { chownSpec, probe, remoteError } from './util/remote.js';
import { BOOL, FILE_ATTRS, INT, STR, argsSchema } from './util/schema.js';
import { findChecksum, normHex, parseChecksum } from './sys/checksum.js';
import { curlConfig, fetchText, httpSpecOf, safeUrl, urlFilename } from './sys/curl.js';

export const get_url: ModuleDef = {
  name: 'get_url',
  schema: argsSchema(
    {
      url: STR,
      dest: STR,
      checksum: STR,
      force: BOOL,
      backup: BOOL,
      timeout: INT,
      headers: {},
      validate_certs: BOOL,
      url_username: STR,
      username: STR,
      url_password: STR,
      password: STR,
      force_basic_auth: BOOL,
      use_proxy: BOOL,
      http_agent: STR,
      client_cert: STR,
      client_key: STR,
      ca_path: STR,
      tmp_dest: STR,
      decompress: BOOL,
      ...FILE_ATTRS,
    },
    ['url', 'dest'],
  ),
  async run(args, ctx) {
    const url = reqStr(args, 'url');
    const shown = safeUrl(url);
    const dest0 = await expandPath(ctx, reqStr(args, 'dest'));
    const force = toBool(args.force, false, 'force');
    const backup = toBool(args.backup, false, 'backup');
    const http = httpSpecOf(args, 10);
    for (const k of ['clientCert', 'clientKey', 'caPath'] as const) http[k] = await expandPath(ctx, http[k]);
    const agent = optStr(args, 'http_agent') ?? 'ansible-httpget';
    http.headers = { 'User-Agent': agent, ...http.headers };
    const filename = urlFilename(url);
    const want = attrArgs(args);

    // the wanted checksum: given, or read from a checksum file on the host
    const ckArg = optStr(args, 'checksum');
    const ck = ckArg ? parseChecksum(ckArg) : undefined;
    let wantHex = ck?.hex;
    if (ck?.url) {
      const got = await fetchText(ctx, { ...http, url: ck.url });
      if (!got.ok) return { changed: false, failed: true, url: shown, msg: `Failed to download checksum file ${safeUrl(ck.url)}: ${got.error}` };
      const found = findChecksum(got.body, filename);
      if (found === undefined) return { changed: false, failed: true, url: shown, msg: `Unable to find a checksum for file '${filename}' in '${safeUrl(ck.url)}'` };
      wantHex = normHex(found);
    }
    const algo = ck?.algo ?? 'sha256';

    const prelude = [`d=${shq(dest0)}`, `[ -d "$d" ] && d="\${d%/}/"${shq(filename)}`, `printf 'D\\t%s\\n' "$d"`, `kbs_dirname "$d"; [ -d "$kbs_dir" ] && printf 'PD\\t1\\n'`].join('\n');
    const p = await probe(ctx, [{ tag: 'd', expr: '"$d"', follow: true, checksum: algo }], { prelude });
    const dest = p.vals.D ?? dest0;
    const cur = p.files.d;
    if (!p.vals.PD) return { changed: false, failed: true, url: shown, dest, msg: `Destination dir ${dirOf(dest)} not writable or does not exist` };
    if (cur.exists && cur.type === 'directory') return { changed: false, failed: true, url: shown, dest, msg: `${dest} is a directory` };

    const matches = cur.exists && wantHex !== undefined && cur.checksum === wantHex;
    const keep = cur.exists && (matches || (wantHex === undefined && !force));
    const result: ModuleResult = { changed: false, url: shown, dest, state: 'file' };
    const diffs: DiffEntry[] = [];

    if (keep) {
      const attrs = planAttrs(dest, cur, want, p.umask);
      result.msg = 'file already exists';
      Object.assign(result, { mode: formatMode(attrs.mode), owner: attrs.owner, group: attrs.group, size: cur.size });
      if (wantHex) result.checksum_dest = cur.checksum;
      if (attrs.changed) {
        result.changed = true;
        if (ctx.diff) result.diff = stateDiff({ path: dest, ...attrs.before }, { path: dest, ...attrs.after }, `${dest} (file attributes)`);
        if (!ctx.check) {
          const r = await ctx.run(attrs.cmd);
          if (r.rc !== 0) throw remoteError(`cannot set attributes of ${dest}`, r);
        }
      }
      return result;
    }

    const base = cur.exists ? cur.mode : 0o666 & ~p.umask;
    const mode = want.mode ? resolveMode(want.mode, base, false, p.umask) : base;
    if (ctx.check) {
      result.changed = true;
      result.msg = `would download ${shown}`;
      if (ctx.diff) {
        diffs.push({ before_header: dest, after_header: shown, before: cur.exists ? `(checksum ${cur.checksum})\n` : '', after: `(downloaded from ${shown}${wantHex ? `, ${algo} ${wantHex}` : ''})\n` });
        result.diff = diffs;
      }
      return result;
    }

    const chown = cur.exists ? chownSpec(want.owner ?? String(cur.uid), want.group ?? String(cur.gid)) : chownSpec(want.owner, want.group);
    const script = [
      `d=${shq(dest)}; dir=$(dirname -- "$d")`,
      't=$(mktemp -- "$dir/.kbs-get_url.XXXXXXXX") || exit 1',
      'w=$(mktemp -d) || exit 1',
      `trap 'rm -rf -- "$t" "$w"' EXIT`,
      'cat > "$w/cfg"',
      'start=$(date +%s)',
      `code=$(curl -sS --config "$w/cfg" -o "$t" -w '%{http_code}' 2>"$w/err"); x=$?`,
      `printf 'H\\t%s\\nX\\t%s\\nT\\t%s\\n' "$code" "$x" "$(( $(date +%s) - start ))"`,
      `if [ "$x" -ne 0 ] || [ "$code" -lt 200 ] || [ "$code" -ge 300 ]; then head -c 2000 "$w/err" >&2; exit 0; fi`,
      `s=$(${algo}sum < "$t"); s=\${s%% *}; printf 'S\\t%s\\n' "$s"`,
      `s1=$(sha1sum < "$t"); printf 'S1\\t%s\\nZ\\t%s\\n' "\${s1%% *}" "$(stat -c %s -- "$t")"`,
      wantHex ? `[ "$s" = ${shq(wantHex)} ] || { echo 'M'; exit 0; }` : '',
      cur.exists ? `[ "$s" = ${shq(cur.checksum ?? '')} ] && { echo 'SAME'; ${attrCmd(chown, mode, cur.mode, want.owner, want.group)} exit 0; }` : '',
      chown ? `chown ${shq(chown)} -- "$t"${cur.exists && !want.owner && !want.group ? ' 2>/dev/null' : ' || exit 1'}` : '',
      `chmod ${mode.toString(8)} -- "$t" || exit 1`,
      backup && cur.exists ? `b="$d.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$d" "$b" || exit 1; printf 'B\\t%s\\n' "$b"` : '',
      'mv -f -- "$t" "$d" || exit 1',
      'echo DONE',
    ]
      .filter(Boolean)
      .join('\n');
    const r = await ctx.run(script, { stdin: curlConfig({ ...http, url, followRedirects: true }) });
    const v: Record<string, string> = {};
    for (const line of r.stdout.split('\n')) {
      const t = line.indexOf('\t');
      if (t > 0) v[line.slice(0, t)] = line.slice(t + 1);
      else if (line) v[line] = '1';
    }
    if (r.rc !== 0 || v.X === undefined) throw remoteError(`cannot download ${shown} to ${dest}`, r);
    const status = Number(v.H);
    result.status_code = status;
    result.elapsed = Number(v.T ?? 0);
    if (v.X !== '0' || status < 200 || status >= 300) {
      const err = r.stderr.trim().split('\n').slice(-2).join('; ');
      const why = status >= 400 ? `HTTP Error ${status}` : err || `curl exited with ${v.X}`;
      return { ...result, failed: true, msg: `Request failed: ${why} (${shown})` };
    }
    if (v.M) {
      return {
        ...result,
        failed: true,
        checksum_dest: v.S,
        msg: `The checksum for ${dest} did not match ${wantHex}; it was ${v.S}. The download was discarded, ${dest} is untouched.`,
      };
    }
    Object.assign(result, { checksum_src: v.S1, checksum_dest: v.S1, size: Number(v.Z), mode: formatMode(mode), owner: want.owner ?? (cur.exists ? cur.owner : p.user), group: want.group ?? (cur.exists ? cur.group : p.group) });
    if (v.B) result.backup_file = v.B;
    if (v.SAME) {
      result.msg = 'file already exists';
      result.changed = cur.mode !== mode || (want.owner !== undefined && want.owner !== cur.owner) || (want.group !== undefined && want.group !== cur.group);
      return result;
    }
    result.changed = true;
    result.msg = `OK (${v.Z} bytes)`;
    if (ctx.diff) result.diff = [{ before_header: dest, after_header: shown, before: cur.exists ? `(${algo} ${cur.checksum})\n` : '', after: `(${algo} ${v.S}, ${v.Z} bytes)\n` }];
    return result;
  },
};

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** the same content: only chmod/chown the existing dest in place when needed */
function attrCmd(chown: string | undefined, mode: number, curMode: number, owner?: string, group?: string): string {
  const cmds: string[] = [];
  if (owner !== undefined || group !== undefined) cmds.push(`chown ${shq(chownSpec(owner, group)!)} -- "$d";`);
  if (mode !== curMode) cmds.push(`chmod ${mode.toString(8)} -- "$d";`);
  void chown;
  return cmds.join(' ');
}
