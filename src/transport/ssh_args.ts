/**
 * Ansible's ansible_ssh_common_args (and ssh_extra_args): the OpenSSH command-line options kbs
 * understands. Understood: `-o ProxyJump=...`, `-J ...`, `-o UserKnownHostsFile=PATH`,
 * `-o StrictHostKeyChecking=...`, `-o ConnectTimeout=N`, `-o Port=`, `-o User=`,
 * `-o IdentityFile=`, `-p`, `-l`, `-i`. Anything else is collected in `ignored` (never an error).
 */
import { KbsError } from '../errors.js';

export interface SshArgs {
  proxyJump?: string;
  userKnownHostsFile?: string[];
  strictHostKeyChecking?: string;
  connectTimeout?: number;
  port?: number;
  user?: string;
  identityFiles: string[];
  ignored: string[];
}

/** Split like a POSIX shell would (single/double quotes, backslash), without expansions. */
export function shellWords(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let has = false;
  let q: '"' | "'" | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q === "'") {
      if (c === "'") q = null;
      else cur += c;
    } else if (q === '"') {
      if (c === '"') q = null;
      else if (c === '\\' && i + 1 < s.length && '"\\$`'.includes(s[i + 1])) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      q = c;
      has = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      has = true;
    } else if (/\s/.test(c)) {
      if (has) out.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (q) throw new KbsError('USAGE', `unbalanced quote in ssh args: ${s}`);
  if (has) out.push(cur);
  return out;
}

export function parseSshArgs(commonArgs: string | undefined): SshArgs {
  const res: SshArgs = { identityFiles: [], ignored: [] };
  if (!commonArgs) return res;
  const w = shellWords(commonArgs);
  for (let i = 0; i < w.length; i++) {
    const a = w[i];
    const flag = /^-([oJpli])(.*)$/.exec(a);
    if (!flag) {
      res.ignored.push(a);
      continue;
    }
    const value = flag[2] !== '' ? flag[2] : w[++i];
    if (value === undefined) break;
    switch (flag[1]) {
      case 'o':
        option(res, value);
        break;
      case 'J':
        res.proxyJump ??= value;
        break;
      case 'p':
        res.port ??= port(value);
        break;
      case 'l':
        res.user ??= value;
        break;
      case 'i':
        res.identityFiles.push(value);
        break;
    }
  }
  return res;
}

function port(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new KbsError('USAGE', `bad port '${v}' in ssh args`);
  return n;
}

/** One `-o Key=Value` (or `-o "Key Value"`); first value wins, as in ssh. */
function option(res: SshArgs, kv: string): void {
  const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(kv);
  if (!m) {
    res.ignored.push(`-o ${kv}`);
    return;
  }
  const key = m[1].toLowerCase();
  const v = m[2].trim();
  switch (key) {
    case 'proxyjump':
      res.proxyJump ??= v;
      break;
    case 'userknownhostsfile':
      res.userKnownHostsFile ??= v.split(/\s+/);
      break;
    case 'stricthostkeychecking':
      res.strictHostKeyChecking ??= v.toLowerCase();
      break;
    case 'connecttimeout': {
      const n = Number(v);
      if (!Number.isFinite(n) || n <= 0) throw new KbsError('USAGE', `bad ConnectTimeout '${v}' in ssh args`);
      res.connectTimeout ??= n;
      break;
    }
    case 'port':
      res.port ??= port(v);
      break;
    case 'user':
      res.user ??= v;
      break;
    case 'identityfile':
      res.identityFiles.push(v);
      break;
    default:
      res.ignored.push(`-o ${kv}`);
  }
}

export interface JumpHost {
  user?: string;
  host: string;
  port?: number;
}

/** Parse a ProxyJump value: `[user@]host[:port]` or `ssh://[user@]host[:port]`, comma chain. */
export function parseProxyJump(v: string | undefined): JumpHost[] {
  if (!v || v.toLowerCase() === 'none') return [];
  return v.split(',').map((part) => {
    let s = part.trim().replace(/^ssh:\/\//, '');
    let user: string | undefined;
    const at = s.lastIndexOf('@');
    if (at >= 0) {
      user = s.slice(0, at);
      s = s.slice(at + 1);
    }
    let host = s;
    let p: number | undefined;
    const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(s);
    if (bracket) {
      host = bracket[1];
      if (bracket[2]) p = port(bracket[2]);
    } else {
      const m = /^([^:]+):(\d+)$/.exec(s);
      if (m) {
        host = m[1];
        p = port(m[2]);
      }
    }
    if (!host) throw new KbsError('USAGE', `bad ProxyJump '${v}'`);
    return { user: user || undefined, host, port: p };
  });
}

/**
 * StrictHostKeyChecking -> accept-new or not. `no` and `off` are treated as accept-new on purpose:
 * kbs never disables host key verification, so a changed key still fails. `yes`/`ask` -> strict.
 * Undefined -> undefined (use the run's default).
 */
export function acceptNewFrom(strict: string | undefined): boolean | undefined {
  if (strict === undefined) return undefined;
  if (strict === 'accept-new' || strict === 'no' || strict === 'off') return true;
  return false;
}
