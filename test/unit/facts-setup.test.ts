/** The setup module with a fake task context (no host). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { setupModule } from '../../src/modules/setup.js';
import type { ModuleContext } from '../../src/modules/types.js';
import type { ExecResult } from '../../src/transport/types.js';

const debian = readFileSync(new URL('./facts-fixtures/debian12-vm.txt', import.meta.url), 'utf8');

interface Fake {
  ctx: ModuleContext;
  cmds: { cmd: string; timeoutMs?: number }[];
  set: Record<string, unknown>[];
}

function fakeCtx(reply: ExecResult): Fake {
  const cmds: Fake['cmds'] = [];
  const set: Fake['set'] = [];
  const conn = { host: 'cp1', stats: { connects: 1, execs: 0, channels: 0 }, exec: async () => reply, close: async () => undefined };
  const ctx = {
    host: 'cp1',
    conn,
    check: false,
    diff: false,
    vars: {},
    verbosity: 0,
    run: async (cmd: string, opts?: { timeoutMs?: number }) => {
      cmds.push({ cmd, timeoutMs: opts?.timeoutMs });
      return reply;
    },
    render: (s: string) => s,
    condition: () => true,
    findFile: () => '/nonexistent',
    setFacts: (f: Record<string, unknown>) => set.push(f),
  } satisfies ModuleContext;
  return { ctx, cmds, set };
}

test('setup: one round trip through the task runner; prefixed result, unprefixed facts to the engine', async () => {
  const { ctx, cmds, set } = fakeCtx({ rc: 0, stdout: debian, stderr: '' });
  const res = await setupModule.run({}, ctx);
  assert.equal(cmds.length, 1);
  assert.equal(res.changed, false);
  assert.equal(res.failed, undefined);
  const facts = res.ansible_facts as Record<string, unknown>;
  assert.equal(facts.ansible_hostname, 'cp1');
  assert.equal((facts.ansible_default_ipv4 as { address: string }).address, '10.0.2.15');
  assert.ok('ansible_br_1a2b3c' in facts);
  assert.equal(set.length, 1);
  // the engine gets them without the prefix (its ansible_facts namespace)
  assert.equal(set[0].hostname, 'cp1');
  assert.equal(set[0].ansible_hostname, undefined);
  assert.deepEqual(Object.keys(set[0]).map((k) => `ansible_${k}`), Object.keys(facts));
  assert.equal(cmds[0].timeoutMs, 30_000);
});

test('setup: filter and gather_timeout', async () => {
  const { ctx, cmds } = fakeCtx({ rc: 0, stdout: debian, stderr: '' });
  const res = await setupModule.run({ filter: ['*_mb', 'distribution'], gather_timeout: 5, gather_subset: ['!all', 'network'] }, ctx);
  assert.deepEqual(Object.keys(res.ansible_facts as object).sort(), [
    'ansible_distribution',
    'ansible_memfree_mb',
    'ansible_memory_mb',
    'ansible_memtotal_mb',
    'ansible_swapfree_mb',
    'ansible_swaptotal_mb',
  ]);
  assert.equal(cmds[0].timeoutMs, 5000);
});

test('setup: a host that cannot run the script gives a failed result', async () => {
  const { ctx, set } = fakeCtx({ rc: 1, stdout: '', stderr: 'sudo: a password is required\n' });
  const res = await setupModule.run({}, ctx);
  assert.equal(res.failed, true);
  assert.match(String(res.msg), /fact gathering failed \(rc=1\): sudo: a password is required/);
  assert.equal(set.length, 0);
});

test('setup: timeout and bad gather_timeout', async () => {
  const slow = fakeCtx({ rc: -1, stdout: '', stderr: 'command timed out after 2000 ms' });
  const res = await setupModule.run({ gather_timeout: '2' }, slow.ctx);
  assert.equal(res.failed, true);
  assert.match(String(res.msg), /timed out after 2 s/);
  const bad = fakeCtx({ rc: 0, stdout: debian, stderr: '' });
  const res2 = await setupModule.run({ gather_timeout: 'soon' }, bad.ctx);
  assert.equal(res2.failed, true);
  assert.equal(bad.cmds.length, 0);
});

test('setup: schema names and alias', () => {
  assert.equal(setupModule.name, 'setup');
  assert.deepEqual(setupModule.aliases, ['gather_facts']);
  const props = (setupModule.schema as { properties: Record<string, unknown> }).properties;
  assert.deepEqual(Object.keys(props).sort(), ['fact_path', 'filter', 'gather_subset', 'gather_timeout']);
  const validate = new Ajv().compile(setupModule.schema);
  assert.equal(validate({ filter: 'ansible_*', gather_subset: ['!all'], gather_timeout: 10 }), true);
  assert.equal(validate({ filter: ['a', 'b'], gather_timeout: '10' }), true);
  assert.equal(validate({ filtre: 'x' }), false);
  assert.equal(validate({ filter: 3 }), false);
});
