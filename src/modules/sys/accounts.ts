/** Local users and groups as getent sees them: one query script, parsed. */
import { shq } from '../../transport/shell.js';

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  comment: string;
  home: string;
  shell: string;
}

export function parsePasswd(line: string): PasswdEntry | undefined {
  const f = line.split(':');
  if (f.length < 7) return undefined;
  return { name: f[0], uid: Number(f[2]), gid: Number(f[3]), comment: f[4], home: f[5], shell: f[6] };
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export function parseGroup(line: string): GroupEntry | undefined {
  const f = line.split(':');
  if (f.length < 4) return undefined;
  return { name: f[0], gid: Number(f[2]), members: f[3] ? f[3].split(',') : [] };
}

/**
 * Prints `P\t<passwd line>`, `W\t<shadow hash>` (only when `withHash`; never shown to the user),
 * `S\t<group>` per supplementary group, `G\t<key>\t<group line>` per looked-up group.
 */
export function userQuery(name: string, lookupGroups: string[], withHash: boolean): string {
  const n = shq(name);
  const lines = [
    `p=$(getent passwd ${n}) && printf 'P\\t%s\\n' "$p"`,
    withHash ? `h=$(getent shadow ${n} 2>/dev/null | cut -d: -f2) && printf 'W\\t%s\\n' "$h"` : '',
    `getent group | awk -F: -v u=${n} '{k=split($4,m,","); for(i=1;i<=k;i++) if(m[i]==u) print "S\\t" $1}'`,
    ...lookupGroups.map((g) => `l=$(getent group ${shq(g)}) && printf 'G\\t%s\\t%s\\n' ${shq(g)} "$l"`),
    'true',
  ];
  return lines.filter(Boolean).join('\n');
}

export interface UserQuery {
  user?: PasswdEntry;
  hash?: string;
  supplementary: string[];
  groups: Map<string, GroupEntry>;
}

export function parseUserQuery(out: string): UserQuery {
  const q: UserQuery = { supplementary: [], groups: new Map() };
  for (const line of out.split('\n')) {
    const [k, ...rest] = line.split('\t');
    if (k === 'P') q.user = parsePasswd(rest.join('\t'));
    else if (k === 'W') q.hash = rest.join('\t');
    else if (k === 'S') q.supplementary.push(rest[0]);
    else if (k === 'G') {
      const g = parseGroup(rest.slice(1).join('\t'));
      if (g) q.groups.set(rest[0], g);
    }
  }
  return q;
}

/** "a,b" or [a, b] -> names (Ansible strips spaces and drops empties) */
export function groupList(v: unknown): string[] | undefined {
  if (v === undefined || v === null) return undefined;
  const parts = Array.isArray(v) ? v.map(String) : String(v).split(',');
  return parts.map((s) => s.trim()).filter(Boolean);
}
