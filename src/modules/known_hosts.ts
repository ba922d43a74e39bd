/**
 * ansible.builtin.known_hosts: a host's key added to, replaced in, or removed from a known_hosts
 * file. As Ansible's module, the host's own `ssh-keygen -F` finds the entries (hashed or not) and
 * checks that the key's host field matches `name`; kbs then edits the lines and writes the file
 * atomically. Removing a host without a key uses `ssh-keygen -R` (which leaves FILE.old).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { shq } from '../transport/shell.js';
import type { DiffEntry, ModuleDef, ModuleResult } from './types.js';
import { failed, optStr, reqStr, toBool } from './util/args.js';
import { expandPath } from './util/paths.js';
import { remoteError, writeFile } from './util/remote.js';
import { BOOL, STR, argsSchema, oneOfStr } from './util/schema.js';

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

/** Split the host's answer into its `@@kbs NAME` sections. */
function sections(out: string): Record<string, string> {
  const s: Record<string, string> = {};
  const parts = out.split(/^@@kbs (\w+)\n/m);
  for (let i = 1; i < parts.length; i += 2) s[parts[i]] = parts[i + 1] ?? '';
  return s;
}

export const known_hosts: ModuleDef = {
  name: 'known_hosts',
  schema: {
    ...argsSchema({ name: STR, host: STR, key: STR, path: STR, hash_host: BOOL, state: oneOfStr('absent', 'present') }),
    anyOf: [{ required: ['name'] }, { required: ['host'] }],
  },
  async run(args, ctx) {
    const name = reqStr(args, 'name', 'host');
    const host = name.toLowerCase();
    const state = optStr(args, 'state') ?? 'present';
    const hashHost = toBool(args.hash_host, false, 'hash_host');
    const path = await expandPath(ctx, optStr(args, 'path') ?? '~/.ssh/known_hosts');
    let key = optStr(args, 'key') || undefined;
    if (!key && state !== 'absent') return failed('No key specified when adding a host');
    if (key && hashHost) key = hashHostKey(host, key);
    if (key && !key.endsWith('\n')) key += '\n';
    if (key && /\S+(\s+)?,(\s+)?/.test(host)) return failed('Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.');

    // one exec: the sanity check of the key, the lookup in the file, and the file itself
    const script = [
      'k=$(mktemp) || exit 1',
      'cat > "$k"',
      `printf '@@kbs sanity\\n'; ssh-keygen -F ${shq(host)} -f "$k" 2>/dev/null; rm -f -- "$k"`,
      `p=${shq(path)}`,
      `if [ -e "$p" ]; then printf '@@kbs search\\n'; o=$(ssh-keygen -F ${shq(host)} -f "$p" 2>&1); printf '%s\\n@@kbs rc\\n%s\\n' "$o" "$?"; printf '@@kbs file\\n'; cat -- "$p" || exit 1; fi`,
    ].join('\n');
    const r = await ctx.run(script, { stdin: key ?? '' });
    if (r.rc !== 0) throw remoteError(`cannot read ${path}`, r);
    const s = sections(r.stdout);
    if (key && !(s.sanity ?? '').trim()) return failed('Host parameter does not match hashed host field in supplied key');
    const exists = s.file !== undefined;
    const rc = Number((s.rc ?? '0').trim());
    const searchOut = (s.search ?? '').replace(/\n$/, '');
    if (exists && rc !== 0 && searchOut.trim()) return failed(`ssh-keygen failed (rc=${rc}, output='${searchOut}')`);
    const hit = exists ? searchHostKey(searchOut, key) : { found: false, replace: false, line: undefined, lines: [] as number[] };
    const before = s.file ?? '';
    const beforeLines = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];

    const afterLines = [...beforeLines];
    if ((hit.replace || state === 'absent') && hit.line !== undefined && hit.line >= 1 && hit.line <= afterLines.length) afterLines.splice(hit.line - 1, 1);
    if (state === 'present' && (hit.replace || hit.line === undefined)) afterLines.push(key!);
    const diff: DiffEntry = { before_header: exists ? path : '/dev/null', after_header: path, before, after: afterLines.join('') };

    const result: ModuleResult = { changed: false, name, key: optStr(args, 'key') ?? null, path, hash_host: hashHost, state };
    if (state === 'absent' && hit.line === undefined && key) return result;
    const changed = hit.replace || (state === 'present') !== hit.found;
    result.changed = changed;
    if (ctx.diff) result.diff = diff;
    if (ctx.check || !changed) return result;

    let text = afterLines.join('');
    if (hit.found && !key && state === 'absent') {
      // every entry of the host, as ssh-keygen -R (kept as Ansible runs it: it leaves FILE.old)
      const x = await ctx.run(`ssh-keygen -R ${shq(host)} -f ${shq(path)}`);
      if (x.rc !== 0) throw remoteError(`ssh-keygen -R ${host} failed`, x);
      const drop = new Set(hit.lines);
      text = beforeLines.filter((_, i) => !drop.has(i + 1)).join('');
    }
    const parent = path.slice(0, path.lastIndexOf('/')) || '/';
    const probe = await ctx.run(`[ -d ${shq(parent)} ] && { stat -c %a -- ${shq(path)} 2>/dev/null || echo none; } || echo noparent; umask`);
    const [modeLine, umaskLine] = probe.stdout.trim().split('\n');
    if (modeLine === 'noparent') return failed(`Failed to write to file ${path}: [Errno 2] No such file or directory: '${parent}'`);
    const mode = modeLine === 'none' ? 0o666 & ~parseInt(umaskLine ?? '022', 8) : parseInt(modeLine, 8);
    await writeFile(ctx, { dest: path, mode }, Buffer.from(text, 'utf8'));
    return result;
  },
};
