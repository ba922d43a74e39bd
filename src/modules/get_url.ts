/**
 * ansible.builtin.get_url: download on the HOST with curl into a temp file in dest's folder,
 * verify the checksum there, then rename. A dest whose checksum already matches is not
 * downloaded again; without a checksum and with force=no an existing dest is asked for with
 * If-Modified-Since (its mtime) and a 304 leaves it alone. file:// URLs are read on the host.
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { planAttrs, type AttrWant } from './util/attrs.js';
import { change } from './util/change.js';
import { FILE_ATTR_ARGS, declareArgs } from './util/declare.js';
import { stateDiff } from './util/diff.js';
import { resolveMode } from './util/mode.js';
import { expandPath } from './util/paths.js';
import { chownSpec, probe, remoteError } from './util/remote.js';
import { parsePathInfoLine, pathInfoLine, pathInfoOf, withPathInfo } from './util/pathinfo.js';
import { findChecksum, normHex, parseChecksum } from './sys/checksum.js';
import { curlConfig, fetchSnippet, fetchedText, httpArgs, httpSpec, safeUrl, urlFilename } from './sys/curl.js';

const args = declareArgs({
  url: { type: 'str', required: true },
  dest: { type: 'str', required: true },
  checksum: { type: 'str' },
  force: { type: 'bool' },
  backup: { type: 'bool' },
  ...httpArgs('username'),
  tmp_dest: { type: 'str' },
  decompress: { type: 'bool' },
  ...FILE_ATTR_ARGS,
});

export const get_url: ModuleDef = {
  name: 'get_url',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const { url, force, backup } = a;
    const shown = safeUrl(url);
    const dest0 = await expandPath(ctx, a.dest);
    const http = httpSpec(a, 10);
    for (const k of ['clientCert', 'clientKey', 'caPath'] as const) http[k] = await expandPath(ctx, http[k]);
    http.headers = { 'User-Agent': a.http_agent, ...http.headers };
    const filename = urlFilename(url);
    const want: AttrWant = a;
    const isFileUrl = /^file:/i.test(url);

    // the wanted checksum: given, or read from a checksum file on the host (fetched in the same
    // round trip as the probe of the dest: a no-op is one command)
    const ck = a.checksum ? parseChecksum(a.checksum) : undefined;
    let wantHex = ck?.hex;
    const algo = ck?.algo ?? 'sha256';

    const fetch = ck?.url ? fetchSnippet({ ...http, url: ck.url }) : undefined;
    const prelude = [
      ...(fetch ? [fetch.prelude] : []),
      `d=${shq(dest0)}`,
      `[ -d "$d" ] && d="\${d%/}/"${shq(filename)}`,
      `printf 'D\\t%s\\n' "$d"`,
      `kbs_dirname "$d"; [ -d "$kbs_dir" ] && printf 'PD\\t1\\n'`,
    ].join('\n');
    // the dest's sha1 (Ansible's checksum_dest) is read here only when it will be shown without a
    // download (check mode) or when no checksum is given; with one, a dest that matches never needs
    // it and the download reads it (a second pass over a large binary saved on every no-op)
    const sha1Now = ctx.check || ck === undefined;
    const items: Parameters<typeof probe>[1] = [{ tag: 'd', expr: '"$d"', follow: true, checksum: algo }];
    if (sha1Now) items.push({ tag: 's1', expr: '"$d"', follow: true, checksum: 'sha1' });
    const p = await probe(ctx, items, { prelude, trailer: fetch?.trailer });
    if (ck?.url) {
      const got = fetchedText(p.vals, p.content);
      if (!got.ok) return { changed: false, failed: true, url: shown, msg: `Failed to download checksum file ${safeUrl(ck.url)}: ${got.error}` };
      const found = findChecksum(got.body, filename);
      if (found === undefined) return { changed: false, failed: true, url: shown, msg: `Unable to find a checksum for file '${filename}' in '${safeUrl(ck.url)}'` };
      wantHex = normHex(found);
    }
    const dest = p.vals.D ?? dest0;
    const cur = p.files.d;
    const curSha1 = sha1Now ? p.files.s1.checksum : undefined;
    // Ansible's result starts as these, with the checksums unknown (None) until it downloads
    const result: ModuleResult = { changed: false, checksum_dest: null, checksum_src: null, dest, elapsed: 0, url: shown };
    if (!p.vals.PD) return { ...result, failed: true, msg: `Destination ${dirOf(dest)} does not exist` };
    if (cur.exists && cur.type === 'directory') return { ...result, failed: true, msg: `${dest} is a directory` };

    const matches = cur.exists && wantHex !== undefined && cur.checksum === wantHex;
    if (matches) {
      // a dest with the wanted checksum: only its attributes are set (kbs: also with force)
      const attrs = planAttrs(dest, cur, want, p.umask);
      result.msg = attrs.changed ? 'file already exists but file attributes changed' : 'file already exists';
      let info = pathInfoOf(cur);
      if (attrs.changed) {
        result.changed = true;
        if (ctx.diff) result.diff = stateDiff({ path: dest, ...attrs.before }, { path: dest, ...attrs.after }, `${dest} (file attributes)`);
        const r = await change(ctx, `set attributes of ${dest}`, `${attrs.cmd} || exit 1\n${pathInfoLine(shq(dest))}`);
        if (r) info = parsePathInfoLine(r.stdout) ?? info;
      }
      return withPathInfo(result, info);
    }
    // without force an existing dest is asked for with If-Modified-Since (its mtime), as Ansible
    // does; a file: URL has no such condition and is read again
    const timeCond = cur.exists && !force && wantHex === undefined && !isFileUrl;

    const base = cur.exists ? cur.mode : 0o666 & ~p.umask;
    const mode = want.mode ? resolveMode(want.mode, base, false, p.umask) : base;
    const chown = cur.exists ? chownSpec(want.owner ?? String(cur.uid), want.group ?? String(cur.gid)) : chownSpec(want.owner, want.group);
    const script = [
      `d=${shq(dest)}; dir=$(dirname -- "$d")`,
      't=$(mktemp -- "$dir/.kbs-get_url.XXXXXXXX") || exit 1',
      'w=$(mktemp -d) || exit 1',
      `trap 'rm -rf -- "$t" "$w"' EXIT`,
      'cat > "$w/cfg"',
      sha1Now ? '' : `if [ -f "$d" ]; then c1=$(sha1sum < "$d") && printf 'CS1\\t%s\\n' "\${c1%% *}"; fi`,
      'start=$(date +%s)',
      `code=$(curl -sS --config "$w/cfg" ${timeCond ? '--time-cond "$d" ' : ''}-o "$t" -D "$w/hdr" -w '%{http_code}' 2>"$w/err"); x=$?`,
      // the last answer's Content-Length (after redirects): Ansible's msg says how many bytes it announced
      `cl=$(tr -d '\\r' < "$w/hdr" 2>/dev/null | awk '/^HTTP\\//{c=""} tolower($1)=="content-length:"{c=$2} END{print c}')`,
      `printf 'H\\t%s\\nX\\t%s\\nT\\t%s\\nTMP\\t%s\\nCL\\t%s\\n' "$code" "$x" "$(( $(date +%s) - start ))" "$t" "$cl"`,
      `if [ "$x" -eq 0 ] && [ "$code" = 304 ]; then ${pathInfoLine('"$d"')}; exit 0; fi`,
      isFileUrl
        ? `if [ "$x" -ne 0 ]; then head -c 2000 "$w/err" >&2; exit 0; fi`
        : `if [ "$x" -ne 0 ] || [ "$code" -lt 200 ] || [ "$code" -ge 300 ]; then head -c 2000 "$w/err" >&2; exit 0; fi`,
      `s=$(${algo}sum < "$t"); s=\${s%% *}; printf 'S\\t%s\\n' "$s"`,
      `s1=$(sha1sum < "$t"); m5=$(md5sum < "$t"); printf 'S1\\t%s\\nM5\\t%s\\nZ\\t%s\\n' "\${s1%% *}" "\${m5%% *}" "$(stat -c %s -- "$t")"`,
      wantHex ? `[ "$s" = ${shq(wantHex)} ] || { echo 'M'; exit 0; }` : '',
      cur.exists ? `if [ "$s" = ${shq(cur.checksum ?? '')} ]; then echo 'SAME'; ${attrCmd(mode, cur.mode, want.owner, want.group)} ${pathInfoLine('"$d"')}; exit 0; fi` : '',
      chown ? `chown ${shq(chown)} -- "$t"${cur.exists && !want.owner && !want.group ? ' 2>/dev/null' : ' || exit 1'}` : '',
      `chmod ${mode.toString(8)} -- "$t" || exit 1`,
      backup && cur.exists ? `b="$d.$$.$(date +%Y-%m-%d@%H:%M:%S)~"; cp -p -- "$d" "$b" || exit 1; printf 'B\\t%s\\n' "$b"` : '',
      'mv -f -- "$t" "$d" || exit 1',
      'echo DONE',
      pathInfoLine('"$d"'),
    ]
      .filter(Boolean)
      .join('\n');
    const r = await change(ctx, `download ${shown} to ${dest}`, script, { stdin: curlConfig({ ...http, url, followRedirects: true }), keepFailure: true });
    if (!r) {
      // check mode: Ansible sends a HEAD request, what it would get is unknown (the empty body's sha1)
      Object.assign(result, { changed: true, checksum_src: EMPTY_SHA1, msg: `would download ${shown}` });
      if (cur.exists) result.checksum_dest = curSha1;
      if (ctx.diff) {
        result.diff = [{ before_header: dest, after_header: shown, before: cur.exists ? `(checksum ${cur.checksum})\n` : '', after: `(downloaded from ${shown}${wantHex ? `, ${algo} ${wantHex}` : ''})\n` }];
      }
      return result;
    }
    const v: Record<string, string> = {};
    for (const line of r.stdout.split('\n')) {
      const t = line.indexOf('\t');
      if (t > 0) v[line.slice(0, t)] = line.slice(t + 1);
      else if (line) v[line] = '1';
    }
    if (r.rc !== 0 || v.X === undefined) throw remoteError(`cannot download ${shown} to ${dest}`, r);
    const status = Number(v.H);
    const info = parsePathInfoLine(r.stdout);
    result.elapsed = Number(v.T ?? 0);
    if (v.X === '0' && status === 304) {
      // Ansible answers a 304 with these keys only (and the dest's path fields)
      return withPathInfo({ changed: false, dest, elapsed: result.elapsed, msg: 'HTTP Error 304: Not Modified', status_code: 304, url: shown }, info);
    }
    result.src = v.TMP;
    if (v.X !== '0' || (!isFileUrl && (status < 200 || status >= 300))) {
      const err = r.stderr.trim().split('\n').slice(-2).join('; ');
      const why = status >= 400 ? `HTTP Error ${status}` : err || `curl exited with ${v.X}`;
      return { ...result, failed: true, status_code: isFileUrl ? null : status, msg: `Request failed: ${why} (${shown})` };
    }
    result.checksum_src = v.S1;
    if (cur.exists) result.checksum_dest = curSha1 ?? v.CS1;
    if (v.M) {
      return {
        ...result,
        failed: true,
        msg: `The checksum for ${dest} did not match ${wantHex}; it was ${v.S}.`,
      };
    }
    result.md5sum = v.M5;
    if (v.B) result.backup_file = v.B;
    // Ansible's fetch_url: the Content-Length header, 'unknown' without one (a chunked answer); a file:// URL's size
    result.msg = `OK (${isFileUrl ? v.Z : v.CL || 'unknown'} bytes)`;
    result.status_code = isFileUrl ? null : status;
    if (v.SAME) {
      result.changed = cur.mode !== mode || (want.owner !== undefined && want.owner !== cur.owner) || (want.group !== undefined && want.group !== cur.group);
      return withPathInfo(result, info);
    }
    result.changed = true;
    if (ctx.diff) result.diff = [{ before_header: dest, after_header: shown, before: cur.exists ? `(${algo} ${cur.checksum})\n` : '', after: `(${algo} ${v.S}, ${v.Z} bytes)\n` }];
    return withPathInfo(result, info);
  },
};

/** sha1 of nothing: the body of a HEAD request, what Ansible's check mode compares with */
const EMPTY_SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';

function dirOf(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** the same content: only chmod/chown the existing dest in place when needed */
function attrCmd(mode: number, curMode: number, owner?: string, group?: string): string {
  const cmds: string[] = [];
  if (owner !== undefined || group !== undefined) cmds.push(`chown ${shq(chownSpec(owner, group)!)} -- "$d";`);
  if (mode !== curMode) cmds.push(`chmod ${mode.toString(8)} -- "$d";`);
  return cmds.join(' ');
}
