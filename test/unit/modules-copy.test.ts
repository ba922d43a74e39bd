import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTemplater, makeCtx, runModule, tempDir } from './modules/helper.js';

const modeOf = (p: string) => statSync(p).mode & 0o7777;
const sha1 = (s: string) => createHash('sha1').update(s).digest('hex');

test('copy content: changed, then ok; mode number 420 is 0644; check mode changes nothing', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'a.conf');
    const chk = await runModule('copy', { content: 'hello\n', dest, mode: 420 }, await makeCtx({ check: true, diff: true }));
    assert.equal(chk.changed, true);
    assert.equal(existsSync(dest), false, 'check mode wrote the file');
    const d = (chk.diff as { before: string; after: string; after_header: string }[])[0];
    assert.deepEqual([d.before, d.after, d.after_header], ['', 'hello\n', 'dynamically generated']);

    const ctx = await makeCtx();
    const r1 = await runModule('copy', { content: 'hello\n', dest, mode: 420 }, ctx);
    assert.equal(r1.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'hello\n');
    assert.equal(modeOf(dest), 0o644);
    assert.equal(r1.checksum, sha1('hello\n'));
    assert.deepEqual([r1.mode, r1.size, r1.state, r1.dest], ['0644', 6, 'file', dest]);

    const n = ctx.commands.length;
    const r2 = await runModule('copy', { content: 'hello\n', dest, mode: '0644' }, ctx);
    assert.equal(r2.changed, false);
    assert.equal(ctx.commands.length - n, 1, 'an unchanged copy is one round trip');
    assert.equal(readdirSync(dir).length, 1, 'no temp files left behind');
  } finally {
    cleanup();
  }
});

test('copy: content diff, mode-only change, owner/group, backup', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'b.conf');
    writeFileSync(dest, 'old\n');
    chmodSync(dest, 0o600);
    const ctx = await makeCtx({ diff: true });
    const r = await runModule('copy', { content: 'new\n', dest, backup: true }, ctx);
    assert.equal(r.changed, true);
    assert.equal(modeOf(dest), 0o600, 'an existing file keeps its mode');
    const d = (r.diff as { before: string; after: string }[])[0];
    assert.deepEqual([d.before, d.after], ['old\n', 'new\n']);
    const backup = String(r.backup_file);
    assert.match(backup, /b\.conf\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/);
    assert.equal(readFileSync(backup, 'utf8'), 'old\n');

    const m = await runModule('copy', { content: 'new\n', dest, mode: 'u=rw,g=r,o=r', owner: 'nobody', group: 'nogroup' }, ctx);
    assert.equal(m.changed, true);
    assert.equal(modeOf(dest), 0o644);
    assert.equal(statSync(dest).uid, 65534);
    assert.equal(statSync(dest).gid, 65534);
    const ad = (m.diff as { before: string; after: string }[])[0];
    assert.match(ad.before, /"mode": "0600"/);
    assert.match(ad.after, /"owner": "nobody"/);
    const again = await runModule('copy', { content: 'new\n', dest, mode: 'u=rw,g=r,o=r', owner: 'nobody', group: 'nogroup' }, ctx);
    assert.equal(again.changed, false);
    const suid = await runModule('copy', { content: 'new\n', dest, mode: '04755', owner: 'root' }, ctx);
    assert.equal(suid.changed, true);
    assert.equal(modeOf(dest), 0o4755, 'chown must not clear the setuid bit');
    await runModule('copy', { content: 'new\n', dest, owner: 'nobody', mode: '0644' }, ctx);
    // new content keeps the owner
    await runModule('copy', { content: 'newer\n', dest }, ctx);
    assert.equal(statSync(dest).uid, 65534);
  } finally {
    cleanup();
  }
});

test('copy src from files/, dest folder, force: no, missing src', async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'files'));
    mkdirSync(join(dir, 'out'));
    writeFileSync(join(dir, 'files', 'motd'), 'welcome\n');
    const ctx = await makeCtx({ base: dir });
    const r = await runModule('copy', { src: 'motd', dest: join(dir, 'out') }, ctx);
    assert.equal(r.dest, join(dir, 'out', 'motd'));
    assert.equal(readFileSync(join(dir, 'out', 'motd'), 'utf8'), 'welcome\n');
    const r2 = await runModule('copy', { src: 'motd', dest: join(dir, 'new', 'sub') + '/' }, ctx);
    assert.equal(r2.changed, true);
    assert.equal(readFileSync(join(dir, 'new', 'sub', 'motd'), 'utf8'), 'welcome\n');

    const keep = join(dir, 'keep');
    writeFileSync(keep, 'mine');
    const f = await runModule('copy', { content: 'theirs', dest: keep, force: 'no' }, ctx);
    assert.equal(f.changed, false);
    assert.equal(readFileSync(keep, 'utf8'), 'mine');

    await assert.rejects(runModule('copy', { src: 'nope.txt', dest: join(dir, 'x') }, ctx), /could not find or access 'nope.txt'/);
    await assert.rejects(runModule('copy', { content: 'x', dest: join(dir, 'no', 'such', 'dir', 'f') }, ctx), /Destination directory .* does not exist/);
    await assert.rejects(runModule('copy', { content: 'x', dest: join(dir, 'out') }, ctx), /can not use content with a dir as dest/);
  } finally {
    cleanup();
  }
});

test('copy: validate runs on the temp file before the rename', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'v.conf');
    writeFileSync(dest, 'good\n');
    const ctx = await makeCtx();
    await assert.rejects(runModule('copy', { content: 'bad\n', dest, validate: 'grep -q good %s' }, ctx), /failed to validate/);
    assert.equal(readFileSync(dest, 'utf8'), 'good\n');
    assert.deepEqual(readdirSync(dir), ['v.conf'], 'temp file removed');
    const ok = await runModule('copy', { content: 'good too\n', dest, validate: 'grep -q good %s' }, ctx);
    assert.equal(ok.changed, true);
    await assert.rejects(runModule('copy', { content: 'x', dest, validate: 'true' }, ctx), /validate must contain %s/);
  } finally {
    cleanup();
  }
});

test('copy: remote_src, binary content, recursive folder', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const src = join(dir, 'bin.dat');
    const bytes = Buffer.from([0, 1, 2, 255, 10, 13, 0]);
    writeFileSync(src, bytes);
    const ctx = await makeCtx();
    const r = await runModule('copy', { src, dest: join(dir, 'copy.dat'), remote_src: true }, ctx);
    assert.equal(r.changed, true);
    assert.deepEqual(readFileSync(join(dir, 'copy.dat')), bytes);
    assert.equal((await runModule('copy', { src, dest: join(dir, 'copy.dat'), remote_src: true }, ctx)).changed, false);

    mkdirSync(join(dir, 'files', 'tree', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'files', 'tree', 'a'), 'A');
    writeFileSync(join(dir, 'files', 'tree', 'sub', 'b'), bytes);
    const tctx = await makeCtx({ base: dir });
    const t = await runModule('copy', { src: 'tree', dest: join(dir, 'dst') }, tctx);
    assert.equal(t.changed, true);
    assert.equal(readFileSync(join(dir, 'dst', 'tree', 'a'), 'utf8'), 'A');
    assert.deepEqual(readFileSync(join(dir, 'dst', 'tree', 'sub', 'b')), bytes);
    assert.equal((await runModule('copy', { src: 'tree', dest: join(dir, 'dst') }, tctx)).changed, false);
    const c = await runModule('copy', { src: 'tree/', dest: join(dir, 'flat') }, tctx);
    assert.equal(c.changed, true);
    assert.equal(readFileSync(join(dir, 'flat', 'a'), 'utf8'), 'A');
  } finally {
    cleanup();
  }
});

test('template renders with the task vars and is idempotent', async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'app.conf.j2'), 'name={{ app.name }}\nport={{ port }}\n');
    const dest = join(dir, 'app.conf');
    const vars = { app: { name: 'web' }, port: 8080 };
    const chk = await runModule('template', { src: 'app.conf.j2', dest }, await makeCtx({ base: dir, vars, check: true, diff: true }));
    assert.equal(chk.changed, true);
    assert.equal(existsSync(dest), false);
    assert.equal((chk.diff as { after: string }[])[0].after, 'name=web\nport=8080\n');

    const ctx = await makeCtx({ base: dir, vars });
    const r = await runModule('template', { src: 'app.conf.j2', dest, mode: '0640' }, ctx);
    assert.equal(r.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'name=web\nport=8080\n');
    assert.equal(modeOf(dest), 0o640);
    assert.equal((await runModule('template', { src: 'app.conf.j2', dest, mode: '0640' }, ctx)).changed, false);

    const crlf = await runModule('template', { src: 'app.conf.j2', dest: join(dir, 'win.conf'), newline_sequence: '\r\n' }, ctx);
    assert.equal(crlf.changed, true);
    assert.equal(readFileSync(join(dir, 'win.conf'), 'utf8'), 'name=web\r\nport=8080\r\n');

    await assert.rejects(runModule('template', { src: 'missing.j2', dest }, ctx), /could not find/);
    const undef = await makeCtx({ base: dir, vars: { app: { name: 'x' } } });
    await assert.rejects(runModule('template', { src: 'app.conf.j2', dest }, undef), /port/);
  } finally {
    cleanup();
  }
});

test('template with the project templater: loops, filters, trim_blocks, template_* vars', { skip: !(await loadTemplater()) && 'src/template/index.ts not available' }, async () => {
  const { dir, cleanup } = tempDir();
  try {
    mkdirSync(join(dir, 'templates'));
    writeFileSync(join(dir, 'templates', 'hosts.j2'), '# {{ ansible_managed }} {{ template_path | basename }}\n{% for h in hosts %}\n{{ h.ip }} {{ h.name | upper }}\n{% endfor %}\n');
    const ctx = await makeCtx({ base: dir, vars: { hosts: [{ ip: '10.0.0.1', name: 'a' }, { ip: '10.0.0.2', name: 'b' }] } });
    const dest = join(dir, 'hosts');
    const r = await runModule('template', { src: 'hosts.j2', dest }, ctx);
    assert.equal(r.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), '# Ansible managed hosts.j2\n10.0.0.1 A\n10.0.0.2 B\n');
    assert.equal((await runModule('template', { src: 'hosts.j2', dest }, ctx)).changed, false);
  } finally {
    cleanup();
  }
});

test('copy and lineinfile through become (sudo -u nobody): stdin reaches the write', async () => {
  const { dir, cleanup } = tempDir();
  try {
    chmodSync(dir, 0o755);
    const sub = join(dir, 'nobody');
    mkdirSync(sub);
    chownSync(sub, 65534, 65534);
    const ctx = await makeCtx({ becomeUser: 'nobody' });
    const dest = join(sub, 'f');
    const r = await runModule('copy', { content: 'as nobody\n', dest }, ctx);
    assert.equal(r.changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'as nobody\n');
    assert.equal(statSync(dest).uid, 65534);
    assert.equal(r.owner, 'nobody');
    assert.equal((await runModule('lineinfile', { path: dest, line: 'more' }, ctx)).changed, true);
    assert.equal(readFileSync(dest, 'utf8'), 'as nobody\nmore\n');
    await assert.rejects(runModule('copy', { content: 'x', dest: join(dir, 'not-writable') }, ctx), /cannot write/);
  } finally {
    cleanup();
  }
});
