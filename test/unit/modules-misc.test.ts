import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { getModule, moduleNames, canonicalModuleName } from '../../src/modules/registry.js';
import { makeCtx, runModule, tempDir } from './modules/helper.js';
import { VERBOSE_ALWAYS } from '../../src/modules/types.js';

test('stat reports Ansible keys; follow; checksum algorithms; missing path', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'f');
    writeFileSync(path, 'data');
    chownSync(path, 65534, 65534);
    chmodSync(path, 0o4750);
    symlinkSync('f', join(dir, 'l'));
    const ctx = await makeCtx();
    const r = await runModule('stat', { path }, ctx);
    const s = r.stat as Record<string, unknown>;
    assert.equal(r.changed, false);
    assert.deepEqual(
      [s.exists, s.mode, s.isreg, s.isdir, s.islnk, s.size, s.pw_name, s.gr_name, s.uid, s.isuid, s.xoth, s.rgrp],
      [true, '04750', true, false, false, 4, 'nobody', 'nogroup', 65534, true, false, true],
    );
    assert.equal(s.checksum, createHash('sha1').update('data').digest('hex'));
    assert.equal(typeof s.mtime, 'number');

    const l = (await runModule('stat', { path: join(dir, 'l'), checksum_algorithm: 'sha256' }, ctx)).stat as Record<string, unknown>;
    assert.deepEqual([l.islnk, l.lnk_target, l.lnk_source, l.checksum], [true, 'f', path, undefined]);
    const lf = (await runModule('stat', { path: join(dir, 'l'), follow: true, checksum_algorithm: 'sha256' }, ctx)).stat as Record<string, unknown>;
    assert.deepEqual([lf.islnk, lf.isreg, lf.checksum], [false, true, createHash('sha256').update('data').digest('hex')]);
    const d = (await runModule('stat', { path: dir, get_checksum: false }, ctx)).stat as Record<string, unknown>;
    assert.deepEqual([d.isdir, d.checksum], [true, undefined]);
    assert.deepEqual((await runModule('stat', { path: join(dir, 'missing') }, ctx)).stat, { exists: false });
  } finally {
    cleanup();
  }
});

test('slurp is binary safe and reports missing files', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const bytes = Buffer.from([0, 255, 10, 13, 128, 0]);
    writeFileSync(join(dir, 'b'), bytes);
    const ctx = await makeCtx();
    const r = await runModule('slurp', { src: join(dir, 'b') }, ctx);
    assert.deepEqual([r.encoding, r.source, r.changed], ['base64', join(dir, 'b'), false]);
    assert.deepEqual(Buffer.from(String(r.content), 'base64'), bytes);
    const m = await runModule('slurp', { path: join(dir, 'nope') }, ctx);
    assert.deepEqual([m.failed, m.msg], [true, `file not found: ${join(dir, 'nope')}`]);
    mkdirSync(join(dir, 'sub'));
    assert.match(String((await runModule('slurp', { src: join(dir, 'sub') }, ctx)).msg), /is a directory/);
  } finally {
    cleanup();
  }
});

test('set_fact hands facts to the engine', async () => {
  const ctx = await makeCtx();
  const r = await runModule('set_fact', { a: 1, b: { c: [1, 2] }, cacheable: 'yes' }, ctx);
  assert.deepEqual(r.ansible_facts, { a: 1, b: { c: [1, 2] } });
  assert.equal(r.changed, false);
  assert.deepEqual(ctx.facts, [{ facts: { a: 1, b: { c: [1, 2] } }, cacheable: true }]);
  await assert.rejects(runModule('set_fact', { 'bad-name': 1 }, ctx), /is not valid/);
  const t = await makeCtx({ vars: { prefix: 'node1' } });
  assert.deepEqual((await runModule('set_fact', { '{{ prefix }}_ip': '10.0.0.1' }, t)).ansible_facts, { node1_ip: '10.0.0.1' });
  await assert.rejects(runModule('set_fact', {}, ctx), /No key\/value pairs/);
});

test('debug: msg, var (native, dotted, undefined), verbosity', async () => {
  const ctx = await makeCtx({ vars: { foo: { bar: [1, 2] }, n: 3 } });
  assert.deepEqual(await runModule('debug', {}, ctx), { changed: false, msg: 'Hello world!' });
  assert.deepEqual(await runModule('debug', { msg: 'hi' }, ctx), { changed: false, msg: 'hi' });
  assert.deepEqual(await runModule('debug', { var: 'foo.bar' }, ctx), { changed: false, 'foo.bar': [1, 2] });
  assert.deepEqual(await runModule('debug', { var: 'nope' }, ctx), { changed: false, nope: 'VARIABLE IS NOT DEFINED!' });
  const v = await runModule('debug', { msg: 'x', verbosity: 2 }, ctx);
  assert.deepEqual([v.skipped, v.msg], [true, undefined]);
  const v2 = await runModule('debug', { msg: 'x', verbosity: 2 }, await makeCtx({ verbosity: 2 }));
  assert.equal(v2.msg, 'x');
  await assert.rejects(runModule('debug', { msg: 'x', var: 'n' }, ctx), /incompatible/);
});

test('assert: success, failure with assertion/evaluated_to, fail_msg', async () => {
  const ctx = await makeCtx({ vars: { n: 3, name: 'web' } });
  // shown by the views as Ansible's callback shows it (its _ansible_verbose_always), unless quiet
  assert.deepEqual(await runModule('assert', { that: ['n == 3', "name == 'web'"] }, ctx), { changed: false, msg: 'All assertions passed', [VERBOSE_ALWAYS]: true });
  const f = await runModule('assert', { that: ['n == 3', 'n > 5'] }, ctx);
  assert.deepEqual(f, { changed: false, failed: true, evaluated_to: false, assertion: 'n > 5', msg: 'Assertion failed' });
  const g = await runModule('assert', { that: 'n < 1', fail_msg: 'too big', success_msg: 'fine' }, ctx);
  assert.deepEqual([g.failed, g.msg], [true, 'too big']);
  const h = await runModule('assert', { that: 'n == 3', success_msg: 'fine', quiet: true }, ctx);
  assert.deepEqual(h, { changed: false, msg: 'fine' });
  await assert.rejects(runModule('assert', { that: 'undefined_thing == 1' }, ctx));
});

test('fail and meta', async () => {
  const ctx = await makeCtx();
  assert.deepEqual(await runModule('fail', {}, ctx), { changed: false, failed: true, msg: 'Failed as requested from task' });
  assert.equal((await runModule('fail', { msg: 'boom' }, ctx)).msg, 'boom');
  assert.deepEqual(await runModule('meta', { _raw_params: 'flush_handlers' }, ctx), { changed: false });
  await runModule('meta', { _raw_params: 'end_host' }, ctx);
  assert.deepEqual(ctx.metaCalls, ['flush_handlers', 'end_host']);
  const bad = await runModule('meta', { _raw_params: 'end_everything' }, ctx);
  assert.deepEqual([bad.failed, bad.msg], [true, 'invalid meta action requested: end_everything']);
  assert.deepEqual(ctx.metaCalls, ['flush_handlers', 'end_host']);
});

test('registry: names, prefixes, flags', () => {
  for (const n of ['command', 'shell', 'raw', 'copy', 'template', 'file', 'lineinfile', 'stat', 'slurp', 'set_fact', 'debug', 'assert', 'fail', 'meta']) {
    assert.ok(moduleNames().includes(n), n);
    assert.equal(canonicalModuleName(`ansible.builtin.${n}`), n);
  }
  assert.equal(getModule('command')?.freeForm, true);
  assert.equal(getModule('raw')?.noCheckMode, true);
  assert.equal(getModule('debug')?.local, true);
  assert.equal(getModule('copy')?.local, undefined);
});

test('schemas reject unknown args and wrong types, accept Ansible spellings and templates', () => {
  const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
  const ok = (name: string, args: unknown) => ajv.validate(getModule(name)!.schema, args);
  for (const n of moduleNames()) assert.doesNotThrow(() => ajv.compile(getModule(n)!.schema), n);
  assert.equal(ok('copy', { dest: '/x', content: 'a', mode: '0644', backup: 'yes', force: 'no' }), true);
  assert.equal(ok('copy', { dest: '/x', content: 'a', mode: 420, force: '{{ f }}' }), true);
  assert.equal(ok('copy', { dest: '/x', content: 'a', forse: true }), false);
  assert.equal(ok('copy', { content: 'a' }), false);
  assert.equal(ok('copy', { dest: '/x', backup: 'maybe' }), false);
  assert.equal(ok('file', { name: '/x', state: 'directory', recurse: true }), true);
  assert.equal(ok('file', { path: '/x', state: 'dir' }), false);
  assert.equal(ok('file', { state: 'directory' }), false);
  assert.equal(ok('lineinfile', { dest: '/x', regexp: 'a', line: 'b', firstmatch: 'True' }), true);
  assert.equal(ok('command', { _raw_params: 'ls', chdir: '/tmp', creates: '/x' }), true);
  assert.equal(ok('command', { _raw_params: 'ls', executible: '/bin/sh' }), false);
  assert.equal(ok('shell', { _raw_params: 'ls', argv: ['ls'] }), false);
  assert.equal(ok('set_fact', { anything: 1, cacheable: true }), true);
  assert.equal(ok('set_fact', { 'no-dash': 1 }), false);
  assert.equal(ok('set_fact', { '{{ x }}_y': 1 }), true);
  assert.equal(ok('debug', { msg: ['a', 'b'], verbosity: 1 }), true);
  assert.equal(ok('debug', { mgs: 'a' }), false);
  assert.equal(ok('assert', { that: ['a'], fail_msg: 'x' }), true);
  assert.equal(ok('assert', { fail_msg: 'x' }), false);
  assert.equal(ok('meta', { _raw_params: 'noop' }), true);
  assert.equal(ok('stat', { path: '/x', checksum_algorithm: 'sha256', get_mime: false }), true);
  assert.equal(ok('stat', { path: '/x', checksum_algorithm: 'crc32' }), false);
});

test('path args expand ~ and $VARS on the host', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ctx = await makeCtx({ env: { HOME: dir, KBS_SUB: 'sub' } });
    const r = await runModule('copy', { content: 'x', dest: '~/f' }, ctx);
    assert.equal(r.dest, join(dir, 'f'));
    const f = await runModule('file', { path: '$HOME/${KBS_SUB}', state: 'directory' }, ctx);
    assert.equal(f.path, join(dir, 'sub'));
    const s = (await runModule('stat', { path: '~/f' }, ctx)).stat as Record<string, unknown>;
    assert.deepEqual([s.exists, s.path], [true, join(dir, 'f')]);
    const c = await runModule('command', { cmd: 'true', creates: '~/f' }, ctx);
    assert.equal(c.changed, false);
    const p = await runModule('command', { cmd: 'pwd', chdir: '~/sub' }, ctx);
    assert.equal(p.stdout, join(dir, 'sub'));
  } finally {
    cleanup();
  }
});
