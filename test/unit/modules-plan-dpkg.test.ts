/**
 * dpkg_selections planned from recorded probe output (the shared runner, test/helpers/plan-table.ts),
 * and its failures through the seam: a failing dpkg --set-selections gives the module's own result.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModuleContext } from '../../src/modules/types.js';
import { runPlanned, type Planner } from '../../src/modules/util/change.js';
import { dpkgSelectionsPlanner } from '../../src/modules/dpkg_selections.js';
import { APT_ENV, lockWaitFunction } from '../../src/modules/pkg/aptsh.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

/** the probe's output: dpkg's line for the package */
const sel = (line: string) => (line ? `${line}\n` : '');
/** the change: dpkg --set-selections under the apt environment, waiting for dpkg's lock */
const SET = (name: string, s: string) =>
  `set the dpkg selection of ${name} to ${s}: ${APT_ENV}${lockWaitFunction(60)}kbs_lockwait sh -c 'printf '\\''%s %s\\n'\\'' ${name} ${s} | dpkg --set-selections'`;

const ROWS: PlanRow[] = [
  { what: 'held already', module: 'dpkg', args: { name: 'kubelet', selection: 'hold' }, probe: sel('kubelet\t\t\t\t\thold'), changes: [], result: { changed: false, before: 'hold', after: 'hold' } },
  {
    what: 'hold an installed package',
    module: 'dpkg',
    args: { name: 'kubelet', selection: 'hold' },
    probe: sel('kubelet\t\t\t\t\tinstall'),
    changes: [SET('kubelet', 'hold')],
    result: { changed: true, before: 'install', after: 'hold' },
  },
  {
    what: 'a package dpkg does not know fails in a run',
    module: 'dpkg',
    args: { name: 'nope', selection: 'hold' },
    probe: sel(''),
    changes: [],
    result: { failed: true, msg: "Failed to find package 'nope' to perform selection 'hold'.", before: 'not present' },
  },
  { what: 'and is a change in check mode', module: 'dpkg', args: { name: 'nope', selection: 'hold' }, probe: sel(''), check: true, changes: [SET('nope', 'hold')], result: { changed: true } },
];

test('dpkg_selections planning table', () => {
  checkPlanRows({ dpkg: dpkgSelectionsPlanner as Planner<never> }, ROWS);
  assert.throws(() => dpkgSelectionsPlanner.args.read({ name: 'x', selection: 'keep' }), /value of selection must be one of: install, hold, deinstall, purge, got: keep/);
});

test('dpkg_selections: a failing --set-selections reports only its failure; check mode runs the probe only', async () => {
  const ran: string[] = [];
  const ctx = {
    host: 'h1',
    check: false,
    diff: true,
    async run(cmd: string) {
      ran.push(cmd);
      return ran.length === 1 ? { rc: 0, stdout: sel('kubelet install'), stderr: '' } : { rc: 2, stdout: '', stderr: 'dpkg: error: locked\n' };
    },
  } as unknown as ModuleContext;
  const r = await runPlanned(dpkgSelectionsPlanner, { name: 'kubelet', selection: 'hold' }, ctx);
  assert.deepEqual(r, { changed: false, failed: true, msg: 'dpkg --set-selections failed: dpkg: error: locked', rc: 2, stderr: 'dpkg: error: locked\n' });
  ran.length = 0;
  const c = await runPlanned(dpkgSelectionsPlanner, { name: 'kubelet', selection: 'hold' }, { ...ctx, check: true, run: ctx.run } as ModuleContext);
  assert.equal(c.changed, true);
  assert.deepEqual(c.diff, { before: 'kubelet install\n', after: 'kubelet hold\n', before_header: 'dpkg selection', after_header: 'dpkg selection' });
  assert.equal(ran.length, 1);
  const broken = { ...ctx, run: async () => ({ rc: 2, stdout: '', stderr: 'dpkg: error: broken\n' }) } as ModuleContext;
  assert.deepEqual(await runPlanned(dpkgSelectionsPlanner, { name: 'x', selection: 'purge' }, broken), {
    changed: false,
    failed: true,
    msg: 'dpkg --get-selections x failed: dpkg: error: broken',
    rc: 2,
    stderr: 'dpkg: error: broken\n',
  });
});
