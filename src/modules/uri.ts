/**
 * ansible.builtin.uri: an HTTP request made ON THE HOST with curl. The request (URL, headers,
 * credentials) travels in a curl config on stdin, the body after it; the answer comes back as
 * status, headers and body in one exec. A body saved to `dest` is written through the change
 * seam (not in check mode).
 */
import { addPathInfo } from './util/pathinfo.js';
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { applyPlan, change } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { remoteError } from './util/remote.js';
import { curlConfig, httpArgs, httpSpec, safeUrl } from './sys/curl.js';
import { parsePyJson } from '../util/pyjson.js';

const args = declareArgs({
  url: { type: 'str', required: true },
  method: { type: 'str', default: 'GET' },
  body: { type: 'any' },
  body_format: { type: 'str', choices: ['raw', 'json', 'form-urlencoded'], default: 'raw' },
  status_code: { type: 'any', read: statusList },
  return_content: { type: 'bool' },
  dest: { type: 'str' },
  ...httpArgs('user'),
  follow_redirects: { type: 'any', schema: { anyOf: [{ type: 'string' }, { type: 'boolean' }] }, read: (v) => String(v).toLowerCase(), default: 'safe' },
  creates: { type: 'str' },
  removes: { type: 'str' },
});

export const uri: ModuleDef = {
  name: 'uri',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const { url, return_content: returnContent } = a;
    const shown = safeUrl(url);
    const method = a.method.toUpperCase();
    const format = a.body_format;
    const http = httpSpec(a, 30);
    for (const k of ['clientCert', 'clientKey', 'caPath'] as const) http[k] = await expandPath(ctx, http[k]);
    http.headers = { 'User-Agent': a.http_agent, ...http.headers };
    const statusCodes = a.status_code ?? [200];
    const fr = a.follow_redirects;
    const follow = ['all', 'yes', 'true', 'urllib2'].includes(fr) || (fr === 'safe' && (method === 'GET' || method === 'HEAD'));
    const dest = await expandPath(ctx, a.dest);

    const creates = await expandPath(ctx, a.creates);
    const removes = await expandPath(ctx, a.removes);
    if (creates !== undefined || removes !== undefined) {
      const r = await ctx.run(`[ -e ${shq(creates ?? '/')} ] && echo C; [ -e ${shq(removes ?? '/')} ] || echo R`);
      if (creates !== undefined && r.stdout.includes('C')) return { changed: false, skipped: true, msg: `${creates} exists, skipping` };
      if (removes !== undefined && r.stdout.includes('R')) return { changed: false, skipped: true, msg: `${removes} does not exist, skipping` };
    }
    let body: Buffer | undefined;
    const b = a.body;
    if (b !== undefined && b !== null) {
      if (format === 'json') {
        body = Buffer.from(typeof b === 'string' ? b : JSON.stringify(b));
        http.headers['Content-Type'] ??= 'application/json';
      } else if (format === 'form-urlencoded') {
        body = Buffer.from(typeof b === 'string' ? b : formEncode(b));
        http.headers['Content-Type'] ??= 'application/x-www-form-urlencoded';
      } else body = Buffer.from(typeof b === 'string' ? b : JSON.stringify(b));
    }
    const cfg = Buffer.from(curlConfig({ ...http, url, method, followRedirects: follow }) + (body ? 'data-binary = "@-"\n' : ''));
    const script = [
      'w=$(mktemp -d) || exit 1',
      `trap 'rm -rf -- "$w"' EXIT`,
      // exactly the config's bytes: what follows on stdin is the body, read by curl itself (@-)
      `head -c ${cfg.length} > "$w/cfg"`,
      `code=$(curl -sS --config "$w/cfg" -D "$w/head" -o "$w/out" -w '%{http_code} %{url_effective}' 2>"$w/err"${body ? '' : ' </dev/null'}); x=$?`,
      `printf '%s %s\\n' "$x" "$code"`,
      'head -c 2000 "$w/err" >&2',
      `printf '@@H\\n'; cat "$w/head" 2>/dev/null; printf '@@B\\n'; cat "$w/out" 2>/dev/null`,
      // no response (refused, timed out) leaves no files: the status line above says what happened
      'exit 0',
    ]
      .filter(Boolean)
      .join('\n');
    const t0 = Date.now();
    const stdin = body ? Buffer.concat([cfg, body]) : cfg;
    // a request other than GET or HEAD may change the server: a change, not sent in check mode
    const r = ['GET', 'HEAD'].includes(method) ? await ctx.run(script, { stdin }) : await change(ctx, `send ${method} ${shown}`, script, { stdin, keepFailure: true });
    if (!r) return { changed: false, skipped: true, msg: `skipped in check mode: a ${method} request may change the server` };
    if (r.rc !== 0) throw remoteError(`cannot run curl for ${shown}`, r);
    const buf = r.stdoutBuf ?? Buffer.from(r.stdout);
    const nl = buf.indexOf(0x0a);
    const [xs, codeS, ...urlParts] = buf.subarray(0, nl).toString('utf8').split(' ');
    const hAt = buf.indexOf('@@H\n');
    const bAt = buf.indexOf('\n@@B\n', hAt) >= 0 ? buf.indexOf('@@B\n', hAt) : -1;
    const headText = hAt >= 0 && bAt >= 0 ? buf.subarray(hAt + 4, bAt).toString('latin1') : '';
    const content = bAt >= 0 ? buf.subarray(bAt + 4) : Buffer.alloc(0);
    const status = Number(codeS);
    const result: ModuleResult = { changed: false, status: status || -1, url: safeUrl(urlParts.join(' ') || url), elapsed: Math.round((Date.now() - t0) / 1000), redirected: (urlParts.join(' ') || url) !== url };
    if (xs !== '0') {
      const err = r.stderr.trim().split('\n').slice(-2).join('; ');
      return { ...result, failed: true, status: -1, msg: `Status code was -1 and not ${JSON.stringify(statusCodes)}: Request failed: ${err || `curl exited with ${xs}`}` };
    }
    Object.assign(result, parseHeaders(headText));
    // the cookies the server set, as a mapping and as a Cookie header's text
    const cookies: Record<string, string> = {};
    for (const m of headText.matchAll(/^set-cookie:\s*([^=;\s]+)=([^;\r\n]*)/gim)) cookies[m[1]] = m[2];
    result.cookies = cookies;
    result.cookies_string = Object.entries(cookies).map(([k, v]) => `${k}=${v}`).join('; ');
    const ctype = String(result.content_type ?? '');
    const text = content.toString('utf8');
    const maybeJson = /json/i.test(ctype);
    const ok = statusCodes.includes(status);
    if (maybeJson && text.trim()) {
      try {
        result.json = parsePyJson(text);
      } catch {
        /* not JSON after all */
      }
    }
    if (returnContent) result.content = text;
    // Ansible's text: the Content-Length header, 'unknown' without one (a chunked answer)
    result.msg = `OK (${result.content_length ?? 'unknown'} bytes)`;
    if (dest !== undefined && ok) {
      result.path = dest;
      await applyPlan(ctx, { result, changes: [{ description: `write the body to ${dest}`, write: { path: dest, data: content, mode: 0o644 } }] });
      result.changed = true;
    }
    if (!ok) {
      result.failed = true;
      // urllib's HTTPError text: the code and the reason of the status line (HTTP/2 has none)
      const reason = reasonOf(headText);
      const httpError = `HTTP Error ${status}${reason ? `: ${reason}` : ''}`;
      result.msg = `Status code was ${status} and not ${JSON.stringify(statusCodes)}: ${status >= 400 ? httpError : result.msg}`;
      if (!returnContent && text) result.content = text.slice(0, 10000);
    }
    return result.path !== undefined ? addPathInfo(ctx, result) : result;
  },
};

function statusList(v: unknown): number[] {
  const list = Array.isArray(v) ? v : String(v).split(',');
  const out = list.map((x) => Number(String(x).trim()));
  if (out.some((n) => !Number.isInteger(n))) throw new KbsError('TASK', `status_code must be an integer or a list of integers, got ${JSON.stringify(v)}`);
  return out;
}

function formEncode(b: unknown): string {
  const entries = Array.isArray(b) ? (b as [unknown, unknown][]) : Object.entries(b as Record<string, unknown>);
  return entries.map(([k, v]) => `${encodeURIComponent(String(k))}=${encodeURIComponent(String(v))}`).join('&').replace(/%20/g, '+');
}

/** the reason phrase of the last response's status line (`HTTP/1.1 404 Not Found` -> `Not Found`) */
function reasonOf(text: string): string {
  const blocks = text.split(/\r?\n\r?\n/).filter((x) => x.trim());
  const first = (blocks[blocks.length - 1] ?? '').split(/\r?\n/)[0] ?? '';
  return /^HTTP\/[\d.]+\s+\d{3}\s*(.*)$/.exec(first.trim())?.[1] ?? '';
}

/** The last response's headers, lowercased with - as _ (as Ansible returns them). */
function parseHeaders(text: string): Record<string, string> {
  const blocks = text.split(/\r?\n\r?\n/).filter((x) => x.trim());
  const last = blocks[blocks.length - 1] ?? '';
  const out: Record<string, string> = {};
  for (const line of last.split(/\r?\n/).slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim().toLowerCase().replace(/-/g, '_')] = line.slice(i + 1).trim();
  }
  return out;
}
