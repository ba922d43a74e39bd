/**
 * dnf and yum planned from recorded probe output (the shared runner, test/helpers/plan-table.ts):
 * the installed packages of each spec → the transactions, or none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';
import { rpmPlanner } from '../../src/modules/pkg/rpmmodule.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const planners = { dnf: rpmPlanner('dnf') as Planner<never>, yum: rpmPlanner('yum') as Planner<never> };
const tx = (what: string, cmd: string) => `${what}: export LC_ALL=C\n${cmd}`;

const ROWS: PlanRow[] = [
  { what: 'installed already', module: 'dnf', args: { name: 'htop' }, probe: '@@0\nhtop\t0:3.2.1-1.el9\tx86_64\n@@end\n', changes: [], result: { changed: false, msg: 'Nothing to do' } },
  {
    what: 'a missing package is installed',
    module: 'dnf',
    args: { name: ['htop', 'nginx'], enablerepo: 'epel' },
    probe: '@@0\n@@none\n@@1\nnginx\t0:1.20.1-1.el9\tx86_64\n@@end\n',
    changes: [tx('install htop', 'dnf -y --enablerepo=epel install htop')],
    result: { results: ['Installed: htop'] },
  },
  { what: 'latest without an update', module: 'yum', args: { name: 'htop', state: 'latest' }, probe: '@@0\nhtop\t0:3\tx86_64\n@@cu\t0\n@@end\n', changes: [] },
  { what: 'latest with an update (yum update)', module: 'yum', args: { name: 'htop', state: 'latest' }, probe: '@@0\nhtop\t0:3\tx86_64\n@@cu\t100\n@@end\n', changes: [tx('upgrade htop', 'yum -y update htop')] },
  { what: 'removed when installed', module: 'dnf', args: { pkg: 'nginx', state: 'removed' }, probe: '@@0\nnginx\t0:1\tx86_64\n@@end\n', changes: [tx('remove nginx', 'dnf -y remove nginx')], result: { results: ['Removed: nginx'] } },
  { what: 'absent already', module: 'dnf', args: { name: 'nginx', state: 'absent' }, probe: '@@0\n@@none\n@@end\n', changes: [] },
  { what: 'update_only leaves a missing package out', module: 'dnf', args: { name: 'htop', update_only: true }, probe: '@@0\n@@none\n@@end\n', changes: [] },
  { what: 'autoremove alone', module: 'dnf', args: { autoremove: true }, probe: '', changes: [tx('autoremove unneeded packages', 'dnf -y autoremove')], result: { results: ['autoremove'] } },
  { what: 'update_cache alone: makecache, not a change', module: 'dnf', args: { update_cache: true }, probe: '', changes: ['update the cache: dnf -y makecache'], result: { changed: false, msg: 'Cache would be updated' } },
];

test('dnf/yum planning table', () => {
  checkPlanRows(planners, ROWS);
  assert.equal(planners.dnf.probe(planners.dnf.args.read({ update_cache: true }) as never), '', 'no probe without specs');
  assert.throws(() => planners.yum.args.read({ name: 'x', use_backend: 'dnf5' }), /value of use_backend must be one of: auto, yum, yum4, dnf, got: dnf5/);
});
