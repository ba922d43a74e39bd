/**
 * ansible.posix.authorized_key: SSH public keys added to or removed from a user's
 * authorized_keys file, parsed and written back as ansible.posix 1.5's module does (options
 * merged per key, `exclusive` drops other keys, lines kept in their order, new keys appended).
 * One probe fetches a key given as a URL (on the host, with curl), reads the user's passwd entry
 * and the file; the plan is pure; a change is one write that also creates ~/.ssh (0700,
 * manage_dir) and leaves the file 0600, owned by the user.
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { probeSections, runPlanned, type Plan, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { tempTrap } from './util/remote.js';
import { argWord } from './util/words.js';

const KEY_TYPES = new Set([
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'sk-ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'webauthn-sk-ecdsa-sha2-nistp256@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp256-cert-v01@openssh.com',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp384-cert-v01@openssh.com',
  'ecdsa-sha2-nistp521',
  'ecdsa-sha2-nistp521-cert-v01@openssh.com',
  'sk-ssh-ed25519@openssh.com',
  'sk-ssh-ed25519-cert-v01@openssh.com',
  'ssh-ed25519',
  'ssh-ed25519-cert-v01@openssh.com',
  'ssh-dss',
  'ssh-rsa',
  'ssh-xmss@openssh.com',
  'ssh-xmss-cert-v01@openssh.com',
  'rsa-sha2-256',
  'rsa-sha2-512',
  'ssh-rsa-cert-v01@openssh.com',
  'rsa-sha2-256-cert-v01@openssh.com',
  'rsa-sha2-512-cert-v01@openssh.com',
  'ssh-dss-cert-v01@openssh.com',
]);

/** Key options in order; a name may repeat (permitopen=...), a flag has value null. */
export type KeyOptions = [string, string | null][];

export interface ParsedKey {
  /** the key blob (or, for a line that is not a key, the line itself) */
  id: string;
  type: string;
  options?: KeyOptions;
  comment?: string;
  rank: number;
}

/** Ansible's parseoptions: `a,b="x,y",c=1` split on commas outside quotes. */
export function parseOptions(s: string | undefined): KeyOptions {
  const out: KeyOptions = [];
  if (!s) return out;
  const parts = s.split(/((?:[^,"']|"[^"]*"|'[^']*')+)/).slice(1, -1);
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq >= 0) out.push([p.slice(0, eq), p.slice(eq + 1)]);
    else if (p !== ',') out.push([p, null]);
  }
  return out;
}

/** Ansible's parsekey: [options] type blob [comment], split on whitespace. */
export function parseKey(raw: string, rank: number): ParsedKey | undefined {
  const line = raw.replace(/\\#/g, '#');
  const parts = line.split(/[ \t\r\n]+/).filter(Boolean);
  if (parts[0] === '#') return { id: line, type: 'skipped', rank };
  const ti = parts.findIndex((p) => KEY_TYPES.has(p));
  if (ti < 0 || ti + 1 >= parts.length) return undefined;
  return { id: parts[ti + 1], type: parts[ti], options: parseOptions(ti > 0 ? parts.slice(0, ti).join(' ') : undefined), comment: parts.slice(ti + 2).join(' '), rank };
}

/** Python dict equality of two keydicts: name → list of values, order of names ignored. */
function sameOptions(a: KeyOptions = [], b: KeyOptions = []): boolean {
  const m = (o: KeyOptions) => {
    const d = new Map<string, (string | null)[]>();
    for (const [k, v] of o) d.set(k, [...(d.get(k) ?? []), v]);
    return d;
  };
  const x = m(a);
  const y = m(b);
  if (x.size !== y.size) return false;
  for (const [k, v] of x) if (JSON.stringify(v) !== JSON.stringify(y.get(k))) return false;
  return true;
}

const sameKey = (a: ParsedKey, b: ParsedKey) => a.id === b.id && a.type === b.type && a.comment === b.comment && sameOptions(a.options, b.options);

/** Ansible's serialize: by rank; a key line is "[options ]type blob comment\n". */
export function serializeKeys(keys: ParsedKey[]): string {
  return [...keys]
    .sort((a, b) => a.rank - b.rank)
    .map((k) => {
      if (k.type === 'skipped') return k.id;
      const opts = k.options?.length ? k.options.map(([n, v]) => (v === null ? n : `${n}=${v}`)).join(',') + ' ' : '';
      return `${opts}${k.type} ${k.id} ${k.comment ?? ''}\n`;
    })
    .join('');
}

export interface KeyEdit {
  keys: string;
  state: 'present' | 'absent';
  exclusive: boolean;
  keyOptions?: string;
  comment?: string;
}

/** The new file content, or undefined when nothing changes; throws a message for an invalid key. */
export function editKeys(existing: string, e: KeyEdit): string | undefined {
  // insertion-ordered entries; the same blob may appear twice in a file (dict semantics: last wins)
  const byId = new Map<string, ParsedKey>();
  const lines = existing.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  lines.forEach((l, i) => {
    const k = parseKey(l, i) ?? { id: l, type: 'skipped', rank: i };
    byId.set(k.id, k);
  });
  const max = lines.length;
  const wanted = e.keys.split(/\r\n|\n|\r/).filter((s) => s && !s.startsWith('#'));
  const keep: string[] = [];
  let write = false;
  wanted.forEach((raw, i) => {
    const k = parseKey(raw, i);
    if (!k) throw new Error(`invalid key specified: ${raw}`);
    if (e.keyOptions !== undefined) k.options = parseOptions(e.keyOptions);
    if (e.comment !== undefined) k.comment = e.comment;
    const cur = byId.get(k.id);
    let matched = false;
    let stale = false;
    if (cur) {
      if (!sameKey(k, cur) && e.state === 'present') stale = true;
      else matched = true;
    }
    if (e.state === 'present') {
      keep.push(k.id);
      if (stale) {
        byId.delete(k.id);
        write = true;
      }
      if (!matched) {
        byId.set(k.id, { ...k, rank: max + k.rank });
        write = true;
      }
    } else if (matched) {
      byId.delete(k.id);
      write = true;
    }
  });
  if (e.state === 'present' && e.exclusive) {
    for (const id of [...byId.keys()]) {
      if (!keep.includes(id)) {
        byId.delete(id);
        write = true;
      }
    }
  }
  return write ? serializeKeys([...byId.values()]) : undefined;
}

const args = declareArgs({
  user: { type: 'str', required: true },
  key: { type: 'str', required: true },
  path: { type: 'str' },
  manage_dir: { type: 'bool', default: true },
  state: { type: 'str', choices: ['absent', 'present'], default: 'present' },
  key_options: { type: 'str' },
  exclusive: { type: 'bool' },
  comment: { type: 'str' },
  validate_certs: { type: 'bool', default: true },
  follow: { type: 'bool' },
});
type Args = ReturnType<typeof args.read>;

const isUrl = (key: string) => key.startsWith('http');

/** The parent folder of a path, as the module names it. */
const parentOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';

export const authorizedKeyPlanner: Planner<Args> = {
  args,
  probe(a) {
    return [
      // a key given as a URL is fetched by the host, as Ansible's module does
      isUrl(a.key) ? `printf '@@key\\n'; curl -fsSL ${a.validate_certs ? '' : '-k '}-- ${shq(a.key)}; r=$?; printf '\\n'; [ "$r" -eq 0 ] || { printf '@@keyfail\\n'; exit 0; }` : '',
      `u=$(getent passwd -- ${shq(a.user)}) || u=''`,
      `h=$(printf '%s\\n' "$u" | head -n 1 | cut -d: -f6)`,
      `if [ -z "$u" ]; then printf '@@nouser\\n'; ${a.path === undefined ? 'exit 0; ' : ''}fi`,
      a.path === undefined ? 'printf \'@@home\\n%s\\n\' "$h"; f="$h/.ssh/authorized_keys"' : `f=${argWord(a.path, true)}; printf '@@path\\n%s\\n' "$f"`,
      a.follow ? 'f=$(readlink -f -- "$f") || exit 1' : '',
      `printf '@@keyfile\\n%s\\n@@file\\n' "$f"; if [ -f "$f" ]; then cat -- "$f" || exit 1; fi`,
    ]
      .filter(Boolean)
      .join('\n');
  },
  probeError: (a) => `cannot read the authorized_keys of ${a.user}`,
  plan(a, out, { diff, check }) {
    const none = (result: ModuleResult): Plan => ({ result, changes: [] });
    const s = probeSections(out);
    if (s.keyfail !== undefined) return none(failed(`Error getting key from: ${a.key}`));
    const key = isUrl(a.key) ? (s.key ?? '').slice(0, -1) : a.key;
    const path = s.path?.replace(/\n$/, '');
    if (s.nouser !== undefined && !(check && path !== undefined)) {
      return none(failed(check && path === undefined ? 'Either user must exist or you must provide full path to key file in check mode' : `Failed to lookup user ${a.user}: "getpwnam(): name not found: '${a.user}'"`));
    }
    const keyfile = (s.keyfile ?? '').replace(/\n$/, '');
    const before = s.file ?? '';
    let after: string | undefined;
    try {
      after = editKeys(before, { keys: key, state: a.state, exclusive: a.exclusive, keyOptions: a.key_options, comment: a.comment });
    } catch (e) {
      return none(failed((e as Error).message));
    }
    const result: ModuleResult = {
      changed: after !== undefined,
      user: a.user,
      key,
      path: path ?? null,
      manage_dir: a.manage_dir,
      state: a.state,
      key_options: a.key_options ?? null,
      exclusive: a.exclusive,
      comment: a.comment ?? null,
      validate_certs: a.validate_certs,
      follow: a.follow,
      keyfile,
    };
    if (after === undefined) return none(result);
    if (diff) result.diff = { before_header: keyfile, after_header: keyfile, before, after };
    const sshDir = path === undefined ? `${(s.home ?? '').replace(/\n$/, '')}/.ssh` : parentOf(path);
    const owner = shq(a.user);
    const write = [
      `f=${shq(keyfile)}; s=${shq(sshDir)}`,
      a.manage_dir ? `[ -e "$s" ] || mkdir -m 700 -- "$s" || exit 1; chown ${owner}: -- "$s" && chmod 700 -- "$s" || exit 1` : '',
      '[ -d "$(dirname -- "$f")" ] || mkdir -p -- "$(dirname -- "$f")" || exit 1',
      't=$(mktemp -- "$(dirname -- "$f")/.kbs-tmp.XXXXXXXX") || exit 1',
      tempTrap('t'),
      // the content on stdin: a large file stays off the command line
      'cat > "$t" || exit 1',
      `chown ${owner}: -- "$t" 2>/dev/null; chmod 600 -- "$t"`,
      'mv -f -- "$t" "$f" || exit 1',
    ].filter(Boolean);
    return { result, changes: [{ description: `write ${keyfile}`, command: write.join('\n') + '\n', stdin: after }] };
  },
};

export const authorized_key: ModuleDef = {
  name: 'authorized_key',
  schema: args.schema,
  run: (raw, ctx) => runPlanned(authorizedKeyPlanner, raw, ctx),
};
