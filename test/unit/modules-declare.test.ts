/**
 * declareArgs (src/modules/util/declare.ts): the schema and the typed reader from one
 * declaration, and the modules moved onto it keeping their messages.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { declareArgs } from '../../src/modules/util/declare.js';
import { lineinfile } from '../../src/modules/lineinfile.js';
import { file } from '../../src/modules/file.js';

test('a required argument with aliases: any of its names satisfies the schema and the reader', () => {
  const d = declareArgs({ path: { type: 'str', required: true, aliases: ['dest'] }, x: { type: 'str', required: true } });
  assert.deepEqual(d.schema.required, ['x']);
  assert.deepEqual(d.schema.anyOf, [{ required: ['path'] }, { required: ['dest'] }]);
  assert.equal(d.read({ dest: '/a', x: '1' }).path, '/a');
  assert.throws(() => d.read({ x: '1' }), /missing required argument: path/);
});

test('mode arguments are parsed; a bad mode is refused with the mode message', () => {
  const d = declareArgs({ mode: { type: 'mode' } });
  assert.deepEqual(d.read({ mode: '0644' }).mode, { kind: 'octal', value: 0o644 });
  assert.deepEqual(d.read({ mode: 'u=rw' }).mode, { kind: 'symbolic', spec: 'u=rw' });
  assert.equal(d.read({}).mode, undefined);
  assert.throws(() => d.read({ mode: 'rwx' }), /mode must be in octal or symbolic form/);
});

test('exclusive sets: a bool counts only when true; aliases count as their argument', () => {
  const d = declareArgs({ a: { type: 'bool' }, b: { type: 'str', aliases: ['bb'] } }, { exclusive: [['a', 'b']] });
  assert.doesNotThrow(() => d.read({ a: false, b: 'x' }));
  assert.throws(() => d.read({ a: 'yes', bb: 'x' }), /parameters are mutually exclusive: a\|b/);
});

test('moved modules: lineinfile and file keep their schema and messages', () => {
  assert.deepEqual(lineinfile.schema.anyOf, [{ required: ['path'] }, { required: ['dest'] }, { required: ['destfile'] }, { required: ['name'] }]);
  const props = lineinfile.schema.properties as Record<string, unknown>;
  for (const k of ['regex', 'value', 'mode', 'owner', 'unsafe_writes', 'firstmatch']) assert.ok(k in props, k);
  assert.ok(!('content' in props));
  const fprops = file.schema.properties as Record<string, unknown>;
  for (const k of ['attr', 'attributes', 'setype', 'access_time_format', 'dest', 'name']) assert.ok(k in fprops, k);
});

test('apt: one declaration gives its reader: lists split on commas, upgrade no is no upgrade, install_recommends stays unset', async () => {
  const { readArgs, apt } = await import('../../src/modules/apt.js');
  const a = readArgs({ name: 'curl, git=1:2.39*', update_cache: 'yes' });
  assert.deepEqual(a.packages, ['curl', 'git=1:2.39*']);
  assert.equal(a.updateCache, true);
  assert.equal(a.opts.installRecommends, undefined);
  assert.equal(readArgs({ pkg: 'x', install_recommends: 'no' }).opts.installRecommends, false);
  assert.equal(readArgs({ deb: '/x.deb', upgrade: 'no' }).upgrade, undefined);
  assert.equal(readArgs({ upgrade: true }).upgrade, 'yes');
  assert.equal(readArgs({ upgrade: 'dist', cache_valid_time: '3600' }).cacheValidTime, 3600);
  assert.throws(() => readArgs({ upgrade: 'yes', pkg: 'x' }), /parameters are mutually exclusive: deb\|package\|upgrade/);
  assert.throws(() => readArgs({ upgrade: 'sometimes' }), /value of upgrade must be one of: dist, full, no, safe, yes, got: sometimes/);
  assert.throws(() => readArgs({ name: 'x', lock_timeout: 'soon' }), /lock_timeout: "soon" is not a valid integer/);
  const props = apt.schema.properties as Record<string, unknown>;
  for (const k of ['name', 'package', 'pkg', 'update-cache', 'allow-downgrades', 'install-recommends']) assert.ok(k in props, k);
});

test('systemd and cron: declared sets and optional bools', async () => {
  const { readSystemdArgs } = await import('../../src/modules/systemd.js');
  assert.equal(readSystemdArgs({ name: 'x' }).enabled, undefined);
  assert.equal(readSystemdArgs({ unit: 'x', enabled: 'no' }).enabled, false);
  assert.equal(readSystemdArgs({ 'daemon-reload': true }).daemonReload, true);
  assert.throws(() => readSystemdArgs({ daemon_reload: false }), /one of the following is required: name, daemon_reload, daemon_reexec/);
  assert.throws(() => readSystemdArgs({ daemon_reload: true, state: 'started' }), /missing required argument: name \(state, enabled and masked need a unit\)/);
  assert.throws(() => readSystemdArgs({ name: 'x', scope: 'global', state: 'started' }), /state cannot be used with scope=global/);
  const { cron } = await import('../../src/modules/cron.js');
  const ctx = { check: true, diff: false, run: async () => ({ rc: 0, stdout: '', stderr: '' }) } as never;
  await assert.rejects(cron.run({ name: 'n', job: 'j', env: true, insertafter: 'A', insertbefore: 'B' }, ctx), /parameters are mutually exclusive: insertafter\|insertbefore/);
});

test('timezone: its required-one-of set is in the schema too (checked at load)', async () => {
  const { timezone } = await import('../../src/modules/timezone.js');
  assert.deepEqual(timezone.schema.anyOf, [{ required: ['hwclock'] }, { required: ['rtc'] }, { required: ['name'] }]);
  const ctx = { check: true, diff: false, run: async () => ({ rc: 0, stdout: '', stderr: '' }) } as never;
  await assert.rejects(timezone.run({}, ctx), /one of the following is required: hwclock, name/);
});

test('apt_key: data|file|keyserver|url declared exclusive, refused before any command', async () => {
  const { apt_key } = await import('../../src/modules/apt_key.js');
  const ran: string[] = [];
  const ctx = { check: false, diff: false, run: async (c: string) => (ran.push(c), { rc: 0, stdout: '', stderr: '' }) } as never;
  await assert.rejects(apt_key.run({ url: 'https://x/k.asc', data: 'KEY' }, ctx), /parameters are mutually exclusive: data\|file\|keyserver\|url/);
  assert.deepEqual(ran, []);
});
