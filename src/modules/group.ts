/** ansible.builtin.group: a local group created (groupadd), changed (groupmod -g) or removed (groupdel). */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { optStr, toBool } from './util/args.js';
import { stateDiff } from './util/diff.js';
import { BOOL, INT, STR, argsSchema, oneOfStr } from './util/schema.js';
import { parseGroup } from './sys/accounts.js';

export const group: ModuleDef = {
  name: 'group',
  schema: argsSchema({ name: STR, gid: INT, state: oneOfStr('present', 'absent'), system: BOOL, non_unique: BOOL, local: BOOL, force: BOOL }, ['name']),
  async run(args, ctx) {
    const name = optStr(args, 'name') ?? '';
    if (!name) throw new KbsError('TASK', 'missing required argument: name');
    const state = optStr(args, 'state') ?? 'present';
    const gid = args.gid === undefined || args.gid === null ? undefined : Number(args.gid);
    const system = toBool(args.system, false, 'system');
    const nonUnique = toBool(args.non_unique, false, 'non_unique');
    if (nonUnique && gid === undefined) throw new KbsError('TASK', 'gid is required when non_unique is true');
    const n = shq(name);
    const q = await ctx.run(`getent group ${n}; true`);
    const cur = parseGroup(q.stdout.trim().split('\n')[0] ?? '');
    const result: ModuleResult = { changed: false, name, state };
    let cmd = '';
    if (state === 'absent') {
      if (cur) cmd = `groupdel${toBool(args.force, false, 'force') ? ' -f' : ''} ${n}`;
    } else if (!cur) {
      cmd = `groupadd${gid !== undefined ? ` -g ${gid}` : ''}${system ? ' -r' : ''}${nonUnique ? ' -o' : ''} ${n}`;
    } else if (gid !== undefined && cur.gid !== gid) {
      cmd = `groupmod -g ${gid}${nonUnique ? ' -o' : ''} ${n}`;
    }
    if (state === 'present') {
      result.system = system;
      result.gid = gid ?? cur?.gid;
    }
    if (!cmd) return result;
    result.changed = true;
    if (ctx.diff) {
      result.diff = stateDiff(cur ? { name, state: 'present', gid: cur.gid } : { name, state: 'absent' }, state === 'absent' ? { name, state: 'absent' } : { name, state: 'present', gid: gid ?? '(next free)' });
    }
    if (ctx.check) {
      // Ansible's group module answers a check-mode create or delete with `changed` alone
      if (!cur || state === 'absent') return result.diff ? { changed: true, diff: result.diff } : { changed: true };
      return result;
    }
    const r = await ctx.run(`${cmd} && { getent group ${n}; true; }`);
    if (r.rc !== 0) return { ...result, changed: false, failed: true, rc: r.rc, msg: `${cmd.split(' ')[0]} failed: ${(r.stderr || r.stdout).trim()}` };
    const after = parseGroup(r.stdout.trim().split('\n')[0] ?? '');
    if (after && state === 'present') result.gid = after.gid;
    return result;
  },
};
