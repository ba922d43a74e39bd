import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCtx, runModule, tempDir } from './modules/helper.js';

test('lineinfile replaces the last match, then is ok; keeps mode and owner', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'sshd_config');
    writeFileSync(path, '#PermitRootLogin yes\nPort 22\nPermitRootLogin yes\n');
    chmodSync(path, 0o600);
    chownSync(path, 65534, 65534);
    const args = { path, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' };
    const chk = await runModule('lineinfile', args, await makeCtx({ check: true, diff: true }));
    assert.deepEqual([chk.changed, chk.msg], [true, 'line replaced']);
    assert.match(readFileSync(path, 'utf8'), /PermitRootLogin yes\n$/);
    const d = (chk.diff as { before: string; after: string; before_header: string }[])[0];
    assert.equal(d.after, '#PermitRootLogin yes\nPort 22\nPermitRootLogin no\n');
    assert.equal(d.before_header, `${path} (content)`);

    const ctx = await makeCtx();
    const r = await runModule('lineinfile', args, ctx);
    assert.deepEqual([r.changed, r.msg], [true, 'line replaced']);
    assert.equal(readFileSync(path, 'utf8'), '#PermitRootLogin yes\nPort 22\nPermitRootLogin no\n');
    assert.equal(statSync(path).mode & 0o7777, 0o600);
    assert.equal(statSync(path).uid, 65534);
    const n = ctx.commands.length;
    const r2 = await runModule('lineinfile', args, ctx);
    assert.deepEqual([r2.changed, r2.msg], [false, '']);
    assert.equal(ctx.commands.length - n, 1, 'an unchanged file is one round trip');
    assert.equal(readdirSync(dir).length, 1);
  } finally {
    cleanup();
  }
});

test('lineinfile insertafter/insertbefore, create, backup, attributes', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'hosts');
    writeFileSync(path, '[web]\nweb1\n[db]\ndb1\n');
    const ctx = await makeCtx();
    let r = await runModule('lineinfile', { path, line: 'web2', insertafter: '^\\[web\\]' }, ctx);
    assert.equal(r.msg, 'line added');
    assert.equal(readFileSync(path, 'utf8'), '[web]\nweb2\nweb1\n[db]\ndb1\n');
    r = await runModule('lineinfile', { path, line: '# top', insertbefore: 'BOF', backup: 'yes' }, ctx);
    assert.equal(readFileSync(path, 'utf8').split('\n')[0], '# top');
    assert.match(String(r.backup), /hosts\.\d+\..*~$/);
    assert.ok(existsSync(String(r.backup)));
    r = await runModule('lineinfile', { path, line: 'db0', insertbefore: '^db1' }, ctx);
    assert.match(readFileSync(path, 'utf8'), /db0\ndb1\n$/);
    assert.equal((await runModule('lineinfile', { path, line: 'db0', insertbefore: '^db1' }, ctx)).changed, false);

    const created = join(dir, 'new', 'dir', 'file');
    await assert.rejects(Promise.resolve(runModule('lineinfile', { path: created, line: 'x' }, ctx)).then((x) => {
      if (x.failed) throw new Error(String(x.msg));
    }), /does not exist !/);
    r = await runModule('lineinfile', { path: created, line: 'x', create: true, mode: '0640', owner: 'nobody' }, ctx);
    assert.equal(r.changed, true);
    assert.equal(readFileSync(created, 'utf8'), 'x\n');
    assert.equal(statSync(created).mode & 0o7777, 0o640);
    assert.equal(statSync(created).uid, 65534);

    r = await runModule('lineinfile', { path: created, line: 'x', mode: '0644' }, await makeCtx({ diff: true }));
    assert.deepEqual([r.changed, r.msg], [true, 'ownership, perms or SE linux context changed']);
    assert.equal(statSync(created).mode & 0o7777, 0o644);
    assert.equal((r.diff as unknown[]).length, 2);
  } finally {
    cleanup();
  }
});

test('lineinfile backrefs, named groups, state=absent, symlinks edit the target', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'conf');
    writeFileSync(path, 'listen = 80\n# c1\nkeep\n# c2\n');
    const ctx = await makeCtx();
    let r = await runModule('lineinfile', { path, regexp: '^listen = (?P<port>\\d+)$', line: 'listen = 8\\g<port>', backrefs: true }, ctx);
    assert.equal(r.changed, true);
    assert.match(readFileSync(path, 'utf8'), /^listen = 880\n/);
    r = await runModule('lineinfile', { path, regexp: '^nomatch(.*)', line: '\\1', backrefs: true }, ctx);
    assert.equal(r.changed, false);
    r = await runModule('lineinfile', { path, regexp: '^#', state: 'absent' }, ctx);
    assert.deepEqual([r.changed, r.msg, r.found], [true, '2 line(s) removed', 2]);
    assert.equal(readFileSync(path, 'utf8'), 'listen = 880\nkeep\n');
    r = await runModule('lineinfile', { path: join(dir, 'none'), line: 'x', state: 'absent' }, ctx);
    assert.deepEqual([r.changed, r.msg], [false, 'file not present']);

    symlinkSync('conf', join(dir, 'link'));
    r = await runModule('lineinfile', { path: join(dir, 'link'), line: 'via link' }, ctx);
    assert.equal(r.changed, true);
    assert.match(readFileSync(path, 'utf8'), /via link\n$/);
    assert.ok(statSync(join(dir, 'link')).isFile());
  } finally {
    cleanup();
  }
});

test('lineinfile errors: bad regexp, directory, missing line', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'f');
    writeFileSync(path, 'a\n');
    const ctx = await makeCtx();
    await assert.rejects(runModule('lineinfile', { path, regexp: '(unclosed', line: 'x' }, ctx), /invalid regexp "\(unclosed"/);
    const d = await runModule('lineinfile', { path: dir, line: 'x' }, ctx);
    assert.deepEqual([d.failed, d.msg], [true, `Path ${dir} is a directory !`]);
    await assert.rejects(runModule('lineinfile', { path, regexp: 'a' }, ctx), /line is required/);
    await assert.rejects(runModule('lineinfile', { path, line: 'x', backrefs: true }, ctx), /regexp is required with backrefs/);
    await assert.rejects(runModule('lineinfile', { path, state: 'absent' }, ctx), /one of line, search_string, or regexp/);
  } finally {
    cleanup();
  }
});

test('lineinfile handles non-UTF-8 bytes byte for byte', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'latin1');
    const bytes = Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]); // "caf\xe9\n"
    writeFileSync(path, bytes);
    const ctx = await makeCtx();
    const r = await runModule('lineinfile', { path, line: 'tea' }, ctx);
    assert.equal(r.changed, true);
    assert.deepEqual(readFileSync(path), Buffer.concat([bytes, Buffer.from('tea\n')]));
    const u = await runModule('lineinfile', { path, regexp: '^tea', line: 'thé' }, ctx);
    assert.equal(u.changed, true);
    assert.deepEqual(readFileSync(path), Buffer.concat([bytes, Buffer.from('thé\n', 'utf8')]));
    assert.equal((await runModule('lineinfile', { path, regexp: '^th', line: 'thé' }, ctx)).changed, false);
  } finally {
    cleanup();
  }
});
