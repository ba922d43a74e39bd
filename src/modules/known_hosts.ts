/**
 * ansible.builtin.known_hosts: a host's key added to, replaced in, or removed from a known_hosts
 * file. As Ansible's module, the host's own `ssh-keygen -F` finds the entries (hashed or not) and
 * checks that the key's host field matches `name`; kbs then edits the lines and writes the file
 * atomically. Removing a host without a key uses `ssh-keygen -R` (which leaves FILE.old). One
 * probe reads the key check, the lookup, the file, its mode and the umask; the plan is pure.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { shq } from '../transport/shell.js';
import type { DiffEntry, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { probeSections, runPlanned, type Change, type Plan, type Planner } from './util/change.js';
import { declareArgs, type DeclaredArgs } from './util/declare.js';
import { argWord } from './util/words.js';

interface KeyParts {
  options?: string;
  host: string;
  type: string;
  key: string;
}

/** Ansible's normalize_known_hosts_key: marker, host field, type and key (comment dropped). */
export function normalizeKey(line: string): KeyParts {
  const k = line.trim().split(/\s+/);
  if (k[0].startsWith('@')) return { options: k[0], host: k[1], type: k[2], key: k[3] };
  return { host: k[0], type: k[1], key: k[2] };
}

const sameKey = (a: KeyParts, b: KeyParts) => a.options === b.options && a.host === b.host && a.type === b.type && a.key === b.key;

/** The key line with its host field replaced by |1|salt|HMAC-SHA1(salt, host). */
export function hashHostKey(host: string, key: string, salt: Buffer = randomBytes(20)): string {
  const parts = key.trim().split(/\s+/);
  const i = parts[0].startsWith('@') ? 1 : 0;
  parts[i] = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(host).digest('base64')}`;
  return parts.join(' ');
}

/** Ansible's search_for_host_key on `ssh-keygen -F` output: found, replace_or_add, found_line. */
export function searchHostKey(out: string, key: string | undefined): { found: boolean; replace: boolean; line?: number; lines: number[] } {
  const lines: number[] = [];
  for (const m of out.matchAll(/found: line (\d+)/g)) lines.push(Number(m[1]));
  if (!out.trim()) return { found: false, replace: false, lines };
  if (!key) return { found: true, replace: false, lines };
  const want = normalizeKey(key);
  let foundLine: number | undefined;
  for (const l of out.split('\n')) {
    if (l === '') continue;
    if (l.startsWith('#')) {
      foundLine = Number(/found: line (\d+)/.exec(l)?.[1]);
      continue;
    }
    const got = normalizeKey(l);
    if (want.host.startsWith('|1|') && got.host.startsWith('|1|')) want.host = got.host;
    if (sameKey(want, got)) return { found: true, replace: false, line: foundLine, lines };
    if (want.type === got.type) return { found: true, replace: true, line: foundLine, lines };
  }
  return { found: true, replace: true, lines };
}

const declared = declareArgs({
  name: { type: 'str', required: true, aliases: ['host'] },
  key: { type: 'str' },
  path: { type: 'str', default: '~/.ssh/known_hosts' },
  hash_host: { type: 'bool' },
  state: { type: 'str', choices: ['absent', 'present'], default: 'present' },
});

type Args = ReturnType<typeof declared.read> & {
  /** name in lower case, as ssh-keygen looks hosts up */
  host: string;
  /** the key line to add: hashed when asked (once, with a random salt), newline-terminated */
  line?: string;
};

const args: DeclaredArgs<Args> = {
  schema: declared.schema,
  read(raw) {
    const a = declared.read(raw);
    const host = a.name.toLowerCase();
    let line = a.key || undefined;
    if (line && a.hash_host) line = hashHostKey(host, line);
    if (line && !line.endsWith('\n')) line += '\n';
    return { ...a, host, line };
  },
};

/** Why the arguments cannot work, before anything is read. */
function argsProblem(a: Args): string | undefined {
  if (!a.line && a.state !== 'absent') return 'No key specified when adding a host';
  if (a.line && /\S+(\s+)?,(\s+)?/.test(a.host)) return 'Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.';
  return undefined;
}

export const knownHostsPlanner: Planner<Args> = {
  args,
  probe(a) {
    if (argsProblem(a)) return ':';
    const h = shq(a.host);
    return [
      'k=$(mktemp) || exit 1',
      `printf '%s' ${shq(a.line ?? '')} > "$k"`,
      `printf '@@sanity\\n'; ssh-keygen -F ${h} -f "$k" 2>/dev/null; rm -f -- "$k"`,
      `p=${argWord(a.path, true)}`,
      `printf '@@path\\n%s\\n' "$p"`,
      `d=\${p%/*}; [ -n "$d" ] || d=/; printf '@@mode\\n'; if [ -d "$d" ]; then stat -c %a -- "$p" 2>/dev/null || echo none; else echo noparent; fi; umask`,
      `if [ -e "$p" ]; then printf '@@search\\n'; o=$(ssh-keygen -F ${h} -f "$p" 2>&1); printf '%s\\n@@rc\\n%s\\n' "$o" "$?"; printf '@@file\\n'; cat -- "$p" || exit 1; fi`,
    ].join('\n');
  },
  probeError: (a) => `cannot read ${a.path}`,
  plan(a, out, { diff, check }) {
    const { host, line: key, state } = a;
    const none = (result: ModuleResult): Plan => ({ result, changes: [] });
    const problem = argsProblem(a);
    if (problem) return none(failed(problem));
    const s = probeSections(out);
    if (key && !(s.sanity ?? '').trim()) return none(failed('Host parameter does not match hashed host field in supplied key'));
    const path = (s.path ?? '').replace(/\n$/, '');
    const exists = s.file !== undefined;
    const rc = Number((s.rc ?? '0').trim());
    const searchOut = (s.search ?? '').replace(/\n$/, '');
    if (exists && rc !== 0 && searchOut.trim()) return none(failed(`ssh-keygen failed (rc=${rc}, output='${searchOut}')`));
    const hit = exists ? searchHostKey(searchOut, key) : { found: false, replace: false, line: undefined, lines: [] as number[] };
    const before = s.file ?? '';
    const afterLines: string[] = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
    if ((hit.replace || state === 'absent') && hit.line !== undefined && hit.line >= 1 && hit.line <= afterLines.length) afterLines.splice(hit.line - 1, 1);
    if (state === 'present' && (hit.replace || hit.line === undefined)) afterLines.push(key!);

    const result: ModuleResult = { changed: false, name: a.name, key: a.key ?? null, path, hash_host: a.hash_host, state };
    if (state === 'absent' && hit.line === undefined && key) return none(result);
    result.changed = hit.replace || (state === 'present') !== hit.found;
    if (diff) result.diff = { before_header: exists ? path : '/dev/null', after_header: path, before, after: afterLines.join('') } satisfies DiffEntry;
    if (!result.changed) return none(result);
    if (hit.found && !key && state === 'absent') {
      // every entry of the host, as Ansible runs it: ssh-keygen -R (it keeps the mode and leaves FILE.old)
      return { result, changes: [{ description: `remove ${host} from ${path} with ssh-keygen -R`, command: `ssh-keygen -R ${shq(host)} -f ${shq(path)}` }] };
    }
    const [modeLine, umaskLine] = (s.mode ?? '').trim().split('\n');
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    // a real run fails on the missing folder; check mode reports the change, as Ansible's
    if (modeLine === 'noparent' && !check) return none(failed(`Failed to write to file ${path}: [Errno 2] No such file or directory: '${parent}'`));
    const mode = modeLine === 'none' || modeLine === 'noparent' ? 0o666 & ~parseInt(umaskLine ?? '022', 8) : parseInt(modeLine, 8);
    const write: Change = { description: `write ${path}`, write: { path, data: afterLines.join(''), mode } };
    return { result, changes: [write] };
  },
};

export const known_hosts: ModuleDef = {
  name: 'known_hosts',
  schema: args.schema,
  run: (raw, ctx) => runPlanned(knownHostsPlanner, raw, ctx),
};
