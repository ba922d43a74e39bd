/**
 * Arguments that Ansible passes through (template's Jinja2 environment options and SELinux
 * context, the attributes of file and of the text-file modules, package's cache_valid_time) and
 * copy/template in check mode on a missing folder, run under ansible-playbook 2.14 and `kbs run`
 * on the workstation itself
 * (connection local, test/fixtures/modules-passthrough/passthrough.yml): the files written, their
 * Linux attributes, the shown messages and the recap must be the same.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';
import { kbs, results } from '../helpers/kbs.js';

const PB = resolve('test/fixtures/modules-passthrough/passthrough.yml');
let work: string;
let inv: string;

before(() => {
  work = mkdtempSync(join(tmpdir(), 'kbs-passthrough-'));
  inv = join(work, 'inv.ini');
  writeFileSync(inv, 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
});
after(() => {
  if (!work) return;
  // files with the A/e attributes are removed like others; clear them anyway so rm never trips
  for (const d of ['a', 'k']) if (existsSync(join(work, d, 'attr.txt'))) execFileSync('chattr', ['=', join(work, d, 'attr.txt')]);
  rmSync(work, { recursive: true, force: true });
});

/** name → content of every file (and the lsattr flags of each entry) under dir */
function tree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const flags = execFileSync('lsattr', ['-d', p], { encoding: 'utf8' }).split(' ')[0];
    out[name] = `${flags} ${existsSync(p) && !name.endsWith('dir') ? readFileSync(p, 'utf8') : ''}`;
  }
  return out;
}

test('template options, file attributes and package cache_valid_time as ansible-playbook; copy --check on a missing folder is a change', async () => {
  const a = join(work, 'a');
  const k = join(work, 'k');
  mkdirSync(a);
  mkdirSync(k);
  const ar = await ansiblePlaybook(['-i', inv, PB, '-e', `out=${a}`, '-v'], work);
  assert.equal(ar.code, 0, ar.out.slice(-4000));
  const kr = await kbs(['run', PB, '-i', inv, '-e', `out=${k}`]);
  assert.equal(kr.code, 0, kr.stdout.slice(-4000) + kr.stderr);
  assert.deepEqual(kr.recap, parseRecap(ar.out), 'recap');
  assert.deepEqual(tree(k), tree(a), 'files and their attributes');
  assert.equal(existsSync(join(k, 'missing')), false, 'check mode created nothing');

  const st = Object.fromEntries(results(kr).map((r) => [r.task, r.status]));
  assert.equal(st['copy into a missing folder in check mode'], 'changed');
  assert.equal(st['template into a missing folder in check mode'], 'changed');
  assert.equal(st['template with other delimiters'], 'changed');
  assert.equal(st['template with other delimiters again'], 'ok');
  assert.equal(st['set attribute A'], 'changed');
  assert.equal(st['set attributes exactly again'], 'ok');
  assert.equal(st['remove attribute A in check mode'], 'changed');
  assert.deepEqual(
    ['lineinfile with attributes', 'lineinfile with attributes exactly again', 'blockinfile with attributes', 'ini_file with attributes exactly again'].map((t) => st[t]),
    ['changed', 'ok', 'changed', 'ok'],
  );
  assert.deepEqual(
    ['copy with attributes', 'copy with attributes exactly again', 'copy force no leaves the attributes alone', 'template with attributes'].map((t) => st[t]),
    ['changed', 'ok', 'ok', 'changed'],
  );
  for (const f of ['lines.txt', 'conf.ini', 'copied.txt', 'templated.txt']) assert.match(execFileSync('lsattr', ['-d', join(k, f)], { encoding: 'utf8' }), /^-+A-+e-+ /, `A and e on ${f}`);
  const custom = readFileSync(join(k, 'custom.txt'), 'utf8');
  assert.match(custom, /^value=hello$/m);
  assert.match(custom, /\{\{ literal_braces \}\} and \{% not_a_block %\}/);
  assert.match(readFileSync(join(k, 'blocks-crlf.txt'), 'utf8'), /\r\n {2}n=1\r\n/);
  assert.match(execFileSync('lsattr', ['-d', join(k, 'attr.txt')], { encoding: 'utf8' }), /^-+A-+e-+ /, 'A and e set');
});
