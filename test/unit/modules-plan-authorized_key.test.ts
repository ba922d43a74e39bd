/**
 * authorized_key planning without a host: args + the probe's recorded output (the user's home,
 * the key file and its content, a fetched key) → the write, or none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';
import { authorizedKeyPlanner } from '../../src/modules/authorized_key.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = { authorized_key: authorizedKeyPlanner as Planner<never> };

const A = 'ssh-ed25519 AAAAone alice@x';
const B = 'ssh-rsa AAAAtwo bob@y';
const FILE = '/home/u/.ssh/authorized_keys';

/** the probe's output for user u with home /home/u and the file holding `file` */
const probe = (file: string, extra = '') => `${extra}@@home\n/home/u\n@@keyfile\n${FILE}\n@@file\n${file}`;
/** the planned write's content, from the write command of a change line */
/** what the write puts in the file: its stdin, read by `cat > "$t"` */
const written = (c: { command?: string; stdin?: string }) => (c.command?.includes('cat > "$t"') ? c.stdin : undefined);

const ROWS: PlanRow[] = [
  { what: 'the key is there', module: 'authorized_key', args: { user: 'u', key: A }, probe: probe(`${A}\n`), changes: [], result: { changed: false, keyfile: FILE, path: null } },
  { what: 'the key is there with other options: nothing to do without key_options', module: 'authorized_key', args: { user: 'u', key: A }, probe: probe(`${B}\n${A}\n`), changes: [] },
  { what: 'absent key that is not there', module: 'authorized_key', args: { user: 'u', key: A, state: 'absent' }, probe: probe(`${B}\n`), changes: [] },
  { what: 'no such user', module: 'authorized_key', args: { user: 'nobody2', key: A }, probe: '@@nouser\n', changes: [], result: { failed: true, msg: `Failed to lookup user nobody2: "getpwnam(): name not found: 'nobody2'"` } },
  {
    what: 'no such user in check mode without a path',
    module: 'authorized_key',
    args: { user: 'nobody2', key: A },
    probe: '@@nouser\n',
    check: true,
    changes: [],
    result: { failed: true, msg: 'Either user must exist or you must provide full path to key file in check mode' },
  },
  { what: 'an invalid key', module: 'authorized_key', args: { user: 'u', key: 'not a key' }, probe: probe(''), changes: [], result: { failed: true, msg: 'invalid key specified: not a key' } },
  { what: 'a key from a URL that cannot be fetched', module: 'authorized_key', args: { user: 'u', key: 'https://example.com/k' }, probe: '@@key\n\n@@keyfail\n', changes: [], result: { failed: true, msg: 'Error getting key from: https://example.com/k' } },
];

test('authorized_key planning table: args + probe output → changes', () => checkPlanRows(PLANNERS, ROWS));

test('authorized_key: the planned file content', () => {
  const plan = (args: Record<string, unknown>, out: string) => {
    const p = authorizedKeyPlanner.plan(authorizedKeyPlanner.args.read(args), out, { diff: false });
    return p.changes.map((c) => [c.description, written(c)]);
  };
  assert.deepEqual(plan({ user: 'u', key: A }, probe(`${B}\n`)), [[`write ${FILE}`, `${B}\n${A}\n`]]);
  assert.deepEqual(plan({ user: 'u', key: A, state: 'absent' }, probe(`${B}\n${A}\n`)), [[`write ${FILE}`, `${B}\n`]]);
  assert.deepEqual(plan({ user: 'u', key: A, exclusive: true }, probe(`${B}\n${A}\n`)), [[`write ${FILE}`, `${A}\n`]]);
  assert.deepEqual(plan({ user: 'u', key: A, key_options: 'no-pty' }, probe(`${A}\n`)), [[`write ${FILE}`, `no-pty ${A}\n`]]);
  // a fetched key is the probe's, byte for byte
  const fetched = authorizedKeyPlanner.plan(authorizedKeyPlanner.args.read({ user: 'u', key: 'https://example.com/k' }), probe('', `@@key\n${B}\n\n`), { diff: false });
  assert.equal(fetched.result.key, `${B}\n`);
  assert.deepEqual(fetched.changes.map((c) => written(c)), [`${B}\n`]);
  // manage_dir creates ~/.ssh owned by the user; without it the folder is left alone
  const cmd = (manage: boolean) => authorizedKeyPlanner.plan(authorizedKeyPlanner.args.read({ user: 'u', key: A, manage_dir: manage }), probe(''), { diff: false }).changes[0].command ?? '';
  assert.match(cmd(true), /mkdir -m 700 -- "\$s"/);
  assert.doesNotMatch(cmd(false), /mkdir -m 700/);
  assert.match(cmd(true), /s=\/home\/u\/\.ssh/);
});
