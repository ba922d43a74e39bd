/**
 * A subset of OpenSSH's ~/.ssh/config: Host blocks (patterns with `*`, `?`, `!negation`, several
 * per line), first obtained value wins, `Include` (globs, relative to ~/.ssh), and the keys kbs
 * uses: HostName, User, Port, IdentityFile (accumulates), ProxyJump, UserKnownHostsFile,
 * StrictHostKeyChecking, ConnectTimeout, IdentitiesOnly.
 *
 * Not supported: `Match` blocks are skipped entirely (their options never apply); other keys are
 * ignored.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { homedir, userInfo, hostname } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { KbsError } from '../errors.js';
import { wildcardMatch } from './known_hosts.js';

export interface SshHostConfig {
  hostName?: string;
  user?: string;
  port?: number;
  identityFiles: string[];
  /** raw ProxyJump value; 'none' is returned as is */
  proxyJump?: string;
  userKnownHostsFile?: string[];
  strictHostKeyChecking?: string;
  connectTimeout?: number;
  identitiesOnly?: boolean;
}

interface Directive {
  key: string; // lower case
  args: string[];
  file: string;
  line: number;
}

const cache = new Map<string, Directive[] | null>();

/** Split a config line into words: `Key value`, `Key=value`, `Key = value`; double quotes group. */
export function splitConfigLine(line: string): string[] {
  const m = /^([^\s=]+)(?:\s*=\s*|\s+|$)(.*)$/.exec(line.trim());
  if (!m) return [];
  const words = [m[1]];
  const rest = m[2];
  let cur = '';
  let inQuote = false;
  let has = false;
  for (const c of rest) {
    if (c === '"') {
      inQuote = !inQuote;
      has = true;
    } else if (!inQuote && (c === ' ' || c === '\t')) {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

export function parseSshConfig(text: string, file: string): Directive[] {
  const out: Directive[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i].trim();
    if (t === '' || t.startsWith('#')) continue;
    const words = splitConfigLine(t);
    if (words.length === 0) continue;
    out.push({ key: words[0].toLowerCase(), args: words.slice(1), file, line: i + 1 });
  }
  return out;
}

function load(file: string): Directive[] | null {
  if (cache.has(file)) return cache.get(file)!;
  let text: string | null = null;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KbsError('NOT_FOUND', `cannot read ssh config ${file}: ${(e as Error).message}`);
    }
  }
  const parsed = text === null ? null : parseSshConfig(text, file);
  cache.set(file, parsed);
  return parsed;
}

/** Forget cached files (tests write configs on the fly). */
export function clearSshConfigCache(): void {
  cache.clear();
}

export function expandHome(p: string): string {
  if (p === '~') return homedir();
  if (p.startsWith('~/')) return join(homedir(), p.slice(2));
  return p;
}

/** Does HOST match a Host line's patterns (any positive match and no negated match)? */
export function hostPatternsMatch(host: string, patterns: string[]): boolean {
  let ok = false;
  for (const p of patterns) {
    if (p.startsWith('!')) {
      if (wildcardMatch(host, p.slice(1))) return false;
    } else if (wildcardMatch(host, p)) ok = true;
  }
  return ok;
}

/** Expand an Include argument: `~`, relative to the user's ~/.ssh, `*`/`?` in the file name. */
function includeFiles(arg: string, baseDir: string): string[] {
  let p = expandHome(arg);
  if (!isAbsolute(p)) p = join(baseDir, p);
  const name = basename(p);
  if (!/[*?]/.test(name)) return [p];
  let entries: string[];
  try {
    entries = readdirSync(dirname(p));
  } catch {
    return [];
  }
  return entries
    .filter((e) => wildcardMatch(e, name) && !e.startsWith('.'))
    .sort()
    .map((e) => join(dirname(p), e));
}

/** Resolve the options for HOST (the name as given: ansible_host). Missing file -> empty config. */
export function resolveSshConfig(file: string, host: string): SshHostConfig {
  const cfg: SshHostConfig = { identityFiles: [] };
  const baseDir = dirname(file);
  const walk = (f: string, active: boolean, depth: number): void => {
    if (depth > 16) throw new KbsError('NOT_FOUND', `ssh config: Include nested too deeply at ${f}`);
    const ds = load(f);
    if (!ds) return;
    let on = active;
    for (const d of ds) {
      if (d.key === 'host') {
        on = active && hostPatternsMatch(host, d.args);
        continue;
      }
      if (d.key === 'match') {
        on = false; // Match blocks are not supported: never apply
        continue;
      }
      if (!on) continue;
      if (d.key === 'include') {
        for (const a of d.args) for (const inc of includeFiles(a, baseDir)) walk(inc, on, depth + 1);
        continue;
      }
      apply(cfg, d);
    }
  };
  walk(file, true, 0);
  return cfg;
}

function apply(cfg: SshHostConfig, d: Directive): void {
  const v = d.args[0];
  if (v === undefined) return;
  switch (d.key) {
    case 'hostname':
      cfg.hostName ??= v;
      break;
    case 'user':
      cfg.user ??= v;
      break;
    case 'port': {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 65535) {
        throw new KbsError('USAGE', `bad Port '${v}' in ssh config`, { pos: { file: d.file, line: d.line } });
      }
      cfg.port ??= n;
      break;
    }
    case 'identityfile':
      if (!cfg.identityFiles.includes(v)) cfg.identityFiles.push(v);
      break;
    case 'proxyjump':
      cfg.proxyJump ??= v;
      break;
    case 'userknownhostsfile':
      cfg.userKnownHostsFile ??= d.args;
      break;
    case 'stricthostkeychecking':
      cfg.strictHostKeyChecking ??= v.toLowerCase();
      break;
    case 'connecttimeout': {
      const n = Number(v);
      if (Number.isFinite(n) && n > 0) cfg.connectTimeout ??= n;
      break;
    }
    case 'identitiesonly':
      cfg.identitiesOnly ??= v.toLowerCase() === 'yes';
      break;
  }
}

export interface TokenContext {
  /** host name after HostName */
  host: string;
  /** the original name as given */
  original: string;
  user: string;
  port: number;
}

/** Expand `~` and the tokens %h %n %r %u %p %d %l %% (as in IdentityFile). */
export function expandTokens(s: string, ctx: TokenContext): string {
  const out = s.replace(/%(.)/g, (m, c: string) => {
    switch (c) {
      case '%':
        return '%';
      case 'h':
        return ctx.host;
      case 'n':
        return ctx.original;
      case 'r':
        return ctx.user;
      case 'u':
        return userInfo().username;
      case 'p':
        return String(ctx.port);
      case 'd':
        return homedir();
      case 'l':
        return hostname();
      default:
        return m;
    }
  });
  return expandHome(out);
}
