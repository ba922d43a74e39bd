/** ansible.builtin.dpkg_selections: hold / unhold (install), deinstall, purge one package. */
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed, reqStr } from './util/args.js';
import { STR, argsSchema, oneOfStr } from './util/schema.js';
import { APT_ENV, lockWaitFunction } from './pkg/aptsh.js';
import { choiceArg, tailOf } from './pkg/names.js';

const SELECTIONS = ['install', 'hold', 'deinstall', 'purge'] as const;

export const dpkg_selections: ModuleDef = {
  name: 'dpkg_selections',
  schema: argsSchema({ name: STR, selection: oneOfStr(...SELECTIONS) }, ['name', 'selection']),
  async run(args, ctx) {
    const name = reqStr(args, 'name');
    const selection = choiceArg(reqStr(args, 'selection'), 'selection', SELECTIONS, 'install');
    const q = await ctx.run(`LC_ALL=C dpkg --get-selections -- ${shq(name)}`);
    if (q.rc !== 0) return failed(`dpkg --get-selections ${name} failed: ${tailOf(q.stderr)}`, { rc: q.rc, stderr: q.stderr });
    const line = q.stdout.split('\n').find((l) => l.trim());
    const current = line ? line.trim().split(/\s+/)[1] : 'not present';
    const changed = current !== selection;
    const res: ModuleResult = { changed, before: current, after: selection };
    if (changed && ctx.diff) res.diff = { before: `${name} ${current}\n`, after: `${name} ${selection}\n`, before_header: 'dpkg selection', after_header: 'dpkg selection' };
    if (ctx.check || !changed) return res;
    if (current === 'not present') return failed(`Failed to find package '${name}' to perform selection '${selection}'.`, { before: current, after: selection });
    const set = `printf '%s %s\\n' ${shq(name)} ${selection} | dpkg --set-selections`;
    const w = await ctx.run(`${APT_ENV}${lockWaitFunction(60)}kbs_lockwait sh -c ${shq(set)}`);
    if (w.rc !== 0) return failed(`dpkg --set-selections failed: ${tailOf(w.stderr)}`, { rc: w.rc, stderr: w.stderr });
    return res;
  },
};
