/**
 * curl on the host for get_url / uri / unarchive. Everything secret (URL credentials, user and
 * password, headers) goes through a curl config read from stdin (`--config -`), never through
 * the command line, so it shows neither in `ps` on the host nor in kbs's logs or errors.
 */
import { randomBytes } from 'node:crypto';
import { KbsError } from '../../errors.js';
import type { ModuleContext } from '../types.js';
import type { ArgSpec } from '../util/declare.js';
import { INT } from '../util/schema.js';

export interface HttpSpec {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  /** seconds without progress / to connect */
  timeout?: number;
  validateCerts?: boolean;
  user?: string;
  password?: string;
  followRedirects?: boolean;
  /** a request body is sent from the file "$body" (uri) */
  withBody?: boolean;
  /** send Basic auth without waiting for a 401 (curl does so whenever a user is given) */
  basic?: boolean;
  /** client_cert / client_key / ca_path: PEM files on the host */
  clientCert?: string;
  clientKey?: string;
  caPath?: string;
}

/** curl config syntax: a double-quoted string with \\ \" \n \t \r escaped */
export function cfgQuote(s: string): string {
  return '"' + s.replace(/[\\"]/g, (c) => '\\' + c).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t') + '"';
}

export function curlConfig(h: HttpSpec): string {
  const lines = [`url = ${cfgQuote(h.url)}`];
  if (h.method) lines.push(`request = ${cfgQuote(h.method)}`);
  for (const [k, v] of Object.entries(h.headers ?? {})) lines.push(`header = ${cfgQuote(`${k}: ${v}`)}`);
  if (h.user !== undefined || h.password !== undefined) lines.push(`user = ${cfgQuote(`${h.user ?? ''}:${h.password ?? ''}`)}`);
  if (h.basic) lines.push('basic');
  if (h.validateCerts === false) lines.push('insecure');
  if (h.clientCert !== undefined) lines.push(`cert = ${cfgQuote(h.clientCert)}`);
  if (h.clientKey !== undefined) lines.push(`key = ${cfgQuote(h.clientKey)}`);
  if (h.caPath !== undefined) lines.push(`cacert = ${cfgQuote(h.caPath)}`);
  if (h.followRedirects) lines.push('location', 'max-redirs = 50');
  const t = h.timeout ?? 10;
  lines.push(`connect-timeout = ${t}`, `speed-time = ${t}`, 'speed-limit = 1');
  return lines.join('\n') + '\n';
}

/** Parse `headers:` (a dict, or Ansible's old "Key:Value,Key2:Value2" string). */
export function readHeaders(v: unknown): Record<string, string> {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v === 'string') {
    const out: Record<string, string> = {};
    for (const part of v.split(',')) {
      const i = part.indexOf(':');
      if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
    }
    return out;
  }
  if (typeof v === 'object' && !Array.isArray(v)) return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, String(x)]));
  throw new KbsError('TASK', 'headers must be a dict');
}

/** `timeout`: seconds, a positive number */
function readTimeout(v: unknown): number {
  const t = Number(v);
  if (!Number.isFinite(t) || t <= 0) throw new KbsError('TASK', `timeout must be a positive number, got ${String(v)}`);
  return t;
}

/** The request arguments of get_url and uri; `userAlias`: get_url's `username`, uri's `user`. */
export function httpArgs<U extends string>(userAlias: U) {
  return {
    headers: { type: 'any', schema: {}, read: (v: unknown) => readHeaders(v) },
    timeout: { type: 'any', schema: INT, read: readTimeout },
    validate_certs: { type: 'bool', default: true },
    url_username: { type: 'str', aliases: [userAlias] },
    url_password: { type: 'str', aliases: ['password'] },
    force_basic_auth: { type: 'bool' },
    use_proxy: { type: 'bool' },
    http_agent: { type: 'str', default: 'ansible-httpget' },
    client_cert: { type: 'str' },
    client_key: { type: 'str' },
    ca_path: { type: 'str' },
  } as const satisfies Record<string, ArgSpec>;
}

/** The read request arguments (httpArgs) as curl's settings; `dfltTimeout` when no timeout is given. */
export function httpSpec(
  a: { headers?: Record<string, string>; timeout?: number; validate_certs: boolean; url_username?: string; url_password?: string; force_basic_auth?: boolean; client_cert?: string; client_key?: string; ca_path?: string },
  dfltTimeout: number,
): Omit<HttpSpec, 'url'> {
  return {
    headers: a.headers ?? {},
    timeout: a.timeout ?? dfltTimeout,
    validateCerts: a.validate_certs,
    user: a.url_username,
    password: a.url_password,
    basic: a.force_basic_auth ?? false,
    clientCert: a.client_cert,
    clientKey: a.client_key,
    caPath: a.ca_path,
  };
}

/** Fetch a small text (a checksum file) on the host. */
export async function fetchText(ctx: ModuleContext, h: HttpSpec): Promise<{ ok: boolean; status: number; body: string; error: string }> {
  const script = [
    'd=$(mktemp -d) || exit 1',
    `trap 'rm -rf -- "$d"' EXIT`,
    'cfg="$d/cfg"; err="$d/err"; cat > "$cfg"',
    `code=$(curl -sS --config "$cfg" -o "$d/body" -w '%{http_code}' 2>"$err"); x=$?`,
    `printf '%s %s\\n' "$code" "$x"; cat "$err" >&2; cat "$d/body" 2>/dev/null`,
  ].join('\n');
  const r = await ctx.run(script, { stdin: curlConfig({ ...h, followRedirects: true }) });
  if (r.rc !== 0) return { ok: false, status: -1, body: '', error: r.stderr.trim() };
  const nl = r.stdout.indexOf('\n');
  const [code, x] = r.stdout.slice(0, nl).split(' ').map(Number);
  const body = r.stdout.slice(nl + 1);
  const ok = x === 0 && code >= 200 && code < 300;
  return { ok, status: code, body, error: ok ? '' : r.stderr.trim() || `HTTP Error ${code}` };
}

/**
 * fetchText as snippets of a probe (one round trip for a read and what it needs): `prelude` fetches
 * and prints `CKH\t<http code> <curl exit>`, `trailer` prints the body (or, when curl failed, its
 * error) as the probe's content; fetchedText reads them back. The body is kept in a shell variable
 * (a checksum file is text): curl is the only process it costs the host, on every no-op. The curl
 * configuration (which may hold credentials) is a quoted here-document of the script, never a
 * command-line argument.
 */
export function fetchSnippet(h: HttpSpec): { prelude: string; trailer: string } {
  const eof = `KBS_CURL_${randomBytes(6).toString('hex')}`;
  const prelude = [
    // -w puts the status on a line of its own after the body; -sS prints only errors, on stderr
    `kb=$(curl -sS --config - -w '\\n%{http_code}' 2>&1 <<'${eof}'`,
    curlConfig({ ...h, followRedirects: true }).replace(/\n$/, ''),
    eof,
    '); x=$?',
    // the last line is the status, the lines before it the body (sh: a quoted newline in the patterns)
    'kc=${kb##*"\n"}; kb=${kb%"\n"*}',
    // no status line (curl did not run): the text is the shell's error
    `case $kc in ''|*[!0-9]*) kc=000 ;; esac`,
    `printf 'CKH\\t%s %s\\n' "$kc" "$x"`,
  ].join('\n');
  return { prelude, trailer: `printf '%s\\n' "$kb"` };
}

/** What fetchSnippet printed (its CKH line, and the probe's content), as fetchText answers. */
export function fetchedText(vals: Record<string, string>, content: Buffer | undefined): { ok: boolean; status: number; body: string; error: string } {
  const [code, x] = (vals.CKH ?? '-1 -1').split(' ').map((n) => (/^\d+$/.test(n) ? Number(n) : NaN));
  const ok = x === 0 && code >= 200 && code < 300;
  const text = (content ?? Buffer.alloc(0)).toString('utf8').replace(/\n$/, '');
  const status = Number.isNaN(code) ? 0 : code;
  // curl failed: its message (the body is empty then); an HTTP error status: the status
  const error = ok ? '' : x !== 0 ? text.slice(0, 2000).replace(/[\n\t]+/g, ' ').trim() || `curl exited with ${x}` : `HTTP Error ${status}`;
  return { ok, status, body: text, error };
}

/** Ansible's url_filename: the last path segment of the URL (url-decoded), or index.html. */
export function urlFilename(url: string): string {
  let path = url;
  try {
    path = new URL(url).pathname;
  } catch {
    /* keep as is */
  }
  const base = path.split('/').pop() ?? '';
  let name = base;
  try {
    name = decodeURIComponent(base);
  } catch {
    /* keep */
  }
  return name || 'index.html';
}

/** The URL for messages: credentials removed. */
export function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = u.password ? '********' : u.username;
      u.password = '';
    }
    return u.toString();
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//********@');
  }
}
