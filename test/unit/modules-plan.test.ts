/**
 * Module planning without a host, as pyinfra's operation fixtures: args + the probe's recorded
 * output → the changes (descriptions, commands, files) or no change; one runner for every row.
 * Then the seam (util/change.ts): check mode runs the probe only, a real run applies the plan.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModuleContext } from '../../src/modules/types.js';
import { runPlanned, type Planner } from '../../src/modules/util/change.js';
import { hostnamePlanner } from '../../src/modules/hostname.js';
import { modprobePlanner } from '../../src/modules/modprobe.js';
import { pingPlanner } from '../../src/modules/ping.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = {
  hostname: hostnamePlanner as Planner<never>,
  modprobe: modprobePlanner as Planner<never>,
  ping: pingPlanner as Planner<never>,
};

/** modprobe's probe output: L loaded, B built in, C capability, P persisted, F load file, O options line */
const mp = (f: Partial<Record<'L' | 'B' | 'C' | 'P' | 'F' | 'O', string>>) =>
  Object.entries({ L: '0', B: '0', C: '0', P: '0', F: '', O: '', ...f })
    .map(([k, v]) => `${k}\t${v}`)
    .join('\n');

const ROWS: PlanRow[] = [
  { what: 'ping answers pong', module: 'ping', args: {}, probe: 'OK\t1\n', changes: [], result: { changed: false, ping: 'pong' } },
  { what: 'ping returns its data', module: 'ping', args: { data: 'hi' }, probe: 'OK\t1\n', changes: [], result: { ping: 'hi' } },
  { what: 'ping data=crash fails', module: 'ping', args: { data: 'crash' }, probe: 'OK\t1\n', changes: [], result: { failed: true, rc: 1 } },
  { what: 'hostname already set', module: 'hostname', args: { name: 'web1' }, probe: 'C\tweb1\nP\tweb1\n', changes: [] },
  {
    what: 'hostname: both names differ',
    module: 'hostname',
    args: { name: 'web1.example.com' },
    probe: 'C\told\nP\told\n',
    changes: [
      'write web1.example.com to /etc/hostname <- web1.example.com\n',
      "set the hostname to web1.example.com: { [ -d /run/systemd/system ] && command -v hostnamectl >/dev/null 2>&1 && hostnamectl set-hostname web1.example.com 2>/dev/null; } || hostname web1.example.com",
    ],
    result: { ansible_facts: { ansible_hostname: 'web1', ansible_nodename: 'web1.example.com', ansible_fqdn: 'web1.example.com', ansible_domain: 'example.com' } },
  },
  { what: 'hostname: only the file differs', module: 'hostname', args: { name: 'web1' }, probe: 'C\tweb1\nP\t\n', changes: ['write web1 to /etc/hostname <- web1\n'] },
  { what: 'modprobe: loaded already', module: 'modprobe', args: { name: 'br_netfilter' }, probe: mp({ L: '1' }), changes: [] },
  { what: 'modprobe: built in', module: 'modprobe', args: { name: 'overlay' }, probe: mp({ B: '1' }), changes: [], result: { builtin: true } },
  { what: 'modprobe: load with params', module: 'modprobe', args: { name: 'dummy', params: 'numdummies=2 x=1' }, probe: mp({}), changes: ["load dummy: modprobe dummy numdummies=2 x=1"] },
  { what: 'modprobe: unload', module: 'modprobe', args: { name: 'dummy', state: 'absent' }, probe: mp({ L: '1' }), changes: ["unload dummy: modprobe -r dummy"] },
  {
    what: 'modprobe: a built-in module cannot be removed',
    module: 'modprobe',
    args: { name: 'overlay', state: 'absent' },
    probe: mp({ B: '1' }),
    changes: [],
    result: { failed: true, msg: 'overlay is built into the kernel (or not a loadable module here) and cannot be removed' },
  },
  {
    what: 'modprobe: persistent with options',
    module: 'modprobe',
    args: { name: 'dummy', params: 'numdummies=2', persistent: 'present' },
    probe: mp({ L: '1' }),
    changes: ['write /etc/modules-load.d/dummy.conf <- dummy\n', 'write /etc/modprobe.d/dummy.conf <- options dummy numdummies=2\n'],
  },
  { what: 'modprobe: persistent already', module: 'modprobe', args: { name: 'dummy', persistent: 'present' }, probe: mp({ L: '1', P: '1', F: 'dummy\x01' }), changes: [] },
  {
    what: 'modprobe: persistence removed',
    module: 'modprobe',
    args: { name: 'dummy', persistent: 'absent' },
    probe: mp({ L: '1', P: '1', O: 'options dummy numdummies=2' }),
    changes: [
      "comment dummy out of the persistence files: sed -i -E 's/^([[:space:]]*dummy[[:space:]]*)$/#\\1/' /etc/modules-load.d/*.conf && sed -i -E 's/^([[:space:]]*options[[:space:]]+dummy([[:space:]].*)?)$/#\\1/' /etc/modprobe.d/*.conf",
    ],
  },
];

test('planning table: args + probe output → changes', () => checkPlanRows(PLANNERS, ROWS));

test('declared args: defaults, choices and required arguments', () => {
  assert.deepEqual(modprobePlanner.args.read({ name: 'x' }), { name: 'x', state: 'present', params: '', persistent: 'disabled' });
  assert.throws(() => modprobePlanner.args.read({ name: 'x', state: 'gone' }), /value of state must be one of: present, absent, got: gone/);
  assert.throws(() => hostnamePlanner.args.read({}), /missing required argument: name/);
  assert.deepEqual(modprobePlanner.args.schema.required, ['name']);
  assert.equal((modprobePlanner.args.schema.additionalProperties as boolean), false);
});

/** A context whose run() answers the probe with `probe` and every later command with rc 0, recording them. */
function fakeCtx(probe: string, check: boolean): ModuleContext & { ran: string[] } {
  const ran: string[] = [];
  return {
    host: 'h1',
    conn: undefined as never,
    check,
    diff: false,
    vars: {},
    verbosity: 0,
    ran,
    async run(cmd) {
      ran.push(cmd);
      return { rc: 0, stdout: ran.length === 1 ? probe : '', stderr: '' };
    },
    render: () => '',
    condition: () => true,
    findFile: () => '',
  } as ModuleContext & { ran: string[] };
}

test('the seam: check mode runs the probe only; a run applies the commands; a failure fails as the plan says', async () => {
  const checkCtx = fakeCtx(mp({}), true);
  const r1 = await runPlanned(modprobePlanner, { name: 'dummy' }, checkCtx);
  assert.equal(r1.changed, true);
  assert.equal(checkCtx.ran.length, 1, 'only the probe ran');

  const ctx = fakeCtx(mp({}), false);
  const r2 = await runPlanned(modprobePlanner, { name: 'dummy' }, ctx);
  assert.equal(r2.changed, true);
  assert.deepEqual(ctx.ran.slice(1), ['modprobe dummy']);

  const failing = fakeCtx(mp({}), false);
  failing.run = async (cmd) => (failing.ran.push(cmd), failing.ran.length === 1 ? { rc: 0, stdout: mp({}), stderr: '' } : { rc: 1, stdout: '', stderr: 'FATAL: Module dummy not found.' });
  const r3 = await runPlanned(modprobePlanner, { name: 'dummy' }, failing);
  assert.equal(r3.failed, true);
  assert.equal(r3.msg, 'Error while running modprobe: FATAL: Module dummy not found.');

  const nothing = fakeCtx(mp({ L: '1' }), false);
  assert.equal((await runPlanned(modprobePlanner, { name: 'dummy' }, nothing)).changed, false);
  assert.equal(nothing.ran.length, 1);
});
