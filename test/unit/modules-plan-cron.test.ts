/**
 * Planning rows of cron: args + the recorded probe (the user check, a cron file or `crontab -l`)
 * → the file written, the crontab installed or the file removed, or nothing; the module's checks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';
import { cronPlanner } from '../../src/modules/cron.js';
import { tempTrap } from '../../src/modules/util/remote.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = { cron: cronPlanner as Planner<never> };

const install = (flag: string, who = '') =>
  `install the crontab${who}: t=$(mktemp "\${TMPDIR:-/tmp}/crontabXXXXXXXX") || exit 1\n${tempTrap('t')}\ncat > "$t" || exit 1\nchmod 644 "$t"\ncrontab ${flag}"$t"`;
const JOB = { name: 'nightly', minute: '5', hour: '2', job: '/usr/local/bin/backup' };
const LINES = '#Ansible: nightly\n5 2 * * * /usr/local/bin/backup\n';

const ROWS: PlanRow[] = [
  { what: 'crontab job there already', module: 'cron', args: JOB, probe: `R\t0\n@@content\n${LINES}`, changes: [], result: { changed: false, jobs: ['nightly'], envs: [] } },
  { what: 'crontab job added to an empty crontab', module: 'cron', args: JOB, probe: 'R\t1\n@@content\n', changes: [install('')] },
  { what: "another user's crontab takes -u", module: 'cron', args: { ...JOB, user: 'bob' }, probe: 'O\t1\nR\t1\n@@content\n', changes: [install('-u bob ', ' of bob')] },
  { what: 'the same user: no -u', module: 'cron', args: { ...JOB, user: 'bob' }, probe: 'O\t0\nR\t1\n@@content\n', changes: [install('', ' of bob')] },
  { what: 'crontab unreadable', module: 'cron', args: JOB, probe: 'R\t127\n@@content\n', changes: [], result: { failed: true, msg: 'Unable to read crontab' } },
  { what: 'job time changed', module: 'cron', args: { ...JOB, hour: '3' }, probe: `R\t0\n@@content\n${LINES}`, changes: [install('')] },
  {
    what: 'cron file written with its mode kept',
    module: 'cron',
    args: { ...JOB, user: 'root', cron_file: 'kbs' },
    probe: 'O\t0\nE\t1\nS\t600\n@@content\n',
    changes: ['write /etc/cron.d/kbs <- #Ansible: nightly\n5 2 * * * root /usr/local/bin/backup\n'],
    result: { cron_file: 'kbs' },
  },
  {
    what: 'cron file removed with its last job',
    module: 'cron',
    args: { name: 'nightly', cron_file: '/etc/cron.d/kbs', state: 'absent' },
    probe: `E\t1\nS\t644\n@@content\n#Ansible: nightly\n5 2 * * * root /usr/local/bin/backup\n`,
    changes: ['remove /etc/cron.d/kbs: rm -- /etc/cron.d/kbs'],
    result: { state: 'absent' },
  },
  { what: 'a missing cron file is not removed', module: 'cron', args: { name: 'nightly', cron_file: '/etc/cron.d/kbs', state: 'absent' }, probe: '', changes: [] },
  {
    what: 'backup: the old crontab saved first',
    module: 'cron',
    args: { ...JOB, backup: true, hour: '3' },
    probe: `R\t0\n@@content\n${LINES}`,
    changes: [`write the crontab backup: t=$(mktemp "\${TMPDIR:-/tmp}/crontabXXXXXXXX") && cat > "$t" && printf '%s' "$t"`, install('')],
  },
  { what: 'env variable set', module: 'cron', args: { name: 'MAILTO', env: true, job: '' }, probe: `R\t0\n@@content\n${LINES}`, changes: [install('')], result: { envs: ['MAILTO'] } },
];

test('planning table: cron', () => checkPlanRows(PLANNERS, ROWS));

test('cron: the backup holds the crontab before the edit, the install the one after', () => {
  const plan = cronPlanner.plan(cronPlanner.args.read({ ...JOB, backup: true, hour: '3' }), `R\t0\n@@content\n${LINES}`, { diff: false });
  assert.equal(plan.changes[0].stdin, LINES);
  assert.equal(plan.changes[1].stdin, '#Ansible: nightly\n5 3 * * * /usr/local/bin/backup\n');
  assert.deepEqual(plan.changes[0].done!({ rc: 0, stdout: '/tmp/crontabX', stderr: '' } as never), { backup_file: '/tmp/crontabX' });
});

test('cron: the module checks come before any host', () => {
  const probe = (args: Record<string, unknown>) => () => cronPlanner.probe(cronPlanner.args.read(args));
  assert.throws(probe({ name: 'x', job: 'y', cron_file: '/etc/crontab', user: 'root' }), /Will not manage \/etc\/crontab/);
  assert.throws(probe({ name: 'x', job: 'y', special_time: 'daily', hour: '1' }), /You must specify time and date fields or special time/);
  assert.throws(probe({ name: 'x', job: 'y', cron_file: 'kbs' }), /you must specify user=/);
  assert.throws(probe({ name: 'x' }), /You must specify 'job'/);
});
