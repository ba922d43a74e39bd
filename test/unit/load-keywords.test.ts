/**
 * The loader's side of Ansible keywords: play vars as a list, templated play keywords, the legacy
 * include, import_tasks in handlers, notify on blocks, arguments as one expression, templated
 * set_fact keys, !unsafe values, when on import_playbook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import type { BlockNode, IncludeNode, Play, TaskNode } from '../../src/load/model.js';
import { parseKv } from '../../src/load/kv.js';
import { createTemplater } from '../../src/template/index.js';

function load(files: Record<string, string>): Play[] {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-load-kw-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return loadPlaybook(join(dir, 'site.yml')).plays;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('play keywords: vars list, templated serial/strategy/any_errors_fatal, inherited keywords', () => {
  const [p] = load({
    'site.yml':
      '- hosts: all\n  vars: [{a: 1}, {a: 2, b: 3}]\n  serial: "{{ s }}"\n  strategy: "{{ st }}"\n  any_errors_fatal: "{{ f }}"\n' +
      '  run_once: true\n  throttle: 2\n  timeout: 9\n  module_defaults: {debug: {msg: d}}\n  tasks: []\n',
  });
  assert.deepEqual(p.vars, { a: 2, b: 3 });
  assert.deepEqual(p.serial, ['{{ s }}']);
  assert.equal(p.strategy, '{{ st }}');
  assert.equal(p.anyErrorsFatal, false);
  assert.deepEqual(p.keywords, { run_once: true, throttle: 2, timeout: 9, module_defaults: { debug: { msg: 'd' } }, any_errors_fatal: '{{ f }}' });
  assert.throws(() => load({ 'site.yml': '- hosts: all\n  strategy: free\n' }), /strategy "free" is not supported/);
});

test('legacy include: static with vars when literal, dynamic when templated or looped', () => {
  const [p] = load({
    'site.yml': '- hosts: all\n  tasks:\n    - include: t.yml x=1\n      when: c\n    - include: "{{ f }}"\n    - include: t.yml\n      loop: [1]\n',
    't.yml': '- name: inner\n  debug: msg=hi\n',
  });
  const st = p.tasks[0] as BlockNode;
  assert.equal(st.kind, 'block');
  assert.deepEqual(st.kw, { when: 'c', vars: { x: '1' } });
  assert.equal((st.block[0] as TaskNode).kw.name, 'inner');
  assert.equal((p.tasks[1] as IncludeNode).kind, 'include_tasks');
  assert.deepEqual((p.tasks[1] as IncludeNode).args, { file: '{{ f }}' });
  assert.equal((p.tasks[2] as IncludeNode).kind, 'include_tasks');
});

test('import_tasks in handlers: each task is a handler, with the import keywords', () => {
  const [p] = load({
    'site.yml': '- hosts: all\n  tasks:\n    - command: "true"\n      notify: [h1, topic]\n  handlers:\n    - import_tasks: h.yml\n      when: c\n',
    'h.yml': '- name: h1\n  debug: msg=1\n  when: d\n- name: h2\n  debug: msg=2\n  listen: topic\n',
  });
  assert.deepEqual(
    p.handlers.map((h) => [h.kind, h.kw.name, h.kw.when, h.listen]),
    [
      ['task', 'h1', ['c', 'd'], undefined],
      ['task', 'h2', ['c'], ['topic']],
    ],
  );
  assert.throws(() => load({ 'site.yml': '- hosts: all\n  handlers:\n    - include: "{{ f }}"\n' }), /dynamic include is not supported in handlers/);
});

test('notify on a block is checked against the handlers', () => {
  const [p] = load({ 'site.yml': '- hosts: all\n  tasks:\n    - block:\n        - command: "true"\n      notify: h\n  handlers:\n    - name: h\n      debug: msg=x\n' });
  assert.deepEqual((p.tasks[0] as BlockNode).kw.notify, ['h']);
  try {
    load({ 'site.yml': '- hosts: all\n  tasks:\n    - block:\n        - command: "true"\n      notify: nope\n' });
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof KbsError);
    assert.match(e.message, /no handler named "nope"/);
  }
});

test('arguments as one expression are kept for the run; written-out arguments stay beside them', () => {
  const [p] = load({
    'site.yml': '- hosts: all\n  tasks:\n    - copy: "{{ a }}"\n    - copy:\n      args: "{{ b }}"\n    - copy: "{{ a }}"\n      args: {dest: /x}\n    - command: "{{ cmd }}"\n',
  });
  const args = p.tasks.map((t) => (t as TaskNode).args);
  assert.deepEqual(args, [{ _variable_params: '{{ a }}' }, { _variable_params: '{{ b }}' }, { dest: '/x', _variable_params: '{{ a }}' }, { _raw_params: '{{ cmd }}' }]);
});

test('k=v with a templated key (set_fact), not for free-form modules', () => {
  assert.deepEqual(parseKv("{{ 'ff' }}=1 b=2", { freeForm: false }), { "{{ 'ff' }}": '1', b: '2' });
  assert.deepEqual(parseKv("{{ 'ff' }}=1", { freeForm: true, options: new Set(['chdir']) }), { _raw_params: "{{ 'ff' }}=1" });
  assert.deepEqual(parseKv('msg={{ a == b }}', { freeForm: false }), { msg: '{{ a == b }}' });
});

test('!unsafe values render to their own text, once', () => {
  const [p] = load({ 'site.yml': '- hosts: all\n  vars:\n    u: !unsafe "{{ x }}"\n    l: !unsafe ["{% if %}", plain]\n    m: !unsafe {k: "{{ y }}"}\n    n: !unsafe plain\n' });
  const t = createTemplater();
  assert.deepEqual(t.render(p.vars, {}), { u: '{{ x }}', l: ['{% if %}', 'plain'], m: { k: '{{ y }}' }, n: 'plain' });
});

test('when on import_playbook: the imported plays carry it', () => {
  const plays = load({
    'site.yml': '- import_playbook: other.yml\n  when: flag\n',
    'other.yml': '- hosts: all\n  tasks:\n    - debug: msg=x\n',
  });
  assert.deepEqual(plays[0].importWhen, ['flag']);
  const wrapper = plays[0].tasks[0] as BlockNode;
  assert.equal(wrapper.kind, 'block');
  assert.equal(wrapper.kw.when, 'flag');
});
