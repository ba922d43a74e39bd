/** ansible.builtin.group: a local group created (groupadd), changed (groupmod -g) or removed (groupdel). */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { runPlanned, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { stateDiff } from './util/diff.js';
import { parseGroup } from './sys/accounts.js';

const args = declareArgs({
  name: { type: 'str', required: true },
  gid: { type: 'int' },
  state: { type: 'str', choices: ['present', 'absent'], default: 'present' },
  system: { type: 'bool' },
  non_unique: { type: 'bool' },
  local: { type: 'bool' },
  force: { type: 'bool' },
});

/** The group's line of `getent group` (the first line of the output), or undefined. */
const groupOf = (out: string) => parseGroup(out.trim().split('\n')[0] ?? '');

export const groupPlanner: Planner<ReturnType<typeof args.read>> = {
  args,
  probe: (a) => `getent group ${shq(a.name)}; true`,
  probeError: (a) => `cannot read group ${a.name}`,
  plan(a, out, { diff, check }) {
    const { name, state, gid, system } = a;
    if (a.non_unique && gid === undefined) throw new KbsError('TASK', 'gid is required when non_unique is true');
    const n = shq(name);
    const cur = groupOf(out);
    const result: ModuleResult = { changed: false, name, state };
    let cmd = '';
    if (state === 'absent') {
      if (cur) cmd = `groupdel${a.force ? ' -f' : ''} ${n}`;
    } else if (!cur) {
      cmd = `groupadd${gid !== undefined ? ` -g ${gid}` : ''}${system ? ' -r' : ''}${a.non_unique ? ' -o' : ''} ${n}`;
    } else if (gid !== undefined && cur.gid !== gid) {
      cmd = `groupmod -g ${gid}${a.non_unique ? ' -o' : ''} ${n}`;
    }
    if (state === 'present') {
      result.system = system;
      result.gid = gid ?? cur?.gid;
    }
    if (!cmd) return { result, changes: [] };
    result.changed = true;
    if (diff) {
      result.diff = stateDiff(cur ? { name, state: 'present', gid: cur.gid } : { name, state: 'absent' }, state === 'absent' ? { name, state: 'absent' } : { name, state: 'present', gid: gid ?? '(next free)' });
    }
    // Ansible's group module answers a check-mode create or delete with `changed` alone
    const reported = check && (!cur || state === 'absent') ? (result.diff ? { changed: true, diff: result.diff } : { changed: true }) : result;
    const what = state === 'absent' ? 'remove' : cur ? 'change' : 'create';
    return {
      result: reported,
      changes: [
        {
          description: `${what} group ${name}`,
          command: `${cmd} && { getent group ${n}; true; }`,
          failWith: (r) => ({ ...result, changed: false, failed: true, rc: r.rc, msg: `${cmd.split(' ')[0]} failed: ${(r.stderr || r.stdout).trim()}` }),
          done: (r) => {
            const after = groupOf(r.stdout);
            return after && state === 'present' ? { gid: after.gid } : {};
          },
        },
      ],
    };
  },
};

export const group: ModuleDef = {
  name: 'group',
  schema: args.schema,
  run: (a, ctx) => runPlanned(groupPlanner, a, ctx),
};
