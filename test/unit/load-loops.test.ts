/** with_<lookup> loops in the loader: kept as the lookup's name and raw terms; one loop per task. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import type { TaskNode } from '../../src/load/model.js';

function load(tasks: string): TaskNode[] {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-load-loops-'));
  try {
    writeFileSync(join(dir, 'site.yml'), `- hosts: all\n  tasks:\n${tasks}`);
    return loadPlaybook(join(dir, 'site.yml')).plays[0].tasks as TaskNode[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('with_<lookup> keeps the lookup name and its terms untouched', () => {
  const [a, b, c] = load(
    '    - debug: msg={{ item }}\n      with_sequence: start=1 end=3\n' +
      '    - debug: msg={{ item }}\n      with_subelements: ["{{ users }}", keys]\n' +
      '    - debug: msg={{ item }}\n      with_dict: {a: 1}\n      loop_control: {extended: true, extended_allitems: "{{ x }}"}\n',
  );
  assert.deepEqual(a.kw, { loop_with: 'sequence', loop: 'start=1 end=3' });
  assert.deepEqual(b.kw, { loop_with: 'subelements', loop: ['{{ users }}', 'keys'] });
  assert.deepEqual(c.kw, { loop_with: 'dict', loop: { a: 1 }, loop_control: { extended: true, extended_allitems: '{{ x }}' } });
});

test('two loops on one task are refused with the position of the second', () => {
  for (const second of ['loop: [1]', 'with_items: [1]', 'with_nested: [[1]]']) {
    try {
      load(`    - debug: msg=x\n      with_dict: {a: 1}\n      ${second}\n`);
      assert.fail('expected an error');
    } catch (e) {
      assert.ok(e instanceof KbsError);
      assert.match(e.message, /only one loop/);
    }
  }
});
