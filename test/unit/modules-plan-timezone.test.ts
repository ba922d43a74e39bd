/**
 * Planning rows of timezone: args + the recorded probe (timedatectl status, or /etc/timezone on a
 * Debian-like host) → the commands, or none; the last command reads the state back and the
 * result says what was executed, as community.general's module.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';
import { timezonePlanner } from '../../src/modules/timezone.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = { timezone: timezonePlanner as Planner<never> };

const status = (tz: string, rtc: string) => `Time zone: ${tz} (UTC, +0000)\nRTC in local TZ: ${rtc}\n`;
const SD = (tz: string, rtc = 'no') => `@@systemd\n${status(tz, rtc)}`;
const READ = "|| exit $?\necho '@@after'\ntimedatectl status";
const DPKG = 'printf \'%s\\n\' Europe/Paris > /etc/timezone && ln -sf /usr/share/zoneinfo/Europe/Paris /etc/localtime && DEBIAN_FRONTEND=noninteractive dpkg-reconfigure --frontend noninteractive tzdata';

const ROWS: PlanRow[] = [
  { what: 'zone set already', module: 'timezone', args: { name: 'Etc/UTC' }, probe: SD('Etc/UTC'), changes: [], result: { changed: false, diff: { before: { name: 'Etc/UTC' }, after: { name: 'Etc/UTC' } } } },
  { what: 'zone changed, read back', module: 'timezone', args: { name: 'Europe/Paris' }, probe: SD('Etc/UTC'), changes: [`set name to Europe/Paris: timedatectl set-timezone Europe/Paris ${READ}`] },
  {
    what: 'hwclock then zone, only the last reads back',
    module: 'timezone',
    args: { name: 'Europe/Paris', hwclock: 'local' },
    probe: SD('Etc/UTC'),
    changes: ['set hwclock to local: timedatectl set-local-rtc yes', `set name to Europe/Paris: timedatectl set-timezone Europe/Paris ${READ}`],
  },
  { what: 'Debian-like host: /etc/timezone and dpkg-reconfigure', module: 'timezone', args: { name: 'Europe/Paris' }, probe: '@@debian\n@@dpkg\n@@tz\nEtc/UTC\n', changes: [`set name to Europe/Paris: ${DPKG} || exit $?\necho '@@after'\ncat /etc/timezone 2>/dev/null`] },
  { what: 'no timedatectl nor dpkg-reconfigure', module: 'timezone', args: { name: 'Europe/Paris' }, probe: '@@debian\n@@tz\nEtc/UTC\n', changes: [], result: { failed: true } },
  { what: 'an unknown zone', module: 'timezone', args: { name: 'Nope/X' }, probe: '@@notz\n', changes: [], result: { failed: true, msg: 'Error message:\ngiven timezone "Nope/X" is not available' } },
];

test('planning table: timezone', () => checkPlanRows(PLANNERS, ROWS));

test('timezone: the state read back decides, a failed command names the ones before it', () => {
  const plan = timezonePlanner.plan(timezonePlanner.args.read({ name: 'Europe/Paris', hwclock: 'local' }), SD('Etc/UTC'), { diff: false });
  const done = plan.changes[1].done!;
  assert.deepEqual(done({ rc: 0, stdout: `@@after\n${status('Europe/Paris', 'yes')}`, stderr: '' } as never), {
    diff: { before: { hwclock: 'UTC', name: 'Etc/UTC' }, after: { hwclock: 'local', name: 'Europe/Paris' } },
    msg: 'executed `timedatectl set-local-rtc yes`\nexecuted `timedatectl set-timezone Europe/Paris`',
  });
  const verify = plan.changes[1].verify!;
  assert.equal(verify({ rc: 0, stdout: `@@after\n${status('Europe/Paris', 'yes')}`, stderr: '' } as never), undefined);
  // as Ansible's abort: a whole failed result, changed false and no diff
  const wrong = verify({ rc: 0, stdout: `@@after\n${status('Etc/UTC', 'yes')}`, stderr: '' } as never)!;
  assert.match(String(wrong.msg), /^Error message:\nstill not desired state/);
  assert.equal(wrong.changed, false);
  assert.equal(wrong.failed, true);
  assert.equal('diff' in wrong, false);
  const failed = plan.changes[1].failWith!({ rc: 1, stdout: '', stderr: 'no\n' } as never);
  assert.equal(failed.msg, 'Error message:\nCommand failed rc=1, err=no\nOther message(s):\nexecuted `timedatectl set-local-rtc yes`');
});
