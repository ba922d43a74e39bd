/**
 * The url lookup (ansible-core 2.14): a GET from the workstation, the body as lines (split_lines)
 * or one text. Templates render synchronously, so the request runs in a child node process that
 * kbs waits for (one process per URL, as Ansible's open_url is one connection per URL).
 * Options: validate_certs, username/password (force_basic_auth, or on a 401 challenge), headers,
 * timeout, http_agent, follow_redirects (urllib2/all/safe/yes: follow; none/no: do not; all
 * others as Ansible's), ca_path, split_lines. use_proxy, use_gssapi, unix_socket, ciphers,
 * use_netrc and unredirected_headers are refused (kbs does not make such requests).
 */
import { spawnSync } from 'node:child_process';
import { type Dict, pyStr, templateError, truthy } from './python.js';
import type { KbsContext } from './runtime.js';

const KNOWN = ['validate_certs', 'use_proxy', 'username', 'password', 'headers', 'force', 'timeout', 'http_agent', 'force_basic_auth', 'follow_redirects', 'use_gssapi', 'unix_socket', 'ca_path', 'unredirected_headers', 'split_lines', 'ciphers', 'use_netrc'];
const REFUSED = ['use_gssapi', 'unix_socket', 'ciphers', 'unredirected_headers'];

/** the child: reads {url, headers, timeoutMs, follow, user, password, force} on stdin, prints JSON */
const CHILD = `
const o = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const auth = 'Basic ' + Buffer.from(o.user + ':' + o.password).toString('base64');
async function get(withAuth) {
  const headers = { ...o.headers };
  if (withAuth) headers.Authorization = auth;
  return fetch(o.url, { headers, redirect: o.follow ? 'follow' : 'manual', signal: AbortSignal.timeout(o.timeoutMs) });
}
(async () => {
  try {
    let r = await get(o.force && o.user !== null);
    if (r.status === 401 && o.user !== null && !o.force) r = await get(true);
    const body = Buffer.from(await r.arrayBuffer()).toString('base64');
    process.stdout.write(JSON.stringify({ status: r.status, reason: r.statusText, body }));
  } catch (e) {
    const c = e.cause || e;
    process.stdout.write(JSON.stringify({ error: String(c.code || c.name || 'Error') + ': ' + String(c.message || c) }));
  }
})();
`;

interface Answer {
  status?: number;
  reason?: string;
  body?: string;
  error?: string;
}

export function urlLookup(_ctx: KbsContext, terms: unknown[], kw: Dict): unknown[] {
  for (const k of Object.keys(kw)) {
    if (!KNOWN.includes(k)) throw templateError(`Unrecognized option '${k}' for the url lookup`, `options: ${KNOWN.join(', ')}`);
    if (REFUSED.includes(k) && truthy(kw[k])) throw templateError(`url lookup: ${k} is not supported by kbs`, 'fetch the URL with the uri module on a host instead');
  }
  const opt = (k: string, d: unknown) => (kw[k] === undefined || kw[k] === null ? d : kw[k]);
  const follow = pyStr(opt('follow_redirects', 'urllib2'));
  const headers: Record<string, string> = { 'User-Agent': pyStr(opt('http_agent', 'ansible-httpget')) };
  const given = opt('headers', {});
  if (given && typeof given === 'object') for (const [k, v] of Object.entries(given as Dict)) headers[k] = pyStr(v);
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (!truthy(opt('validate_certs', true))) env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  if (kw.ca_path) env.NODE_EXTRA_CA_CERTS = pyStr(kw.ca_path);
  const timeoutSec = Number(opt('timeout', 10));
  const out: unknown[] = [];
  for (const t of terms) {
    const url = pyStr(t);
    const input = JSON.stringify({
      url,
      headers,
      timeoutMs: Math.max(1, timeoutSec) * 1000,
      follow: !['none', 'no', 'false'].includes(follow.toLowerCase()),
      user: kw.username === undefined || kw.username === null ? null : pyStr(kw.username),
      password: kw.password === undefined || kw.password === null ? '' : pyStr(kw.password),
      force: truthy(opt('force_basic_auth', false)),
    });
    const r = spawnSync(process.execPath, ['-e', CHILD], { input, env, encoding: 'utf8', timeout: (timeoutSec + 10) * 1000, maxBuffer: 256 * 1024 * 1024 });
    let a: Answer;
    try {
      a = JSON.parse(r.stdout) as Answer;
    } catch {
      throw templateError(`Failed lookup url for ${url} : ${r.error?.message ?? (r.stderr.trim() || 'no answer')}`);
    }
    if (a.error) {
      if (/CERT|SSL|self.signed|certificate/i.test(a.error)) throw templateError(`Error validating the server's certificate for ${url}: ${a.error}`, 'set validate_certs=false, or ca_path to the CA that signed it');
      throw templateError(`Failed lookup url for ${url} : ${a.error}`);
    }
    if ((a.status ?? 0) >= 400) throw templateError(`Received HTTP error for ${url} : HTTP Error ${a.status}: ${a.reason ?? ''}`);
    const text = Buffer.from(a.body ?? '', 'base64').toString('utf8');
    if (truthy(opt('split_lines', true))) out.push(...(text === '' ? [] : text.replace(/(\r\n|\n|\r)$/, '').split(/\r\n|\n|\r/)));
    else out.push(text);
  }
  return out;
}
