/**
 * ansible.builtin filters on paths, URLs and text that run on the workstation, as ansible-core
 * 2.14 runs them (plugins/filter/core.py, urls.py, encryption.py): expandvars, realpath,
 * relpath, fileglob, urldecode, to_uuid, comment, vault and unvault.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { encryptVault, isVaultText, parseEnvelope, decryptEnvelope, VaultFormatError } from '../vault/format.js';
import { addSecret } from '../vault/redact.js';
import { globToRegExp, hasGlob } from '../util/glob.js';
import { bind, splitArgs } from './args.js';
import type { Filter } from './filters-text.js';
import { isStr, makeTuple, pyStr, pyType, templateError } from './python.js';
import { Undefined } from './undefined.js';
import { scandir } from '../util/scandir.js';

/** posixpath.expandvars: $name and ${name} of the workstation's environment; unknown ones stay */
function expandvars(v: unknown): unknown {
  const s = pyStr(v);
  return s.replace(/\$(\w+|\{[^}]*\})/g, (m, name: string) => {
    const key = name.startsWith('{') ? name.slice(1, -1) : name;
    const val = process.env[key];
    return val === undefined ? m : val;
  });
}

/** os.path.realpath (not strict): symbolic links resolved as far as the path exists */
function realpath(v: unknown): unknown {
  let p = path.resolve(pyStr(v));
  const rest: string[] = [];
  for (;;) {
    try {
      return path.join(fs.realpathSync(p), ...rest);
    } catch {
      const parent = path.dirname(p);
      if (parent === p) return path.join(p, ...rest);
      rest.unshift(path.basename(p));
      p = parent;
    }
  }
}

/** os.path.relpath(path, start=os.curdir) */
function relpath(v: unknown, ...args: unknown[]): unknown {
  const a = bind('relpath', args, { start: '.' as unknown });
  const p = pyStr(v);
  if (!p) throw templateError('no path specified');
  return path.relative(path.resolve(pyStr(a.start)), path.resolve(p)) || '.';
}

/** glob.glob(pathname): each component may hold wildcards; names starting with "." only for a pattern that does */
function glob(pattern: string): string[] {
  const abs = path.isAbsolute(pattern);
  const parts = pattern.split('/').filter((x) => x !== '');
  let found: string[] = [abs ? '/' : ''];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of found) {
      if (!hasGlob(part)) {
        const p = dir ? path.join(dir, part) : part;
        if (fs.existsSync(p)) next.push(p);
        continue;
      }
      let names: string[];
      try {
        names = scandir(dir || '.');
      } catch {
        continue;
      }
      const re = globToRegExp(part);
      for (const n of names) if (re.test(n) && (part.startsWith('.') || !n.startsWith('.'))) next.push(dir ? path.join(dir, n) : n);
    }
    found = next;
  }
  return found.filter((f) => f !== '' && f !== '/');
}


/** the regular files matching the glob, in the file system's order, as Ansible's fileglob filter */
function fileglob(v: unknown): unknown {
  return glob(pyStr(v)).filter((f) => {
    try {
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  });
}

/** urllib.parse.unquote_plus: + is a space, %XX a byte; the bytes read as UTF-8 (bad bytes become U+FFFD) */
function urldecode(v: unknown): unknown {
  const s = pyStr(v).replace(/\+/g, ' ');
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else for (const b of Buffer.from(s[i], 'utf8')) bytes.push(b);
  }
  return Buffer.from(bytes).toString('utf8');
}

const UUID_NAMESPACE_ANSIBLE = '361e6d51-faec-444a-9079-341386da8e2e';

/** uuid.uuid5(namespace, name), as text */
function toUuid(v: unknown, ...args: unknown[]): unknown {
  const a = bind('to_uuid', args, { namespace: UUID_NAMESPACE_ANSIBLE as unknown });
  const ns = pyStr(a.namespace).replace(/^urn:uuid:/i, '').replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(ns)) throw templateError(`Invalid value '${pyStr(a.namespace)}' for 'namespace': badly formed hexadecimal UUID string`);
  const h = createHash('sha1').update(Buffer.from(ns, 'hex')).update(pyStr(v), 'utf8').digest();
  const b = h.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const x = b.toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};

/** Ansible's comment filter: the text as a comment block of a style, each part overridable */
function comment(v: unknown, ...args: unknown[]): unknown {
  const [pos, kwArgs] = splitArgs(args);
  if (pos.length > 1) throw templateError(`comment() takes at most 2 positional arguments (${pos.length + 1} given)`);
  const style = pos.length ? pyStr(pos[0]) : kwArgs.style !== undefined ? pyStr(kwArgs.style) : 'plain';
  const sp = COMMENT_STYLES[style];
  if (!sp) throw templateError(`comment: unknown style '${style}'`, `styles: ${Object.keys(COMMENT_STYLES).join(', ')}`);
  const kw: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(kwArgs)) if (k !== 'style') kw[k] = x;
  const pre = kw.decoration !== undefined ? pyStr(kw.decoration) : sp.decoration;
  const p: Record<string, unknown> = { newline: '\n', beginning: '', prefix: pre.trimEnd(), prefix_count: 1, decoration: '', postfix: pre.trimEnd(), postfix_count: 1, end: '', ...sp, ...kw };
  const s = (k: string) => pyStr(p[k]);
  const count = (k: string) => {
    const n = Number(p[k]);
    if (!Number.isInteger(n)) throw templateError(`comment: ${k} must be an integer, got ${pyType(p[k])}`);
    return Math.max(0, n);
  };
  const nl = s('newline');
  const beginning = s('beginning') ? s('beginning') + nl : '';
  const prefix = s('prefix') ? (s('prefix') !== nl ? s('prefix') + nl : nl).repeat(count('prefix_count')) : '';
  const deco = s('decoration');
  const text = (deco + pyStr(v).split(nl).join(nl + deco)).split(deco + nl).join(deco.trimEnd() + nl);
  const postfix = ['', ...Array.from({ length: count('postfix_count') }, () => s('postfix'))].join(nl);
  const end = s('end') ? nl + s('end') : '';
  return beginning + prefix + text + postfix + end;
}

function vaultFilter(v: unknown, ...args: unknown[]): unknown {
  const a = bind('vault', args, { secret: undefined as unknown, salt: null as unknown, vaultid: 'filter_default' as unknown, wrap_object: false as unknown });
  if (a.secret instanceof Undefined) throw a.secret.error();
  if (!isStr(a.secret)) throw templateError(`Secret passed is required to be a string, instead we got: ${pyType(a.secret)}`);
  if (!isStr(v)) throw templateError(`Can only vault strings, instead we got: ${pyType(v)}`);
  if (a.salt !== null && !pyStr(a.salt)) throw templateError('Unable to encrypt: Empty or invalid salt passed');
  const salt = a.salt === null ? undefined : Buffer.from(pyStr(a.salt), 'utf8');
  return encryptVault(pyStr(v), pyStr(a.secret), { label: pyStr(a.vaultid), salt });
}

function unvaultFilter(v: unknown, ...args: unknown[]): unknown {
  const a = bind('unvault', args, { secret: undefined as unknown, vaultid: 'filter_default' as unknown });
  if (a.secret instanceof Undefined) throw a.secret.error();
  if (!isStr(a.secret)) throw templateError(`Secret passed is required to be as string, instead we got: ${pyType(a.secret)}`);
  if (!isStr(v)) throw templateError(`Vault should be in the form of a string, instead we got: ${pyType(v)}`);
  const text = pyStr(v);
  if (!isVaultText(text)) return text;
  let plain: Buffer | undefined;
  try {
    plain = decryptEnvelope(parseEnvelope(text), pyStr(a.secret));
  } catch (e) {
    if (e instanceof VaultFormatError) throw templateError(`Unable to decrypt: ${e.message}`);
    throw e;
  }
  if (!plain) throw templateError('Unable to decrypt: Decryption failed (no vault secrets were found that could decrypt)', 'check the secret given to unvault');
  const out = plain.toString('utf8');
  addSecret(out);
  return out;
}

/** Python 3.11's ntpath.splitdrive: `C:` or a UNC share (`\\\\server\\share`), then the rest */
function ntSplitDrive(p: string): [string, string] {
  if (p.length >= 2) {
    const n = p.replace(/\//g, '\\');
    if (n.slice(0, 2) === '\\\\') {
      const start = n.slice(0, 8).toUpperCase() === '\\\\?\\UNC\\' ? 8 : 2;
      const i = n.indexOf('\\', start);
      if (i === -1) return [p, ''];
      const j = n.indexOf('\\', i + 1);
      if (j === -1) return [p, ''];
      return [p.slice(0, j), p.slice(j)];
    }
    if (n[1] === ':') return [p.slice(0, 2), p.slice(2)];
  }
  return ['', p];
}

/** Python's ntpath.split: (head, tail), the head without its trailing separators (unless all separators) */
function ntSplit(path: string): [string, string] {
  const [d, p] = ntSplitDrive(path);
  let i = p.length;
  while (i && !'\\/'.includes(p[i - 1])) i--;
  const head = p.slice(0, i);
  const stripped = head.replace(/[\\/]+$/, '');
  return [d + (stripped || head), p.slice(i)];
}

const winPath = (name: string, v: unknown): string => {
  if (!isStr(v)) throw templateError(`${name} expects a string, got ${pyType(v)}`);
  return pyStr(v);
};

export const PATH_FILTERS: Record<string, Filter> = {
  // Ansible's Windows path filters (Python's ntpath)
  win_basename: (v) => ntSplit(winPath('win_basename', v))[1],
  win_dirname: (v) => ntSplit(winPath('win_dirname', v))[0],
  win_splitdrive: (v) => makeTuple(ntSplitDrive(winPath('win_splitdrive', v))),
  expandvars,
  realpath,
  relpath,
  fileglob,
  urldecode,
  to_uuid: toUuid,
  comment,
  vault: vaultFilter,
  unvault: unvaultFilter,
};
