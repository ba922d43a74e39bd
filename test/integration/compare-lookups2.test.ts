/**
 * Lookups compared with ansible-playbook 2.14 (connection local): pipe and lines (run on the
 * workstation), template with template_vars, other delimiters and convert_data, vars with
 * default, varnames, the errors= option (strict, warn, ignore), wantlist and query, empty results.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal, writeTree } from '../helpers/compare-local.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-lookups2-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const INV = `[web]\nw1\nw2\n[all:vars]\nansible_connection=local\nansible_python_interpreter=/usr/bin/python3\n`;

const PB = `
- hosts: w1
  gather_facts: false
  vars:
    who: world
    myname: n
    name_x: 1
    x: true
  tasks:
    - name: empty lookup
      debug:
        msg: "{{ lookup('fileglob', 'none/*') }}"
    - name: empty lookup is a list
      debug:
        msg: "{{ lookup('fileglob', 'none/*') | type_debug }}"
    - name: ignore
      debug:
        msg: "{{ lookup('file', 'missing.txt', errors='ignore') is none }}"
    - name: ignore wantlist
      debug:
        msg: "{{ lookup('file', 'missing.txt', errors='ignore', wantlist=True) }}"
    - name: warn
      debug:
        msg: "{{ lookup('file', 'missing.txt', errors='warn') is none }}"
    - name: query ignore
      debug:
        msg: "{{ query('file', 'missing.txt', errors='ignore') }}"
    - name: fail strict
      debug:
        msg: "{{ lookup('file', 'missing.txt', errors='strict') }}"
      ignore_errors: true
    - name: fail other errors value
      debug:
        msg: "{{ lookup('file', 'missing.txt', errors='nope') }}"
      ignore_errors: true
    - name: fail undefined with errors ignore
      debug:
        msg: "{{ lookup('vars', 'nope', errors='ignore') }}"
      ignore_errors: true
    - name: pipe
      debug:
        msg: "{{ lookup('pipe', 'echo hi; echo there', 'pwd') }}"
    - name: pipe query
      debug:
        msg: "{{ query('pipe', 'printf \\"a\\n\\n\\"') }}"
    - name: fail pipe
      debug:
        msg: "{{ lookup('pipe', 'exit 3') }}"
      ignore_errors: true
    - name: lines
      debug:
        msg: "{{ query('lines', 'printf \\"a\\nb\\n\\"', 'echo c') }}"
    - name: lines lookup
      debug:
        msg: "{{ lookup('lines', 'printf \\"a\\nb\\n\\"') }}"
    - name: fail lines
      debug:
        msg: "{{ lookup('lines', 'false') }}"
      ignore_errors: true
    - name: loop over query lines
      debug:
        msg: "{{ item }}"
      loop: "{{ query('lines', 'printf \\"x\\ny\\n\\"') }}"
    - name: with_lines
      debug:
        msg: "{{ item }}"
      with_lines: printf "l1\\nl2\\n"
    - name: with_pipe
      debug:
        msg: "{{ item }}"
      with_pipe: ["echo p1", "echo p2"]
    - name: template
      debug:
        msg: "{{ lookup('template', 't.j2') }}"
    - name: template vars and strings
      debug:
        msg: "{{ lookup('template', 't.j2', template_vars={'who': 'you'}, variable_start_string='[[', variable_end_string=']]', comment_start_string='<#', comment_end_string='#>') }}"
    - name: template block strings are not options of the lookup
      debug:
        msg: "{{ lookup('template', 'blk.j2', block_start_string='[%', block_end_string='%]', template_vars={'tv': 7}) }}"
    - name: template convert_data
      debug:
        msg: "{{ lookup('template', 'list.j2') | type_debug }} {{ lookup('template', 'list.j2', convert_data=False) is string }}"
    - name: template query
      debug:
        msg: "{{ query('template', 'list.j2') }}"
    - name: template path
      debug:
        msg: "{{ lookup('template', 'path.j2') | replace(playbook_dir + '/', '') }}"
    - name: fail template missing
      debug:
        msg: "{{ lookup('template', 'nope.j2') }}"
      ignore_errors: true
    - name: varnames
      debug:
        msg: "{{ q('varnames', 'name') | sort }} {{ q('varnames', '.*name$') | sort }} {{ lookup('varnames', '^who$') }}"
    - name: vars default
      debug:
        msg: "{{ lookup('vars', 'nope', default='dflt') }} {{ lookup('vars', 'who', 'myname') }} {{ q('vars', 'who') }}"
    - name: fail vars missing
      debug:
        msg: "{{ lookup('vars', 'nope') }}"
      ignore_errors: true
    - name: vars magic
      debug:
        msg: "{{ lookup('vars', 'inventory_hostname') }} {{ lookup('vars', 'ansible_play_hosts') }} {{ lookup('vars', 'tmpl') }}"
      vars: {tmpl: "{{ who }}!"}
    - name: env
      debug:
        msg: "{{ lookup('env', 'KBS_LOOKUPS2_ENV', 'KBS_LOOKUPS2_NOPE', default='d') }}"
    - name: file lookup list
      debug:
        msg: "{{ lookup('file', 'f1.txt', 'f2.txt') }} {{ query('file', 'f1.txt') }}"
    - name: first_found errors
      debug:
        msg: "{{ lookup('first_found', ['x', 'y'], errors='ignore') is none }}"
    - name: sequence wantlist
      debug:
        msg: "{{ lookup('sequence', 'count=2', wantlist=True) }} {{ lookup('sequence', 'count=2') }}"
    - name: items dict lookup
      debug:
        msg: "{{ lookup('dict', {'a': 1}) }} {{ lookup('items', [1, 2]) }} {{ lookup('indexed_items', ['a']) }}"
`;

/** what both must say for each failing task */
const FAILS: Record<string, RegExp> = {
  'fail strict': /could not locate file in lookup: missing.txt/,
  'fail other errors value': /could not locate file in lookup: missing.txt/,
  'fail undefined with errors ignore': /nope/,
  'fail pipe': /lookup_plugin\.pipe\(exit 3\) returned 3/,
  'fail lines': /lookup_plugin\.lines\(false\) returned 1/,
  'fail template missing': /the template file nope\.j2 could not be found for the lookup/,
  'fail vars missing': /nope/,
};

test('pipe, lines, template, vars, varnames and errors= as ansible-playbook', async () => {
  const d = join(dir, 'lk');
  writeTree(d, {
    'inv.ini': INV,
    'pb.yml': PB,
    'templates/t.j2': 'Hello {{ who }} [[ who ]] {# c #} <# d #>\n',
    'templates/list.j2': '{{ [1, 2] }}',
    'templates/blk.j2': '[% if x %]yes[% endif %] {{ tv }}\n',
    'templates/path.j2': '{{ template_path }}',
    'files/f1.txt': 'one\n',
    'files/f2.txt': 'two\n',
  });
  process.env.KBS_LOOKUPS2_ENV = 'env-value';
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  assert.ok(Object.keys(r.ansible).length >= 30, 'ansible ran every task');
  for (const [task, re] of Object.entries(FAILS)) {
    assert.match(String(r.ansible[task]?.w1), re, `ansible: ${task}`);
    assert.match(String(r.kbs[task]?.w1), re, `kbs: ${task}`);
    delete r.ansible[task];
    delete r.kbs[task];
  }
  assert.deepEqual(r.kbs, r.ansible);
  assert.equal(r.kbs.pipe.w1, `hi\nthere,${d}`);
  assert.match(r.ansibleOut, /\[WARNING\]: An unhandled exception occurred while running the lookup/);
  assert.match(r.kbsOut, /"type":"warning","msg":"the lookup plugin 'file' failed, ignored as errors=warn asks: [^"]*missing.txt/);
});
