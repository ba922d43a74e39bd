/** ansible.builtin.dpkg_selections: hold / unhold (install), deinstall, purge one package. */
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { runPlanned, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { APT_ENV, lockWaitFunction } from './pkg/aptsh.js';
import { tailOf } from './pkg/names.js';

const SELECTIONS = ['install', 'hold', 'deinstall', 'purge'] as const;

const args = declareArgs({ name: { type: 'str', required: true }, selection: { type: 'str', required: true, choices: SELECTIONS } });

export const dpkgSelectionsPlanner: Planner<ReturnType<typeof args.read>> = {
  args,
  /** dpkg's line for the package (none when dpkg does not know it) */
  probe: (a) => `LC_ALL=C dpkg --get-selections -- ${shq(a.name)}`,
  probeError: (a) => `dpkg --get-selections ${a.name} failed`,
  probeFailed: (a, q) => failed(`dpkg --get-selections ${a.name} failed: ${tailOf(q.stderr)}`, { rc: q.rc, stderr: q.stderr }),
  plan({ name, selection }, out, { diff, check }) {
    const line = out.split('\n').find((l) => l.trim());
    const current = line ? line.trim().split(/\s+/)[1] : 'not present';
    const result: ModuleResult = { changed: current !== selection, before: current, after: selection };
    if (!result.changed) return { result, changes: [] };
    if (diff) result.diff = { before: `${name} ${current}\n`, after: `${name} ${selection}\n`, before_header: 'dpkg selection', after_header: 'dpkg selection' };
    // as Ansible: check mode reports the change even for a package dpkg does not know
    if (current === 'not present' && !check) return { result: failed(`Failed to find package '${name}' to perform selection '${selection}'.`, { before: current, after: selection }), changes: [] };
    const set = `printf '%s %s\\n' ${shq(name)} ${selection} | dpkg --set-selections`;
    return {
      result,
      changes: [
        {
          description: `set the dpkg selection of ${name} to ${selection}`,
          command: `${APT_ENV}${lockWaitFunction(60)}kbs_lockwait sh -c ${shq(set)}`,
          failWith: (w) => failed(`dpkg --set-selections failed: ${tailOf(w.stderr)}`, { rc: w.rc, stderr: w.stderr }),
        },
      ],
    };
  },
};

export const dpkg_selections: ModuleDef = {
  name: 'dpkg_selections',
  schema: args.schema,
  run: (a, ctx) => runPlanned(dpkgSelectionsPlanner, a, ctx),
};
