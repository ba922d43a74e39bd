/**
 * What kbs apply relies on to run its passes over one set of connections: facts already gathered
 * (RunOptions.knownFacts) stand in for a play's fact gathering, and a SharedPool lends its
 * connections to several engine runs, each run counting only its own commands. Local-connection
 * hosts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRunOptions } from '../../src/engine/options.js';
import { runPlaybook } from '../../src/engine/run.js';
import type { EngineEvent } from '../../src/engine/events.js';
import { loadInventory } from '../../src/inventory/load.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { createTemplater } from '../../src/template/index.js';
import { ConnectionPool } from '../../src/transport/pool.js';
import { SharedPool } from '../../src/transport/shared.js';
import { tempDir } from '../helpers/local.js';

function setup(playbook: string) {
  const dir = tempDir();
  writeFileSync(join(dir, 'inv.yml'), 'all:\n  vars: {ansible_connection: local}\n  hosts:\n    cached: {}\n    fresh: {}\n');
  writeFileSync(join(dir, 'site.yml'), playbook);
  return { inv: loadInventory(join(dir, 'inv.yml')), pb: loadPlaybook(join(dir, 'site.yml'), { rolesPath: [] }), dir };
}

const PLAY = `- hosts: all
  gather_facts: true
  tasks:
    - name: show
      debug: {msg: "{{ ansible_hostname }} {{ ansible_facts.kbs_marker | default('gathered') }}"}
`;

test('known facts replace the fact gathering of the hosts they are given for, and only those', async () => {
  const { inv, pb, dir } = setup(PLAY);
  const events: EngineEvent[] = [];
  const opts = { ...defaultRunOptions(), knownFacts: { cached: { hostname: 'from-cache', kbs_marker: 'known' } } };
  const s = await runPlaybook(pb, inv, opts, { templater: createTemplater({ lookupBase: dir }), pool: new ConnectionPool(), emit: (e) => events.push(e) });
  assert.equal(s.stats.cached.failed + s.stats.fresh.failed, 0);
  const shown = Object.fromEntries(events.flatMap((e) => (e.type === 'host_result' && e.task === 'show' ? [[e.host, String(e.result.msg)]] : [])));
  assert.equal(shown.cached, 'from-cache known');
  assert.match(shown.fresh, / gathered$/);
  assert.notEqual(shown.fresh.split(' ')[0], 'from-cache');
  const gathered = events.filter((e) => e.type === 'host_result' && e.task === 'Gathering Facts').map((e) => (e as { host: string }).host);
  assert.deepEqual(gathered, ['fresh']);
});

test('with facts known for every host, no fact gathering runs at all', async () => {
  const { inv, pb, dir } = setup(PLAY);
  const events: EngineEvent[] = [];
  const opts = { ...defaultRunOptions(), knownFacts: { cached: { hostname: 'a' }, fresh: { hostname: 'b' } } };
  await runPlaybook(pb, inv, opts, { templater: createTemplater({ lookupBase: dir }), pool: new ConnectionPool(), emit: (e) => events.push(e) });
  assert.equal(events.filter((e) => e.type === 'task_start' && e.task === 'Gathering Facts').length, 0);
  assert.equal(events.filter((e) => e.type === 'host_result' && e.task === 'show').length, 2);
});

test('a shared pool keeps its connections across runs; each run counts its own commands', async () => {
  const { inv, pb, dir } = setup(`- hosts: all
  gather_facts: false
  tasks:
    - command: "true"
    - command: "true"
`);
  const inner = new ConnectionPool();
  const shared = new SharedPool(inner);
  const got: unknown[][] = [];
  const deps = () => {
    const lease = shared.lease();
    const mine: unknown[] = [];
    got.push(mine);
    const pool = { ...lease, get: async (spec: Parameters<typeof lease.get>[0]) => { const c = await lease.get(spec); mine.push(c); return c; } };
    return { templater: createTemplater({ lookupBase: dir }), pool, emit: () => undefined };
  };
  const first = await runPlaybook(pb, inv, defaultRunOptions(), deps());
  const second = await runPlaybook(pb, inv, defaultRunOptions(), deps());
  assert.ok(first.execs >= 4, `first run: ${first.execs} commands`);
  assert.equal(second.execs, first.execs, 'the second run counted the first run\'s commands too');
  assert.equal(inner.totals().execs, first.execs + second.execs);
  // the first run's closeAll() left its connections open: the second run got the same ones
  assert.ok(got[0].length > 0);
  assert.ok(got[1].length > 0 && got[1].every((c) => got[0].includes(c)), 'the second run opened new connections');
  await shared.close();
});

test('SharedPool.settled: waits for every connection asked for, also those asked for while it waited, made or failed', async () => {
  const pool = new ConnectionPool();
  const pending = new Map<string, { res: () => void; rej: (e: Error) => void }>();
  // connections that open when the test says so
  (pool as unknown as { open: (s: { name: string }) => Promise<unknown> }).open = (s) =>
    new Promise<unknown>((res, rej) => pending.set(s.name, { res: () => res({ name: s.name }), rej }));
  const shared = new SharedPool(pool);
  await shared.settled(); // nothing asked for: at once
  const spec = (name: string) => ({ name, type: 'ssh', address: name }) as never;
  void shared.lease().get(spec('a')).catch(() => undefined);
  let done = false;
  const waiting = shared.settled().then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'a is still connecting');
  pending.get('a')!.res();
  // b is asked for as a's caller goes on, before settled() looks again
  void Promise.resolve().then(() => shared.lease().get(spec('b')).catch(() => undefined));
  await new Promise((r) => setImmediate(r));
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false, 'b is still connecting');
  pending.get('b')!.rej(new Error('refused'));
  await waiting;
  assert.equal(done, true);
});
