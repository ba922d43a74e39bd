/**
 * ipaddr / ipv4 / ipv6 / ipwrap, the ansible.utils ip tests, random and shuffle with a seed,
 * urlsplit, password_hash, json_query, the math, path, uuid, comment and vault filters, the uri
 * and subset tests, to_datetime and strftime: each expression of test/fixtures/filters-ansible
 * evaluated by kbs (through to_json, as generate.py reads Ansible's) must give the value
 * ansible-playbook 2.14 gave (expected.json, written by generate.py from Ansible's real output),
 * or fail where Ansible failed. generate.py needs python3-netaddr, python3-jmespath and
 * python3-passlib; without them, regenerate only the new expressions' entries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { createTemplater } from '../../src/template/index.js';

const cases = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/filters-ansible/expected.json'), 'utf8')) as { expr: string; ansible: unknown }[];
const t = createTemplater();

test('the fixture covers every new filter and test', () => {
  const text = cases.map((c) => c.expr).join('\n');
  for (const n of ['ipaddr', 'ipv4', 'ipv6', 'ipwrap', 'is ansible.utils.ipv4', 'random(seed', 'shuffle(seed', 'urlsplit', 'password_hash', 'json_query']) assert.ok(text.includes(n), n);
  for (const n of ['log', 'pow', 'root', 'human_readable', 'human_to_bytes', 'combinations', 'permutations', 'rekey_on_member', 'relpath', 'urldecode', 'to_uuid', 'comment', 'vault(', 'unvault', 'is issubset', 'is uri', 'is url', 'is urn', 'to_datetime', 'strftime']) assert.ok(text.includes(n), n);
  assert.ok(cases.length > 150);
});

for (const c of cases) {
  test(`${c.expr} → ${JSON.stringify(c.ansible)}`, () => {
    if (c.ansible === 'ERROR') {
      assert.throws(() => t.evaluate(`(${c.expr}) | to_json`, {}), (e: unknown) => e instanceof KbsError && e.code === 'TEMPLATE');
      return;
    }
    // through to_json, as the fixture was taken: whole floats and datetimes as Ansible writes them
    assert.deepEqual(JSON.parse(String(t.evaluate(`(${c.expr}) | to_json`, {}))), c.ansible);
  });
}

test('random without a seed stays in range; password_hash without a salt makes a fresh one', () => {
  for (let i = 0; i < 50; i++) {
    const n = t.evaluate('10 | random(start=5)', {}) as number;
    assert.ok(n >= 5 && n < 10);
  }
  const a = t.evaluate("'x' | password_hash('sha512', rounds=5000)", {}) as string;
  const b = t.evaluate("'x' | password_hash('sha512', rounds=5000)", {}) as string;
  assert.match(a, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  assert.notEqual(a, b);
});
