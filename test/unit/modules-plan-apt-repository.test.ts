/**
 * apt_repository planned from recorded probe output (the shared runner, test/helpers/plan-table.ts):
 * the .list files as the probe prints them → the files written or removed and the cache update,
 * and a failed update through the seam: the module's own result, the files put back by the command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModuleContext } from '../../src/modules/types.js';
import { runPlanned, type Planner } from '../../src/modules/util/change.js';
import { aptRepositoryPlanner } from '../../src/modules/apt_repository.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

/** the probe's line of one file */
const file = (path: string, mode: string, text: string) => `F\t${path}\t${mode}\t${Buffer.from(text).toString('base64')}\n`;
const MAIN = file('/etc/apt/sources.list', '644', 'deb http://deb.debian.org/debian bookworm main\n');
const K8S = 'deb [signed-by=/etc/apt/keyrings/k.gpg] https://pkgs.k8s.io/core:/stable:/v1.30/deb/ /';
const planners = { apt_repository: aptRepositoryPlanner as Planner<never> };
const ROWS: PlanRow[] = [
  { what: 'present already', module: 'apt_repository', args: { repo: 'deb http://deb.debian.org/debian  bookworm main' }, probe: MAIN, changes: [], result: { changed: false } },
  {
    what: 'present when disabled: enabled in its file',
    module: 'apt_repository',
    args: { repo: 'deb http://deb.debian.org/debian bookworm main', update_cache: false },
    probe: file('/etc/apt/sources.list', '644', '# deb http://deb.debian.org/debian bookworm main\n'),
    changes: ['write /etc/apt/sources.list <- deb http://deb.debian.org/debian bookworm main\n'],
  },
  {
    what: 'a new repo goes to a file named after its URL',
    module: 'apt_repository',
    args: { repo: K8S, update_cache: false },
    probe: MAIN,
    changes: [`write /etc/apt/sources.list.d/pkgs_k8s_io_core_stable_v1_30_deb.list <- ${K8S}\n`],
  },
  { what: 'or to filename', module: 'apt_repository', args: { repo: K8S, filename: 'kubernetes', update_cache: 'no' }, probe: MAIN, changes: [`write /etc/apt/sources.list.d/kubernetes.list <- ${K8S}\n`] },
  {
    what: 'absent: a file left without lines is removed',
    module: 'apt_repository',
    args: { repo: K8S, state: 'absent', update_cache: false },
    probe: MAIN + file('/etc/apt/sources.list.d/kubernetes.list', '644', `${K8S}\n`),
    changes: ['remove /etc/apt/sources.list.d/kubernetes.list: rm -f -- /etc/apt/sources.list.d/kubernetes.list'],
  },
  { what: 'absent already', module: 'apt_repository', args: { repo: K8S, state: 'absent' }, probe: MAIN, changes: [] },
  { what: 'an invalid repo line fails', module: 'apt_repository', args: { repo: 'foo bar' }, probe: MAIN, changes: [], result: { failed: true, msg: 'Invalid repository string: foo bar' } },
];

test('apt_repository planning table', () => {
  checkPlanRows(planners, ROWS);
  const p = aptRepositoryPlanner;
  const plan = p.plan(p.args.read({ repo: K8S, filename: 'k', mode: '0600' }), MAIN, { diff: true });
  assert.deepEqual(plan.changes.map((c) => [c.description, c.write?.mode]), [['write /etc/apt/sources.list.d/k.list', 0o600], ['update the apt cache', undefined]]);
  assert.match(plan.changes[1].command!, /apt-get -q update[\s\S]*\nif \[ \$kbs_rc -ne 0 \]; then\nrm -f -- \/etc\/apt\/sources.list.d\/k.list\nexit \$kbs_rc\nfi$/);
  assert.deepEqual(plan.result.diff, [{ before: '', after: `${K8S}\n`, before_header: '/dev/null', after_header: '/etc/apt/sources.list.d/k.list' }]);
  assert.throws(() => p.probe(p.args.read({ repo: 'ppa:x/y' })), /PPA repositories are not supported by kbs/);
});

test('apt_repository: a failed cache update puts the old lines back and reports the failure; check mode runs the probe only', async () => {
  const ran: string[] = [];
  const ctx = {
    host: 'h1',
    check: false,
    diff: false,
    async run(cmd: string) {
      ran.push(cmd);
      if (ran.length === 1) return { rc: 0, stdout: MAIN + file('/etc/apt/sources.list.d/k.list', '640', `${K8S}\n`), stderr: '' };
      if (cmd.startsWith('rm -f')) return { rc: 0, stdout: '', stderr: '' };
      return { rc: 100, stdout: '', stderr: 'E: The repository is not signed.\n' };
    },
  } as unknown as ModuleContext;
  const r = await runPlanned(aptRepositoryPlanner, { repo: K8S, state: 'absent' }, ctx);
  assert.deepEqual(r, { changed: false, failed: true, msg: 'Failed to update apt cache: E: The repository is not signed.', repo: K8S, state: 'absent' });
  assert.equal(ran.length, 3, 'probe, rm, update');
  assert.match(ran[2], /chmod 640 -- "\$t" && mv -f -- "\$t" \/etc\/apt\/sources.list.d\/k.list\nexit \$kbs_rc/);
  ran.length = 0;
  const c = await runPlanned(aptRepositoryPlanner, { repo: K8S, state: 'absent' }, { ...ctx, check: true, run: ctx.run } as ModuleContext);
  assert.deepEqual([c.changed, ran.length], [true, 1]);
});
