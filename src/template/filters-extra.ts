/**
 * Ansible filters from ansible.builtin and community.general that need more than a line:
 * random and shuffle (with seed: Python's Mersenne Twister, so seeded results equal Ansible's),
 * urlsplit (Python's urllib.parse.urlsplit), password_hash (sha512/sha256/md5 crypt as Ansible
 * writes them with passlib) and json_query (JMESPath, @jmespath-community/jmespath).
 */
import { randomInt } from 'node:crypto';
import { search as jmespathSearch } from '@jmespath-community/jmespath';
import { bind } from './args.js';
import type { Filter } from './filters-text.js';
import { isDict, isStr, pyStr, pyType, templateError, truthy } from './python.js';
import { PyRandom } from './pyrandom.js';
import { SALT_CHARS, md5Crypt, shaCrypt } from './shacrypt.js';

const isInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v);

/** A random source: Python's Random(seed) with a seed, the system's otherwise. */
function source(seed: unknown): PyRandom | undefined {
  return seed === null || seed === undefined ? undefined : new PyRandom(isStr(seed) ? String(seed) : seed);
}

function randomFilter(value: unknown, ...args: unknown[]): unknown {
  const a = bind('random', args, { start: null as unknown, step: null as unknown, seed: null as unknown });
  const r = source(a.seed);
  if (isInt(value) && typeof value !== 'boolean') {
    const start = truthy(a.start) ? BigInt(Number(a.start)) : 0n;
    const step = truthy(a.step) ? BigInt(Number(a.step)) : 1n;
    const end = BigInt(value as number);
    if (r) return Number(r.randrange(start, end, step));
    const n = step > 0n ? (end - start + step - 1n) / step : (end - start + step + 1n) / step;
    if (n <= 0n) throw templateError(`empty range for randrange() (${start}, ${end})`);
    return Number(start + step * BigInt(randomInt(Number(n))));
  }
  const seq = Array.isArray(value) ? value : isStr(value) ? Array.from(String(value)) : isDict(value) ? Object.keys(value) : undefined;
  if (!seq) throw templateError('random can only be used on sequences and integers');
  if (truthy(a.start) || truthy(a.step)) throw templateError('start and step can only be used with integer values');
  if (!seq.length) throw templateError('Cannot choose from an empty sequence');
  return r ? r.choice(seq) : seq[randomInt(seq.length)];
}

function shuffleFilter(value: unknown, ...args: unknown[]): unknown {
  const a = bind('shuffle', args, { seed: null as unknown });
  if (!Array.isArray(value) && !isStr(value)) return value;
  const list = Array.isArray(value) ? [...value] : Array.from(String(value));
  const r = source(a.seed);
  if (r) r.shuffle(list);
  else for (let i = list.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [list[i], list[j]] = [list[j], list[i]];
  }
  return list;
}

/** Python's urllib.parse.urlsplit, with the attributes Ansible's urlsplit returns. */
export function urlsplit(url: string): Record<string, unknown> {
  let rest = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  const colon = rest.indexOf(':');
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(rest.slice(0, colon))) {
    scheme = rest.slice(0, colon).toLowerCase();
    rest = rest.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const m = /[/?#]/.exec(rest.slice(2));
    const end = m ? m.index + 2 : rest.length;
    netloc = rest.slice(2, end);
    rest = rest.slice(end);
    if ((netloc.includes('[') && !netloc.includes(']')) || (netloc.includes(']') && !netloc.includes('['))) throw templateError('Invalid IPv6 URL');
  }
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostport = at >= 0 ? netloc.slice(at + 1) : netloc;
  const uc = userinfo === undefined ? -1 : userinfo.indexOf(':');
  const username = userinfo === undefined ? null : uc >= 0 ? userinfo.slice(0, uc) : userinfo;
  const password = userinfo === undefined || uc < 0 ? null : userinfo.slice(uc + 1);
  let hostname: string | null;
  let portText: string | undefined;
  const br = /^\[([^\]]*)\](?::(.*))?$/.exec(hostport);
  if (br) {
    hostname = br[1];
    portText = br[2];
  } else {
    const c = hostport.indexOf(':');
    hostname = c >= 0 ? hostport.slice(0, c) : hostport;
    portText = c >= 0 ? hostport.slice(c + 1) : undefined;
  }
  hostname = hostname ? hostname.toLowerCase() : null;
  let port: number | null = null;
  if (portText !== undefined && portText !== '') {
    if (!/^\d+$/.test(portText)) throw templateError(`Port could not be cast to integer value as '${portText}'`);
    port = Number(portText);
    if (port > 65535) throw templateError('Port out of range 0-65535');
  }
  return { fragment, hostname, netloc, password, path: rest, port, query, scheme, username };
}

function urlsplitFilter(value: unknown, ...args: unknown[]): unknown {
  const a = bind('urlsplit', args, { query: '' as unknown });
  const parts = urlsplit(pyStr(value));
  const q = pyStr(a.query);
  if (!q) return parts;
  if (!(q in parts)) throw templateError(`urlsplit: unknown URL component: ${q}`);
  return parts[q];
}

const HASH_TYPES: Record<string, string> = {
  sha512: 'sha512_crypt',
  sha512_crypt: 'sha512_crypt',
  sha256: 'sha256_crypt',
  sha256_crypt: 'sha256_crypt',
  md5: 'md5_crypt',
  md5_crypt: 'md5_crypt',
};

export function passwordHash(value: unknown, ...args: unknown[]): unknown {
  const a = bind('password_hash', args, { hashtype: 'sha512' as unknown, salt: null as unknown, salt_size: null as unknown, rounds: null as unknown, ident: null as unknown });
  const type = HASH_TYPES[pyStr(a.hashtype)];
  if (!type) throw templateError(`password_hash: ${pyStr(a.hashtype)} is not supported`, 'kbs writes sha512, sha256 and md5 crypt hashes');
  const size = a.salt_size === null ? (type === 'md5_crypt' ? 8 : 16) : Number(a.salt_size);
  const salt = a.salt === null ? Array.from({ length: size }, () => SALT_CHARS[randomInt(64)]).join('') : pyStr(a.salt);
  if (![...salt].every((c) => SALT_CHARS.includes(c))) throw templateError('invalid characters in salt', 'a salt uses ./0-9A-Za-z only');
  if (salt.length > (type === 'md5_crypt' ? 8 : 16)) throw templateError(`salt too large (${type} requires <= ${type === 'md5_crypt' ? 8 : 16} chars)`);
  const password = pyStr(value);
  if (type === 'md5_crypt') return md5Crypt(password, salt);
  // passlib's defaults, as Ansible (with passlib, as Debian's ansible-core installs it) writes them
  const rounds = a.rounds === null ? (type === 'sha512_crypt' ? 656000 : 535000) : Number(a.rounds);
  if (!Number.isInteger(rounds) || rounds < 1000 || rounds > 999999999) throw templateError(`password_hash: rounds must be between 1000 and 999999999, got ${pyStr(a.rounds)}`);
  return shaCrypt(type === 'sha512_crypt' ? 'sha512' : 'sha256', password, salt, rounds);
}

function jsonQuery(value: unknown, ...args: unknown[]): unknown {
  const a = bind('json_query', args, { expr: '' as unknown });
  try {
    // plain JSON data, as Ansible hands jmespath
    const data = JSON.parse(JSON.stringify(value ?? null));
    return jmespathSearch(data, pyStr(a.expr));
  } catch (e) {
    throw templateError(`JMESPathError in json_query filter plugin:\n${(e as Error).message}`, `check the JMESPath expression ${JSON.stringify(pyStr(a.expr))} (value: ${pyType(value)})`);
  }
}

export const EXTRA_FILTERS: Record<string, Filter> = {
  json_query: jsonQuery,
  password_hash: passwordHash,
  random: randomFilter,
  shuffle: shuffleFilter,
  urlsplit: urlsplitFilter,
};
