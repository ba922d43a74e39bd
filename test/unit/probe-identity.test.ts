/** The file probe (util/remote.ts): the identity line, kbs_dirname, sameAs — each saves processes on the host (bench findings). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { symlinkSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { join } from 'node:path';
import { DIRNAME_FN, parseProbe, probe, probeScript } from '../../src/modules/util/remote.js';
import { shq } from '../../src/transport/shell.js';
import type { ModuleContext } from '../../src/modules/types.js';
import { tempDir } from '../helpers/tmp.js';

test('parseProbe reads user and group from id output', () => {
  const p = parseProbe(Buffer.from('M\t0027\tuid=1001(ann) gid=1002(staff) groups=1002(staff),27(sudo)\n'));
  assert.equal(p.umask, 0o027);
  assert.equal(p.user, 'ann');
  assert.equal(p.group, 'staff');
});

test('parseProbe leaves names empty when the host has none for the ids', () => {
  const p = parseProbe(Buffer.from('M\t0022\tuid=4242 gid=4243 groups=4243\n'));
  assert.equal(p.user, '');
  assert.equal(p.group, '');
});

test('the probe script run by sh reports the current user', () => {
  const out = execFileSync('/bin/sh', ['-c', probeScript([{ tag: 'x', path: '/etc/hostname' }])]);
  const p = parseProbe(out);
  assert.equal(p.user, userInfo().username);
  assert.equal(p.umask, process.umask());
  assert.equal(p.files.x.exists, true);
});

test('kbs_dirname agrees with dirname(1) without spawning it', () => {
  const paths = ['/', '//', '/a', '/a/', '/a/b', '/a/b/', '/a//b//', 'a', 'a/', 'a/b', './a', '../a/b', '.', '..', '/a b/c d', '-x/y'];
  const script = DIRNAME_FN + paths.map((p) => `kbs_dirname ${shq(p)}; printf '%s\\n' "$kbs_dir"`).join('\n');
  const ours = execFileSync('/bin/sh', ['-c', script], { encoding: 'utf8' }).split('\n').slice(0, -1);
  const theirs = paths.map((p) => execFileSync('dirname', ['--', p], { encoding: 'utf8' }).replace(/\n$/, ''));
  assert.deepEqual(ours, theirs);
});

test('sameAs: a path that is not a symlink is stat-ed once; a symlink gets its own follow probe', () => {
  const dir = tempDir('kbs-probe-');
  writeFileSync(join(dir, 'f'), 'x');
  symlinkSync(join(dir, 'f'), join(dir, 'l'));
  const items = (p: string) => [
    { tag: 'l', path: p },
    { tag: 't', path: p, follow: true, sameAs: 'l' },
  ];
  const plain = execFileSync('/bin/sh', ['-c', probeScript(items(join(dir, 'f')))]);
  assert.equal(plain.toString().split('\nS\t').length, 2, 'one stat line');
  const pp = parseProbe(plain);
  assert.deepEqual(pp.files.t, pp.files.l);
  assert.equal(pp.files.t.type, 'file');
  const link = parseProbe(execFileSync('/bin/sh', ['-c', probeScript(items(join(dir, 'l')))]));
  assert.equal(link.files.l.type, 'link');
  assert.equal(link.files.t.type, 'file');
  const none = parseProbe(execFileSync('/bin/sh', ['-c', probeScript(items(join(dir, 'nothing')))]));
  assert.deepEqual([none.files.l.exists, none.files.t.exists], [false, false]);
});

test('probe(): the identity line is asked once per memo, then taken from it', async () => {
  const scripts: string[] = [];
  const memo = new Map<string, unknown>();
  const ctx = {
    memo,
    run: async (cmd: string) => {
      scripts.push(cmd);
      const out = execFileSync('/bin/sh', ['-c', cmd]);
      return { rc: 0, stdout: out.toString(), stderr: '', stdoutBuf: out };
    },
  } as unknown as ModuleContext;
  const a = await probe(ctx, [{ tag: 'x', path: '/etc/hostname' }]);
  const b = await probe(ctx, [{ tag: 'x', path: '/etc/hostname' }]);
  assert.match(scripts[0], /LC_ALL=C id/);
  assert.doesNotMatch(scripts[1], /LC_ALL=C id/);
  assert.deepEqual([b.umask, b.user, b.group], [a.umask, a.user, a.group]);
  assert.equal(b.user, userInfo().username);
});
