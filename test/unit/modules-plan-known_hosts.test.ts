/**
 * known_hosts planning without a host: args + the probe's recorded output (the key check, the
 * expanded path, the file's mode and umask, ssh-keygen -F's answer, the file) → the change.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';
import { knownHostsPlanner } from '../../src/modules/known_hosts.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = { known_hosts: knownHostsPlanner as Planner<never> };

const OLD = 'web ssh-ed25519 AAAAold';
const NEW = 'web ssh-ed25519 AAAAnew';
const OTHER = 'db ssh-rsa AAAAdb';
const PATH = '/home/u/.ssh/known_hosts';

/** the probe's output: the key check answers, the file holds `file` (undefined: no file) */
function probe(o: { sanity?: boolean; file?: string; search?: string; mode?: string }): string {
  const out = [`@@sanity\n${o.sanity === false ? '' : `# Host web found: line 1 \n${NEW}\n`}`, `@@path\n${PATH}\n`, `@@mode\n${o.mode ?? '644'}\n0022\n`];
  if (o.file !== undefined) out.push(`@@search\n${o.search ?? ''}\n@@rc\n${o.search ? 0 : 1}\n`, `@@file\n${o.file}`);
  return out.join('');
}
const found = (line: number, key: string) => `# Host web found: line ${line} \n${key}`;

const ROWS: PlanRow[] = [
  { what: 'a new host is appended', module: 'known_hosts', args: { name: 'web', key: NEW }, probe: probe({ file: `${OTHER}\n` }), changes: [`write ${PATH} <- ${OTHER}\n${NEW}\n`], result: { path: PATH } },
  { what: 'no file yet: created with the umask', module: 'known_hosts', args: { name: 'web', key: NEW }, probe: probe({ mode: 'none' }), changes: [`write ${PATH} <- ${NEW}\n`] },
  { what: 'the same key is there', module: 'known_hosts', args: { name: 'web', key: NEW }, probe: probe({ file: `${OTHER}\n${NEW}\n`, search: found(2, NEW) }), changes: [], result: { changed: false } },
  { what: 'another key of the same type is replaced', module: 'known_hosts', args: { name: 'web', key: NEW }, probe: probe({ file: `${OLD}\n${OTHER}\n`, search: found(1, OLD) }), changes: [`write ${PATH} <- ${OTHER}\n${NEW}\n`] },
  { what: 'absent with a key: its line goes', module: 'known_hosts', args: { name: 'web', key: NEW, state: 'absent' }, probe: probe({ file: `${NEW}\n${OTHER}\n`, search: found(1, NEW) }), changes: [`write ${PATH} <- ${OTHER}\n`] },
  { what: 'absent with a key that is not there', module: 'known_hosts', args: { name: 'web', key: NEW, state: 'absent' }, probe: probe({ file: `${OTHER}\n` }), changes: [], result: { changed: false } },
  {
    what: 'absent without a key: ssh-keygen -R',
    module: 'known_hosts',
    args: { name: 'Web', state: 'absent' },
    probe: probe({ sanity: false, file: `${OLD}\n${OTHER}\n`, search: found(1, OLD) }),
    changes: [`remove web from ${PATH} with ssh-keygen -R: ssh-keygen -R web -f ${PATH}`],
    result: { changed: true, name: 'Web' },
  },
  { what: 'a key without the host', module: 'known_hosts', args: { name: 'web', key: NEW }, probe: probe({ sanity: false }), changes: [], result: { failed: true, msg: 'Host parameter does not match hashed host field in supplied key' } },
  { what: 'present without a key', module: 'known_hosts', args: { name: 'web' }, probe: ':', changes: [], result: { failed: true, msg: 'No key specified when adding a host' } },
  { what: 'no folder: a real run fails', module: 'known_hosts', args: { name: 'web', key: NEW }, probe: probe({ mode: 'noparent' }), changes: [], result: { failed: true } },
  { what: 'no folder: check mode reports the change', module: 'known_hosts', args: { name: 'web', key: NEW }, probe: probe({ mode: 'noparent' }), check: true, changes: [`write ${PATH} <- ${NEW}\n`] },
];

test('known_hosts planning table: args + probe output → changes', () => checkPlanRows(PLANNERS, ROWS));

test('known_hosts: the file keeps its mode; a hashed key is hashed once, when the args are read', () => {
  const a = knownHostsPlanner.args.read({ name: 'web', key: NEW, hash_host: true });
  assert.match(a.line!, /^\|1\|[^|]+\|[^ ]+ ssh-ed25519 AAAAnew\n$/);
  assert.ok(knownHostsPlanner.probe(a).includes(a.line!.trim()));
  const plan = knownHostsPlanner.plan(knownHostsPlanner.args.read({ name: 'web', key: NEW }), probe({ mode: '600', file: '' }), { diff: false });
  assert.equal(plan.changes[0].write?.mode, 0o600);
});
