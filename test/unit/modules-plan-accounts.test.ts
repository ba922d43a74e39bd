/**
 * Planning rows of the account modules (group, user): args + the recorded getent output → the
 * commands they plan, or none; check mode's short results as Ansible's modules give them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';
import { groupPlanner } from '../../src/modules/group.js';
import { userPlanner } from '../../src/modules/user.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = {
  group: groupPlanner as Planner<never>,
  user: userPlanner as Planner<never>,
};

const DEPLOY = 'P\tdeploy:x:1500:1500:Deploy:/home/deploy:/bin/bash\nG\tdeploy\tdeploy:x:1500:\n';

const ROWS: PlanRow[] = [
  { what: 'group present already', module: 'group', args: { name: 'ops', gid: 4711 }, probe: 'ops:x:4711:\n', changes: [], result: { changed: false, gid: 4711, system: false } },
  { what: 'group created', module: 'group', args: { name: 'ops', system: true }, probe: '', changes: ["create group ops: groupadd -r ops && { getent group ops; true; }"] },
  { what: 'group gid changed', module: 'group', args: { name: 'ops', gid: 4712 }, probe: 'ops:x:4711:\n', changes: ["change group ops: groupmod -g 4712 ops && { getent group ops; true; }"] },
  { what: 'group removed', module: 'group', args: { name: 'ops', state: 'absent', force: true }, probe: 'ops:x:4711:\n', changes: ["remove group ops: groupdel -f ops && { getent group ops; true; }"] },
  { what: 'group absent already', module: 'group', args: { name: 'ops', state: 'absent' }, probe: '', changes: [] },
  { what: 'group create in check mode: changed alone', module: 'group', args: { name: 'ops' }, probe: '', check: true, changes: ["create group ops: groupadd ops && { getent group ops; true; }"], result: { changed: true, name: undefined } },
  { what: 'user present already', module: 'user', args: { name: 'deploy', shell: '/bin/bash' }, probe: DEPLOY, changes: [], result: { changed: false, uid: 1500, home: '/home/deploy' } },
  { what: 'user shell changed', module: 'user', args: { name: 'deploy', shell: '/bin/sh' }, probe: DEPLOY, changes: ["change user deploy: usermod -s /bin/sh deploy || exit $?\ngetent passwd deploy"] },
  {
    what: 'user created with its own group present',
    module: 'user',
    args: { name: 'deploy', uid: 1500, groups: 'adm, sudo' },
    probe: 'G\tdeploy\tdeploy:x:1500:\nG\tadm\tadm:x:4:\nG\tsudo\tsudo:x:27:\n',
    changes: ["create user deploy: useradd -u 1500 -N -G adm,sudo -m deploy || exit $?\ngetent passwd deploy"],
    result: { system: false, create_home: true },
  },
  { what: 'user: a missing group fails', module: 'user', args: { name: 'deploy', group: 'nope' }, probe: DEPLOY, changes: [], result: { failed: true, msg: 'Group nope does not exist' } },
  { what: 'user password set on stdin', module: 'user', args: { name: 'deploy', password: '$6$x' }, probe: DEPLOY + 'W\t$6$y\n', changes: ['change user deploy: chpasswd -e || exit $?\ngetent passwd deploy'] },
  { what: 'user password the same', module: 'user', args: { name: 'deploy', password: '$6$x' }, probe: DEPLOY + 'W\t$6$x\n', changes: [] },
  { what: 'user locked', module: 'user', args: { name: 'deploy', password_lock: true }, probe: DEPLOY + 'W\t$6$x\n', changes: ['change user deploy: usermod -L deploy || exit $?\ngetent passwd deploy'] },
  { what: 'user locked already', module: 'user', args: { name: 'deploy', password_lock: true }, probe: DEPLOY + 'W\t!$6$x\n', changes: [] },
  { what: 'user removed', module: 'user', args: { name: 'deploy', state: 'absent', remove: true }, probe: DEPLOY, changes: ['remove user deploy: userdel -r deploy'], result: { remove: true } },
  { what: 'user removal in check mode: changed alone', module: 'user', args: { name: 'deploy', state: 'absent' }, probe: DEPLOY, check: true, changes: ['remove user deploy: userdel deploy'], result: { changed: true, name: undefined } },
];

test('planning table: group and user', () => checkPlanRows(PLANNERS, ROWS));

test('user: the password goes on stdin, never in the command', () => {
  const a = userPlanner.args.read({ name: 'deploy', password: '$6$secret' });
  const plan = userPlanner.plan(a, DEPLOY, { diff: true, check: false });
  const c = plan.changes[0];
  assert.equal(c.stdin, 'deploy:$6$secret\n');
  assert.ok(!c.command!.includes('secret'));
  assert.ok(!JSON.stringify(plan.result).includes('secret'));
});

test('group: a gid the host assigned is reported after the change', () => {
  const plan = groupPlanner.plan(groupPlanner.args.read({ name: 'ops' }), '', { diff: false, check: false });
  assert.deepEqual(plan.changes[0].done!({ rc: 0, stdout: 'ops:x:999:\n', stderr: '' } as never), { gid: 999 });
  assert.throws(() => groupPlanner.args.read({ name: 'ops', non_unique: true, gid: 'x' }), /not a valid integer/);
});
