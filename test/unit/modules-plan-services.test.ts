/**
 * Planning rows of the service modules: systemd (args + recorded `systemctl show` / is-enabled
 * output → the systemctl actions) and service on SysV hosts (status rc + start links → service /
 * update-rc.d commands).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyPlan, type Planner } from '../../src/modules/util/change.js';
import { systemdPlanner } from '../../src/modules/systemd.js';
import { sysvPlanner } from '../../src/modules/service.js';
import { actionScript } from '../../src/modules/sys/systemctl.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = {
  systemd: systemdPlanner as Planner<never>,
  sysv: sysvPlanner as Planner<never>,
};

/** `systemctl show` + is-enabled as the probe prints them */
const unit = (active: string, enabled: string, load = 'loaded') => `LoadState=${load}\nActiveState=${active}\n@@E\t${enabled === 'enabled' ? 0 : 1}\t${enabled}\n@@S\t1\n`;
const act = (action: string) => `${action} cron: ${actionScript('systemctl', action, 'cron')}`;

const ROWS: PlanRow[] = [
  { what: 'systemd: running and enabled already', module: 'systemd', args: { name: 'cron', state: 'started', enabled: true }, probe: unit('active', 'enabled'), changes: [], result: { changed: false, state: 'started', enabled: true } },
  { what: 'systemd: start and enable', module: 'systemd', args: { name: 'cron', state: 'started', enabled: true }, probe: unit('inactive', 'disabled'), changes: [act('enable'), act('start')], result: { enabled: true } },
  { what: 'systemd: stop a deactivating unit', module: 'systemd', args: { name: 'cron', state: 'stopped' }, probe: unit('deactivating', 'enabled'), changes: [act('stop')] },
  { what: 'systemd: restarted always changes', module: 'systemd', args: { name: 'cron', state: 'restarted' }, probe: unit('active', 'enabled'), changes: [act('restart')], result: { state: 'started' } },
  { what: 'systemd: reloaded starts a stopped unit', module: 'systemd', args: { name: 'cron', state: 'reloaded' }, probe: unit('inactive', 'enabled'), changes: [act('start')] },
  { what: 'systemd: unmask', module: 'systemd', args: { name: 'cron', masked: false }, probe: unit('inactive', 'masked', 'masked'), changes: [act('unmask')], result: { masked: false } },
  {
    what: 'systemd: a missing unit fails',
    module: 'systemd',
    args: { name: 'cron', state: 'started' },
    probe: unit('inactive', 'disabled', 'not-found'),
    changes: [],
    result: { failed: true, msg: 'Could not find the requested service cron: host' },
  },
  { what: 'systemd: no_block', module: 'systemd', args: { name: 'cron', state: 'stopped', no_block: true }, probe: unit('active', 'enabled'), changes: [`stop cron: ${actionScript('systemctl --no-block', 'stop', 'cron')}`] },
  { what: 'sysv: running and enabled already', module: 'sysv', args: { name: 'cron', state: 'started', enabled: true }, probe: '0\n2\n', changes: [], result: { state: 'started', enabled: true } },
  { what: 'sysv: enable and start', module: 'sysv', args: { name: 'cron', state: 'started', enabled: true }, probe: '3\n0\n', changes: ['change service cron: update-rc.d cron enable && service cron start'] },
  { what: 'sysv: reload a stopped service starts it', module: 'sysv', args: { name: 'cron', state: 'reloaded' }, probe: '3\n1\n', changes: ['change service cron: service cron start'] },
];

test('planning table: systemd and SysV services', () => checkPlanRows(PLANNERS, ROWS));

test('systemd: a failed action reports its journal, with what the result had then', () => {
  const plan = systemdPlanner.plan(systemdPlanner.args.read({ name: 'cron', state: 'started', enabled: true }), unit('inactive', 'disabled'), { diff: true });
  const r = plan.changes[1].failWith!({ rc: 3, stdout: '@@J\nboom\n', stderr: '' } as never);
  assert.equal(r.msg, 'Unable to start service cron: the unit failed right after starting\nLast lines of its journal:\nboom');
  assert.equal(r.enabled, true);
  assert.equal(plan.changes[0].failWith!({ rc: 1, stdout: '', stderr: 'denied\n' } as never).enabled, false);
  assert.equal(r.diff, undefined);
  assert.ok(plan.result.diff);
});

test('systemd: a mask made before the unit is found missing is made, and the failure reports changed false (as Ansible)', async () => {
  const plan = systemdPlanner.plan(systemdPlanner.args.read({ name: 'cron', masked: true, enabled: true }), unit('inactive', 'disabled', 'not-found'), { diff: false });
  assert.deepEqual(plan.changes.map((c) => c.description), ['mask cron']);
  const ran: string[] = [];
  const ctx = (check: boolean) => ({ check, run: async (cmd: string) => (ran.push(cmd), { rc: 0, stdout: '', stderr: '' }) }) as never;
  for (const check of [true, false]) {
    const r = await applyPlan(ctx(check), plan);
    assert.equal(r.changed, false, `check ${check}`);
    assert.equal(r.failed, true);
  }
  assert.equal(ran.length, 1, 'the mask runs in the real run only');
});
