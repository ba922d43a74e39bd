/** The lookups behind with_<lookup> loops (sequence, subelements, password...) and their errors. */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KbsError } from '../../src/errors.js';
import { createTemplater } from '../../src/template/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbs-lookup-loops-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const t = createTemplater({ lookupBase: dir });

function fails(fn: () => unknown, re: RegExp): void {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KbsError, String(e));
    assert.match(e.message, re);
    return;
  }
  assert.fail('expected an error');
}

test('sequence: key=value and short forms, strings out', () => {
  assert.deepEqual(t.query('sequence', ['start=1 end=3'], {}), ['1', '2', '3']);
  assert.deepEqual(t.query('sequence', ['count=2 start=5 stride=5 format=n%03d'], {}), ['n005', 'n010']);
  assert.deepEqual(t.query('sequence', ['2-8/3:x%x'], {}), ['x2', 'x5', 'x8']);
  assert.deepEqual(t.query('sequence', ['3'], {}), ['1', '2', '3']);
  assert.deepEqual(t.query('sequence', ['start=0x10 end=0x11 format=%02X'], {}), ['10', '11']);
  assert.deepEqual(t.query('sequence', ['start=5 end=1 stride=-2'], {}), ['5', '3', '1']);
  assert.deepEqual(t.query('sequence', ['count=0'], {}), []);
  fails(() => t.query('sequence', ['start=5 end=1'], {}), /to count backwards make stride negative/);
  fails(() => t.query('sequence', ['count=2 end=4'], {}), /can't specify both count and end/);
  fails(() => t.query('sequence', ['start=1'], {}), /must specify count or end/);
  fails(() => t.query('sequence', ['start=1 end=2 step=1'], {}), /unrecognized arguments.*step/);
  fails(() => t.query('sequence', ['start=x end=2'], {}), /can't parse start=x as integer/);
});

test('subelements: lists and dicts, skip_missing, nested keys, errors', () => {
  const users = [{ n: 'a', k: [1, 2] }, { n: 'b', k: [] }, { n: 'c' }];
  assert.deepEqual(t.query('subelements', [users, 'k', { skip_missing: true }], {}), [[users[0], 1], [users[0], 2]]);
  fails(() => t.query('subelements', [users, 'k'], {}), /could not find 'k' key in iterated item/);
  const deep = [{ a: { b: ['x'] } }];
  assert.deepEqual(t.query('subelements', [deep, 'a.b'], {}), [[deep[0], 'x']]);
  assert.deepEqual(t.query('subelements', [{ one: { k: [3] } }, 'k'], {}), [[{ k: [3] }, 3]]);
  fails(() => t.query('subelements', [users], {}), /two or three items/);
  fails(() => t.query('subelements', [users, 'k', { skip: true }], {}), /'skip_missing' only/);
  fails(() => t.query('subelements', [[{ k: 'x' }], 'k'], {}), /should point to a list/);
  // a tuple prints as Python prints it
  assert.equal(t.render("{{ q('subelements', [{'k': [1]}], 'k')[0] }}!", {}), "({'k': [1]}, 1)!");
});

test('together, nested, indexed_items, flattened flatten as Ansible', () => {
  assert.deepEqual(t.query('together', [[1, 2], ['a']], {}), [[1, 'a'], [2, null]]);
  assert.deepEqual(t.query('nested', [[1], ['a', 'b'], [['x', 'y']]], {}), [[1, 'a', 'x', 'y'], [1, 'b', 'x', 'y']]);
  assert.deepEqual(t.query('indexed_items', [['a', ['b']]], {}), [[0, 'a'], [1, ['b']]]);
  assert.deepEqual(t.query('flattened', [[1, [2, [3]]], 4], {}), [1, 2, 3, 4]);
  assert.equal(t.render("{{ q('indexed_items', 'a') | first }}!", {}), "(0, 'a')!");
  fails(() => t.query('nested', [], {}), /at least one element/);
});

test('inventory_hostnames reads the groups variable with Ansible patterns', () => {
  const vars = { groups: { all: ['a1', 'a2', 'b1', 'lone'], ungrouped: ['lone'], a: ['a1', 'a2'], b: ['b1'] } };
  assert.deepEqual(t.query('inventory_hostnames', ['all'], vars), ['a1', 'a2', 'b1', 'lone']);
  assert.deepEqual(t.query('inventory_hostnames', ['b:a:!a2'], vars), ['b1', 'a1']);
  assert.deepEqual(t.query('inventory_hostnames', ['a*:&a'], vars), ['a1', 'a2']);
  assert.deepEqual(t.query('inventory_hostnames', ['nothing'], vars), []);
  assert.equal(t.render("{{ lookup('inventory_hostnames', 'a') }}", vars), 'a1,a2');
});

test('varnames: the names of the variables matching each regex', () => {
  const vars = { qz_1: 1, qz_2: 2, other: 3, qa: 4 };
  assert.deepEqual(t.query('varnames', ['^qz_.+'], vars), ['qz_1', 'qz_2']);
  assert.deepEqual(t.query('varnames', ['^q', 'er$'], vars), ['qz_1', 'qz_2', 'qa', 'other']);
  fails(() => t.query('varnames', [3], vars), /is not a string/);
  fails(() => t.query('varnames', ['('], vars), /Unable to use "\(" as a search parameter/);
});

test('fileglob: files in files/ first, then the base folder; folders and dotfiles left out', () => {
  fs.mkdirSync(path.join(dir, 'files', 'sub'), { recursive: true });
  for (const f of ['files/b.conf', 'files/a.conf', 'files/.hidden.conf', 'top.conf', 'files/sub/s.conf']) fs.writeFileSync(path.join(dir, f), '');
  fs.mkdirSync(path.join(dir, 'files', 'dir.conf'));
  // in the file system's order, as Python's glob (test/integration/compare-fileglob-order.test.ts)
  assert.deepEqual((t.query('fileglob', ['*.conf'], {}) as string[]).sort(), [path.join(dir, 'files/a.conf'), path.join(dir, 'files/b.conf')]);
  assert.deepEqual(t.query('fileglob', ['top.*'], {}), [path.join(dir, 'top.conf')]);
  assert.deepEqual(t.query('fileglob', ['sub/*'], {}), [path.join(dir, 'files/sub/s.conf')]);
  assert.deepEqual(t.query('fileglob', [path.join(dir, 'files', 'sub', '*.conf')], {}), [path.join(dir, 'files/sub/s.conf')]);
  assert.deepEqual(t.query('fileglob', ['none/*'], {}), []);
});

test('first_found: files and paths mappings, skip, the not-found error', () => {
  fs.mkdirSync(path.join(dir, 'vars'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'vars', 'debian.yml'), '');
  assert.deepEqual(t.query('first_found', [{ files: 'x.yml,debian.yml', paths: 'nowhere:vars' }], {}), [path.join(dir, 'vars/debian.yml')]);
  assert.deepEqual(t.query('first_found', ['debian.yml'], {}, undefined, { _subdir: 'vars' }), [path.join(dir, 'vars/debian.yml')]);
  assert.deepEqual(t.query('first_found', [{ files: ['nope'], skip: true }], {}), []);
  fails(() => t.query('first_found', ['nope', 'nada'], {}), /No file was found when using first_found/);
});

test('password: creates the file once (0600, folders 0700), reads it back, refuses what kbs cannot do', () => {
  const p1 = t.render("{{ lookup('password', 'creds/new/pw length=16 chars=ascii_lowercase,,') }}", {}) as string;
  assert.match(p1, /^[a-z,]{16}$/);
  const file = path.join(dir, 'creds', 'new', 'pw');
  assert.equal(fs.readFileSync(file, 'utf8'), p1 + '\n');
  assert.equal(fs.statSync(file).mode & 0o777, 0o600);
  assert.equal(fs.statSync(path.dirname(file)).mode & 0o777, 0o700);
  assert.equal(t.render("{{ lookup('password', 'creds/new/pw length=4') }}", {}), p1);
  assert.match(t.render("{{ lookup('password', '/dev/null') }}", {}) as string, /^[A-Za-z0-9.,:_-]{20}$/);
  assert.ok(!fs.existsSync('/dev/null.ansible_lockfile'));
  fs.writeFileSync(path.join(dir, 'creds', 'salted'), 'pass word salt=xyz\n');
  assert.equal(t.render("{{ lookup('password', 'creds/salted') }}", {}), 'pass word');
  fails(() => t.render("{{ lookup('password', 'creds/x lenght=3') }}", {}), /Unrecognized parameter\(s\) given to password lookup: lenght/);
  fails(() => t.render("{{ lookup('password', 'creds/x encrypt=sha512_crypt') }}", {}), /encrypt= is not supported/);
  fails(() => t.render("{{ lookup('password', 'creds/x length=3 oops') }}", {}), /Unrecognized value after key=value/);
  assert.ok(!fs.existsSync(path.join(dir, 'creds', 'x')));
});
