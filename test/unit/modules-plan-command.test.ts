/**
 * Planning rows of the command family (command, shell, script): args + the creates/removes
 * probe's output → the command to run, or a skip; and what check mode reports. No host needed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';
import { commandPlanner } from '../../src/modules/command.js';
import { shellPlanner } from '../../src/modules/shell.js';
import { scriptPlanner } from '../../src/modules/script.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = {
  command: commandPlanner as Planner<never>,
  shell: shellPlanner as Planner<never>,
  script: scriptPlanner as Planner<never>,
};

const CD_TMP = "cd -- /tmp 2>/dev/null || { echo 'kbs: chdir failed' >&2; exit 1; }\n";

const ROWS: PlanRow[] = [
  { what: 'command without creates/removes runs', module: 'command', args: { _raw_params: 'echo "a b"' }, probe: '', changes: ["run the command: exec echo 'a b'"] },
  { what: 'command argv, $HOME expanded on the host', module: 'command', args: { argv: ['ls', '$HOME'] }, probe: '', changes: ['run the command: exec ls "${HOME-\\$HOME}"'] },
  { what: 'command argv kept as written without expand_argument_vars', module: 'command', args: { argv: ['ls', '$HOME'], expand_argument_vars: false }, probe: '', changes: ["run the command: exec ls '$HOME'"] },
  { what: 'command after chdir', module: 'command', args: { cmd: 'pwd', chdir: '/tmp' }, probe: '', changes: [`run the command: ${CD_TMP}exec pwd`] },
  {
    what: 'command: creates exists, skipped',
    module: 'command',
    args: { cmd: 'make', creates: '/opt/out' },
    probe: '1\n0\n',
    changes: [],
    result: { changed: false, msg: "Did not run command since '/opt/out' exists", stdout: 'skipped, since /opt/out exists', cmd: ['make'] },
  },
  { what: 'command: creates missing, runs', module: 'command', args: { cmd: 'make', creates: '/opt/out' }, probe: '0\n0\n', changes: ['run the command: exec make'] },
  {
    what: 'command: removes missing, skipped (check mode says Would)',
    module: 'command',
    args: { cmd: 'rm -r /opt/x', removes: '/opt/x' },
    probe: '0\n0\n',
    changes: [],
    check: true,
    result: { msg: "Would not run command since '/opt/x' does not exist" },
  },
  { what: 'command: removes present, runs', module: 'command', args: { cmd: 'rm -r /opt/x', removes: '/opt/x' }, probe: '0\n1\n', changes: ['run the command: exec rm -r /opt/x'] },
  {
    what: 'command in check mode with creates: would run, changed',
    module: 'command',
    args: { cmd: 'make', creates: '/opt/out' },
    probe: '0\n0\n',
    check: true,
    changes: ['run the command: exec make'],
    result: { changed: true, skipped: undefined, msg: 'Command would have run if not in check mode' },
  },
  { what: 'command in check mode without creates/removes: skipped', module: 'command', args: { cmd: 'make' }, probe: '', check: true, changes: ['run the command: exec make'], result: { changed: false, skipped: true } },
  { what: 'shell runs the line as is', module: 'shell', args: { _raw_params: 'echo $X | wc -l' }, probe: '', changes: ['run the command: echo $X | wc -l'], result: { cmd: 'echo $X | wc -l' } },
  { what: 'shell with executable', module: 'shell', args: { cmd: 'echo hi', executable: '/bin/bash' }, probe: '', changes: ["run the command: exec /bin/bash -c 'echo hi'"] },
  { what: 'shell: creates exists', module: 'shell', args: { cmd: 'make', creates: 'out*' }, probe: '1\n0\n', changes: [], result: { cmd: 'make', stdout: 'skipped, since out* exists' } },
  { what: 'script: creates exists, skipped', module: 'script', args: { _raw_params: 'setup.sh --now', creates: '/etc/done' }, probe: '1\n0\n', changes: [], result: { skipped: true, msg: '/etc/done exists, matching creates option' } },
  { what: 'script: removes missing, skipped', module: 'script', args: { _raw_params: 'setup.sh', removes: '/etc/x' }, probe: '0\n0\n', changes: [], result: { msg: '/etc/x does not exist, matching removes option' } },
  { what: 'script: a relative chdir fails', module: 'script', args: { _raw_params: 'setup.sh', chdir: 'rel' }, probe: '', changes: [], result: { failed: true } },
  { what: 'script in check mode without creates/removes: skipped', module: 'script', args: { _raw_params: 'setup.sh' }, probe: '', check: true, changes: [scriptRun('setup.sh', '')], result: { changed: false, skipped: true } },
  { what: 'script in check mode with creates: changed', module: 'script', args: { _raw_params: 'setup.sh', creates: '/etc/done' }, probe: '0\n0\n', check: true, changes: [scriptRun('setup.sh', '')], result: { changed: true, skipped: undefined } },
  { what: 'script: the rest of the line stays shell text', module: 'script', args: { _raw_params: 'files/setup.sh --name "a b"' }, probe: '', changes: [scriptRun('setup.sh', ' --name "a b"', 'files/setup.sh')] },
];

/** the change of a script run: unpack, run with the rest of the line, remove */
function scriptRun(name: string, rest: string, source = name): string {
  return [
    `run the script ${source}: kbs_d=$(mktemp -d "\${TMPDIR:-/tmp}/kbs-script.XXXXXXXX") || exit 1`,
    `cat > "$kbs_d"/${name} || { rm -rf -- "$kbs_d"; exit 1; }`,
    `chmod 700 -- "$kbs_d"/${name}`,
    `"$kbs_d"/${name}${rest} </dev/null`,
    'kbs_rc=$?; rm -rf -- "$kbs_d"; exit $kbs_rc',
    '',
  ].join('\n');
}

test('command family planning rows: the command to run or a skip', () => {
  checkPlanRows(PLANNERS, ROWS);
});

test('command family probes: none without creates/removes, one line each otherwise', () => {
  assert.equal(commandPlanner.probe(commandPlanner.args.read({ cmd: 'true' })), '');
  const p = shellPlanner.probe(shellPlanner.args.read({ cmd: 'true', creates: '/a b*', chdir: '/srv' }));
  assert.equal(p, "cd -- /srv 2>/dev/null || exit 0\n( IFS=; set -- '/a b'*; [ -e \"$1\" ] || [ -L \"$1\" ] ) && echo 1 || echo 0\n( IFS=; set -- ''; [ -e \"$1\" ] || [ -L \"$1\" ] ) && echo 1 || echo 0\n");
  assert.equal(scriptPlanner.probe(scriptPlanner.args.read({ _raw_params: 'x.sh', removes: '/r' })), 'echo 0; [ -e /r ] && echo 1 || echo 0');
  assert.throws(() => commandPlanner.probe(commandPlanner.args.read({ cmd: 'a', argv: ['b'] })), /not both/);
});
