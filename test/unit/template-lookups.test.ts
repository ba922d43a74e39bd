import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KbsError } from '../../src/errors.js';
import { createTemplater } from '../../src/template/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kbs-lookup-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
fs.writeFileSync(path.join(dir, 'a.txt'), 'alpha\n\n');
fs.writeFileSync(path.join(dir, 'b.txt'), '  beta');
fs.mkdirSync(path.join(dir, 'files'));
fs.writeFileSync(path.join(dir, 'files', 'c.txt'), 'gamma\n');
fs.mkdirSync(path.join(dir, 'role', 'files'), { recursive: true });
fs.writeFileSync(path.join(dir, 'role', 'files', 'r.txt'), 'from role\n');
fs.mkdirSync(path.join(dir, 'templates'));
fs.writeFileSync(path.join(dir, 'templates', 't.j2'), 'hello {{ name }}\n');

const t = createTemplater({ lookupBase: dir });

function throwsCode(fn: () => unknown, code: string, re?: RegExp): KbsError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof KbsError, String(e));
    assert.equal(e.code, code, e.message);
    if (re) assert.match(e.message, re);
    return e;
  }
  assert.fail('expected an error');
}

test("lookup('env', ...)", () => {
  process.env.KBS_TEST_ENV = 'from-env';
  process.env.KBS_TEST_ENV2 = 'two';
  delete process.env.KBS_TEST_MISSING;
  assert.equal(t.render("{{ lookup('env', 'KBS_TEST_ENV') }}", {}), 'from-env');
  assert.equal(t.render("{{ lookup('env', 'KBS_TEST_MISSING') }}", {}), '');
  assert.equal(t.render("{{ lookup('env', 'KBS_TEST_MISSING', default='dflt') }}", {}), 'dflt');
  assert.equal(t.render("{{ lookup('env', 'KBS_TEST_ENV', 'KBS_TEST_ENV2') }}", {}), 'from-env,two');
  assert.deepEqual(t.render("{{ query('env', 'KBS_TEST_ENV', 'KBS_TEST_ENV2') }}", {}), ['from-env', 'two']);
  assert.deepEqual(t.render("{{ q('env', 'KBS_TEST_ENV') }}", {}), ['from-env']);
  assert.deepEqual(t.render("{{ lookup('env', 'KBS_TEST_ENV', wantlist=True) }}", {}), ['from-env']);
  assert.equal(t.render("{{ lookup('ansible.builtin.env', 'KBS_TEST_ENV') }}", {}), 'from-env');
  assert.equal(t.render('{{ lookup("env", name) }}', { name: 'KBS_TEST_ENV' }), 'from-env');
});

test("lookup('file', ...) relative to lookupBase, trailing whitespace stripped", () => {
  assert.equal(t.render("{{ lookup('file', 'a.txt') }}", {}), 'alpha');
  assert.equal(t.render("{{ lookup('file', 'b.txt') }}", {}), '  beta');
  assert.equal(t.render("{{ lookup('file', 'c.txt') }}", {}), 'gamma'); // files/ subfolder
  assert.equal(t.render("{{ lookup('file', 'a.txt', rstrip=False) }}", {}), 'alpha\n\n');
  assert.equal(t.render("{{ lookup('file', 'b.txt', lstrip=True) }}", {}), 'beta');
  assert.equal(t.render(`{{ lookup('file', '${path.join(dir, 'a.txt')}') }}`, {}), 'alpha');
  assert.equal(t.render("{{ lookup('file', 'a.txt', 'b.txt') }}", {}), 'alpha,  beta');
  assert.deepEqual(t.render("{{ query('file', 'a.txt', 'c.txt') }}", {}), ['alpha', 'gamma']);
});

test("lookup('file') falls back to playbook_dir, then the working directory; role files first", () => {
  const plain = createTemplater();
  assert.equal(plain.render("{{ lookup('file', 'a.txt') }}", { playbook_dir: dir }), 'alpha');
  assert.equal(plain.render("{{ lookup('file', 'r.txt') }}", { role_path: path.join(dir, 'role'), playbook_dir: dir }), 'from role');
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    assert.equal(plain.render("{{ lookup('file', 'b.txt') }}", {}), '  beta');
  } finally {
    process.chdir(cwd);
  }
});

test('a missing file is NOT_FOUND with the position and the searched paths', () => {
  const pos = { file: 'site.yml', line: 4, col: 9 };
  const e = throwsCode(() => t.render("{{ lookup('file', 'nope.txt') }}", {}, { pos, task: 'Copy key' }), 'NOT_FOUND', /nope\.txt/);
  assert.deepEqual(e.pos, pos);
  assert.match(e.message, /^task "Copy key": /);
  assert.match(e.hint ?? '', new RegExp(dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  // errors='ignore' turns it into an empty result
  assert.equal(t.render("{{ lookup('file', 'nope.txt', errors='ignore') }}", {}), '');
});

test("lookup('vars'), lookup('template'), lookup('items'), lookup('dict'), first_found", () => {
  assert.equal(t.evaluate("lookup('vars', 'x')", { x: 5 }), 5);
  assert.equal(t.render("{{ lookup('vars', 'nope', default='d') }}", {}), 'd');
  throwsCode(() => t.render("{{ lookup('vars', 'nope') }}", {}), 'UNDEFINED', /'nope'/);
  assert.equal(t.render("{{ lookup('template', 't.j2') }}", { name: 'kbs' }), 'hello kbs\n');
  assert.deepEqual(t.render("{{ query('items', [1, 2], 3) }}", {}), [1, 2, 3]);
  assert.deepEqual(t.render("{{ query('dict', {'a': 1}) }}", {}), [{ key: 'a', value: 1 }]);
  assert.equal(t.render("{{ lookup('first_found', ['nope.txt', 'b.txt']) }}", {}), path.join(dir, 'b.txt'));
});

test('unknown lookups and undefined terms are errors', () => {
  const e = throwsCode(() => t.render("{{ lookup('fiel', 'a.txt') }}", {}), 'TEMPLATE', /unknown lookup plugin 'fiel'/);
  assert.match(e.hint ?? '', /did you mean 'file'/);
  throwsCode(() => t.render("{{ lookup('file', missing) }}", {}), 'UNDEFINED', /'missing'/);
  throwsCode(() => t.render('{{ lookup() }}', {}), 'TEMPLATE');
});
