import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/load.js';

const FIX = join(import.meta.dirname, '../fixtures/inventory');
const ERR = join(FIX, 'errors');

interface Expect {
  code: string;
  at: string; // line:col
  message: RegExp;
  hint: RegExp;
}

function expectError(file: string, x: Expect): void {
  assert.throws(
    () => loadInventory(file),
    (e: unknown) => {
      assert.ok(e instanceof KbsError, `not a KbsError: ${String(e)}`);
      assert.equal(e.code, x.code);
      assert.equal(e.where(), `${file}:${x.at}`);
      assert.match(e.message, x.message);
      assert.match(e.hint ?? '', x.hint);
      assert.ok(!/\n\s+at /.test(e.render()), 'no stack trace in the rendered error');
      return true;
    },
  );
}

const cases: [string, Expect][] = [
  ['unknown-key.yml', { code: 'SCHEMA', at: '4:7', message: /unknown key "hostss" in "web"/, hint: /^did you mean hosts\?$/ }],
  ['hosts-list.yml', { code: 'SCHEMA', at: '3:5', message: /"hosts" in inventory must be an object/, hint: /hosts is a mapping/ }],
  ['host-list-vars.yml', { code: 'SCHEMA', at: '4:7', message: /"web1" in inventory must be an object/, hint: /mapping/ }],
  ['top-hosts.yml', { code: 'SCHEMA', at: '1:1', message: /"hosts" at the top of an inventory/, hint: /under "all:"/ }],
  ['cycle.yml', { code: 'INVENTORY', at: '7:13', message: /group "a" is its own ancestor \(cycle through "b"\)/, hint: /remove "a" from the children of "b"/ }],
  ['cycle-top.yml', { code: 'INVENTORY', at: '6:5', message: /group "x" is its own ancestor \(cycle through "y"\)/, hint: /remove "x"/ }],
  ['all-child.yml', { code: 'INVENTORY', at: '5:9', message: /group "all" cannot be a child of "web"/, hint: /root/ }],
  ['same-name.yml', { code: 'INVENTORY', at: '5:9', message: /"db" is both a host and a group/, hint: /same-name\.yml:6:5/ }],
  ['bad-range.yml', { code: 'INVENTORY', at: '3:5', message: /bad host range in "node\[1:\]": the range has no end value/, hint: /\[start:end\]/ }],
  ['reverse-range.yml', { code: 'INVENTORY', at: '4:5', message: /the end 1 is smaller than the start 5/, hint: /\[start:end\]/ }],
  ['bad-priority.yml', { code: 'INVENTORY', at: '5:9', message: /ansible_group_priority of group "web" must be an integer/, hint: /higher wins/ }],
  ['syntax.yml', { code: 'YAML', at: '3:8', message: /YAML syntax error/, hint: /YAML syntax/ }],
  ['bad-section.ini', { code: 'INVENTORY', at: '4:1', message: /section \[web:child\] has unknown type "child"/, hint: /:children and :vars/ }],
  ['undefined-child.ini', { code: 'INVENTORY', at: '6:3', message: /\[app:children\] names a group that is not defined: dbs/, hint: /add a \[dbs\] section/ }],
  ['bad-hostvar.ini', { code: 'INVENTORY', at: '2:1', message: /expected key=value host variable, got "port"/, hint: /name key=value/ }],
];

for (const [file, x] of cases) {
  test(`error: ${file} -> ${x.code} at ${x.at}`, () => expectError(join(ERR, file), x));
}

test('a group_vars file that is not a mapping points at the file', () => {
  const file = join(FIX, 'badvars/group_vars/all.yml');
  assert.throws(
    () => loadInventory(join(FIX, 'badvars/hosts.yml')),
    (e: unknown) =>
      e instanceof KbsError && e.code === 'SCHEMA' && e.where() === `${file}:2:1` && /must hold a mapping of variables, not a list/.test(e.message) && !!e.hint,
  );
});

test('a missing inventory is NOT_FOUND with a hint', () => {
  assert.throws(
    () => loadInventory(join(FIX, 'nope.yml')),
    (e: unknown) => e instanceof KbsError && e.code === 'NOT_FOUND' && /not found/.test(e.message) && /-i/.test(e.hint ?? ''),
  );
});
