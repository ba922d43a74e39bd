import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readlinkSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCtx, runModule, tempDir } from './modules/helper.js';

const modeOf = (p: string) => statSync(p).mode & 0o7777;

test('file state=directory creates parents with mode/owner, then ok; check mode and diff', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'a', 'b', 'c');
    const chk = await runModule('file', { path, state: 'directory', mode: '0750' }, await makeCtx({ check: true, diff: true }));
    assert.equal(chk.changed, true);
    assert.equal(existsSync(join(dir, 'a')), false);
    const d = chk.diff as { before: string; after: string };
    assert.deepEqual(JSON.parse(d.before), { path, state: 'absent' });
    assert.deepEqual(JSON.parse(d.after), { path, state: 'directory' });

    const ctx = await makeCtx();
    const r = await runModule('file', { path, state: 'directory', mode: '0750', owner: 'nobody' }, ctx);
    assert.equal(r.changed, true);
    for (const p of [join(dir, 'a'), join(dir, 'a', 'b'), path]) {
      assert.equal(modeOf(p), 0o750, p);
      assert.equal(statSync(p).uid, 65534);
    }
    assert.equal(modeOf(dir), 0o700, 'existing parent untouched');
    const r2 = await runModule('file', { path, state: 'directory', mode: '0750', owner: 'nobody' }, ctx);
    assert.equal(r2.changed, false);
    assert.deepEqual([r2.mode, r2.owner, r2.state], ['0750', 'nobody', 'directory']);

    const r3 = await runModule('file', { path, state: 'directory', mode: 'u=rwx,g=,o=' }, await makeCtx({ diff: true }));
    assert.equal(r3.changed, true);
    assert.equal(modeOf(path), 0o700);
    assert.match((r3.diff as { before: string }).before, /"mode": "0750"/);

    writeFileSync(join(dir, 'plain'), '');
    await assert.rejects(runModule('file', { path: join(dir, 'plain'), state: 'directory' }, ctx), /already exists as a file/);
  } finally {
    cleanup();
  }
});

test('file recurse applies owner/group/mode below a folder, idempotently', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const root = join(dir, 'tree');
    mkdirSync(join(root, 'sub'), { recursive: true });
    writeFileSync(join(root, 'f1'), '1');
    writeFileSync(join(root, 'sub', 'f2'), '2');
    symlinkSync('f1', join(root, 'link'));
    const ctx = await makeCtx();
    const args = { path: root, state: 'directory', recurse: true, owner: 'nobody', group: 'nogroup', mode: 'u=rwX,g=rX,o=' };
    const chk = await runModule('file', args, await makeCtx({ check: true }));
    assert.equal(chk.changed, true);
    assert.equal(statSync(join(root, 'sub', 'f2')).uid, 0);
    const r = await runModule('file', args, ctx);
    assert.equal(r.changed, true);
    for (const p of ['', 'sub', 'f1', 'sub/f2']) assert.equal(statSync(join(root, p)).uid, 65534, p);
    assert.equal(lstatSync(join(root, 'link')).uid, 65534, 'the link itself');
    assert.equal(modeOf(join(root, 'sub')), 0o750);
    assert.equal(modeOf(join(root, 'sub', 'f2')), 0o640);
    const again = await runModule('file', args, ctx);
    assert.equal(again.changed, false);
    writeFileSync(join(root, 'sub', 'f3'), '3');
    assert.equal((await runModule('file', args, ctx)).changed, true, 'a new root-owned file is noticed');
  } finally {
    cleanup();
  }
});

test('file state=touch creates, always changes, preserve keeps times', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 't');
    const ctx = await makeCtx();
    const r = await runModule('file', { path, state: 'touch', mode: '0600' }, ctx);
    assert.equal(r.changed, true);
    assert.equal(modeOf(path), 0o600);
    utimesSync(path, 1000, 1000);
    const r2 = await runModule('file', { path, state: 'touch' }, ctx);
    assert.equal(r2.changed, true);
    assert.ok(statSync(path).mtimeMs > 1000 * 1000);
    utimesSync(path, 1000, 1000);
    const r3 = await runModule('file', { path, state: 'touch', access_time: 'preserve', modification_time: 'preserve' }, ctx);
    assert.equal(r3.changed, false);
    assert.equal(statSync(path).mtimeMs, 1000 * 1000);
    const r4 = await runModule('file', { path, state: 'file', modification_time: '202001021030.00' }, ctx);
    assert.equal(r4.changed, true);
    assert.equal(new Date(statSync(path).mtimeMs).getFullYear(), 2020);
    assert.equal((await runModule('file', { path, state: 'file', modification_time: '202001021030.00' }, ctx)).changed, false);
    const chk = await runModule('file', { path: join(dir, 'nope'), state: 'touch' }, await makeCtx({ check: true }));
    assert.equal(chk.changed, true);
    assert.equal(existsSync(join(dir, 'nope')), false);
  } finally {
    cleanup();
  }
});

test('file state=file sets attributes, fails on a missing file', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'f');
    writeFileSync(path, 'x');
    const ctx = await makeCtx({ diff: true });
    const r = await runModule('file', { path, mode: 'go-rwx', group: 'nogroup' }, ctx);
    assert.equal(r.changed, true);
    assert.equal(statSync(path).gid, 65534);
    assert.deepEqual(JSON.parse((r.diff as { after: string }).after), { path, mode: '0600', group: 'nogroup' });
    assert.equal((await runModule('file', { path, mode: 'go-rwx', group: 'nogroup' }, ctx)).changed, false);
    await assert.rejects(runModule('file', { path: join(dir, 'missing'), state: 'file' }, ctx), /is absent, cannot continue/);
    await assert.rejects(runModule('file', { path, mode: 'bogus' }, ctx), /octal or symbolic/);
  } finally {
    cleanup();
  }
});

test('file state=link and hard; force rules', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'target'), 'T');
    writeFileSync(join(dir, 'other'), 'O');
    const link = join(dir, 'l');
    const ctx = await makeCtx({ diff: true });
    const r = await runModule('file', { path: link, src: 'target', state: 'link' }, ctx);
    assert.equal(r.changed, true);
    assert.equal(readlinkSync(link), 'target');
    assert.equal((await runModule('file', { path: link, src: 'target', state: 'link' }, ctx)).changed, false);
    const re = await runModule('file', { path: link, src: join(dir, 'other'), state: 'link' }, ctx);
    assert.equal(re.changed, true);
    assert.equal(readlinkSync(link), join(dir, 'other'));
    assert.match((re.diff as { before: string }).before, /"src": "target"/);

    await assert.rejects(runModule('file', { path: join(dir, 'l2'), src: 'nothing', state: 'link' }, ctx), /src file does not exist/);
    const forced = await runModule('file', { path: join(dir, 'l2'), src: 'nothing', state: 'link', force: true }, ctx);
    assert.equal(forced.changed, true);
    await assert.rejects(runModule('file', { path: join(dir, 'target'), src: 'other', state: 'link' }, ctx), /refusing to convert from file to symlink/);

    const hard = join(dir, 'h');
    const h = await runModule('file', { path: hard, src: join(dir, 'target'), state: 'hard' }, ctx);
    assert.equal(h.changed, true);
    assert.equal(statSync(hard).ino, statSync(join(dir, 'target')).ino);
    assert.equal((await runModule('file', { path: hard, src: join(dir, 'target'), state: 'hard' }, ctx)).changed, false);

    const chk = await runModule('file', { path: join(dir, 'l3'), src: 'target', state: 'link' }, await makeCtx({ check: true }));
    assert.equal(chk.changed, true);
    assert.equal(existsSync(join(dir, 'l3')), false);
  } finally {
    cleanup();
  }
});

test('file state=absent removes files and trees; missing path is ok', async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'd', 'e'), { recursive: true });
    writeFileSync(join(dir, 'd', 'e', 'f'), 'x');
    const chk = await runModule('file', { path: join(dir, 'd'), state: 'absent' }, await makeCtx({ check: true }));
    assert.equal(chk.changed, true);
    assert.equal(existsSync(join(dir, 'd')), true);
    const ctx = await makeCtx({ diff: true });
    const r = await runModule('file', { path: join(dir, 'd'), state: 'absent' }, ctx);
    assert.equal(r.changed, true);
    assert.equal(existsSync(join(dir, 'd')), false);
    assert.deepEqual(JSON.parse((r.diff as { before: string }).before), { path: join(dir, 'd'), state: 'directory' });
    const r2 = await runModule('file', { dest: join(dir, 'd'), state: 'absent' }, ctx);
    assert.deepEqual([r2.changed, r2.state], [false, 'absent']);
  } finally {
    cleanup();
  }
});

test('file state=directory: parents made at the same moment by another task are not an error', async () => {
  const { dir, cleanup } = tempDir();
  try {
    // many hosts of one run sharing a filesystem (or two tasks racing) create the same parents
    for (let round = 0; round < 5; round++) {
      const base = join(dir, `r${round}`, 'shared', 'deep');
      const rs = await Promise.all(Array.from({ length: 8 }, async (_, i) => runModule('file', { path: join(base, `h${i}`), state: 'directory' }, await makeCtx())));
      for (const r of rs) assert.equal(r.changed, true);
      for (let i = 0; i < 8; i++) assert.ok(statSync(join(base, `h${i}`)).isDirectory());
    }
  } finally {
    cleanup();
  }
});
