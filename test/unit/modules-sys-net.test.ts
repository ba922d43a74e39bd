/** get_url, uri, unarchive, wait_for, fetch, pause over the local transport against a loopback HTTP server. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createServer as tcpServer } from 'node:net';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { makeCtx, runModule, tempDir } from './modules/helper.js';

const payload = Buffer.from('#!/bin/sh\necho kubeadm v1.30.4\n');
const sum = createHash('sha256').update(payload).digest('hex');
let server: Server;
let base: string;
let hits: string[] = [];
const seen: { auth?: string; body?: string; ctype?: string; method?: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? '');
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      seen.push({ auth: req.headers.authorization, body, ctype: req.headers['content-type'], method: req.method });
      if (req.url === '/bin/kubeadm' && req.headers['if-modified-since']) {
        res.statusCode = 304;
        return res.end();
      }
      if (req.url === '/bin/kubeadm') return res.end(payload);
      if (req.url === '/bin/kubeadm.sha256') return res.end(sum + '\n');
      if (req.url === '/bin/SHA256SUMS') return res.end(`0000  other\n${sum}  kubeadm\n`);
      if (req.url === '/api') {
        res.setHeader('Content-Type', 'application/json');
        return res.end(JSON.stringify({ ok: true, method: req.method, got: body ? JSON.parse(body) : null }));
      }
      if (req.url === '/created') {
        res.statusCode = 201;
        return res.end('made');
      }
      res.statusCode = 404;
      res.end('not here');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

test('get_url: download with sha256:URL, then no network when the checksum matches; check mode; bad checksum', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const dest = join(dir, 'kubeadm');
    const args = { url: `${base}/bin/kubeadm`, dest, checksum: `sha256:${base}/bin/kubeadm.sha256`, mode: '0755' };
    const chk = await runModule('get_url', args, await makeCtx({ check: true, diff: true }));
    assert.equal(chk.changed, true);
    assert.equal(existsSync(dest), false);
    hits = [];
    const r = await runModule('get_url', args, await makeCtx());
    assert.equal(r.changed, true, String(r.msg));
    assert.equal(r.status_code, 200);
    assert.deepEqual(readFileSync(dest), payload);
    assert.equal(statSync(dest).mode & 0o777, 0o755);
    assert.deepEqual(hits, ['/bin/kubeadm.sha256', '/bin/kubeadm']);
    // a no-op with a checksum URL: the checksum file is read (with the probe of dest), nothing else
    hits = [];
    const same = await runModule('get_url', args, await makeCtx());
    assert.deepEqual([same.changed, same.msg, same.checksum_dest], [false, 'file already exists', null]);
    assert.deepEqual(hits, ['/bin/kubeadm.sha256']);
    const noSums = await runModule('get_url', { ...args, checksum: `sha256:${base}/missing.sha256` }, await makeCtx());
    assert.equal(noSums.failed, true);
    assert.match(String(noSums.msg), new RegExp(`^Failed to download checksum file ${base}/missing.sha256: .*404`));
    // no server at all: curl's own error, on one line
    const refused = await runModule('get_url', { ...args, checksum: 'sha256:http://127.0.0.1:9/k.sha256' }, await makeCtx());
    assert.equal(refused.failed, true);
    assert.match(String(refused.msg), /^Failed to download checksum file http:\/\/127\.0\.0\.1:9\/k\.sha256: curl: \(7\) [^\n]*$/);
    // a dest with other content is replaced; checksum_dest is the old content's sha1
    writeFileSync(dest, 'older\n');
    const replaced = await runModule('get_url', args, await makeCtx());
    assert.deepEqual([replaced.changed, replaced.checksum_dest], [true, createHash('sha1').update('older\n').digest('hex')]);
    hits = [];
    const r2 = await runModule('get_url', { ...args, checksum: `sha256:${sum}` }, await makeCtx());
    assert.deepEqual([r2.changed, r2.msg], [false, 'file already exists']);
    assert.deepEqual(hits, [], 'a matching dest is not downloaded again');
    // a SHA256SUMS-style file, dest as a folder
    const r3 = await runModule('get_url', { url: `${base}/bin/kubeadm`, dest: dir + '/', checksum: `sha256:${base}/bin/SHA256SUMS`, force: true }, await makeCtx());
    assert.equal(r3.changed, false);
    // bad checksum: failed, dest untouched, no temp left
    const other = join(dir, 'other');
    writeFileSync(other, 'old\n');
    const bad = await runModule('get_url', { url: `${base}/bin/kubeadm`, dest: other, checksum: 'sha256:' + '0'.repeat(64) }, await makeCtx());
    assert.equal(bad.failed, true);
    assert.match(String(bad.msg), new RegExp(`did not match 0{64}; it was ${sum}`));
    assert.equal(readFileSync(other, 'utf8'), 'old\n');
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.kbs')), []);
    // without checksum and force=no: an existing dest is asked for with If-Modified-Since (this
    // server answers 304 to that) and left alone, as Ansible does
    hits = [];
    const keep = await runModule('get_url', { url: `${base}/bin/kubeadm`, dest: other }, await makeCtx());
    assert.deepEqual([keep.changed, keep.status_code, keep.msg], [false, 304, 'HTTP Error 304: Not Modified']);
    assert.deepEqual(hits, ['/bin/kubeadm']);
    assert.equal(readFileSync(other, 'utf8'), 'old\n');
    // a file: URL is read on the host (no If-Modified-Since): the same bytes leave dest unchanged
    const fromFile = await runModule('get_url', { url: `file://${other}`, dest: join(dir, 'copied') }, await makeCtx());
    assert.deepEqual([fromFile.changed, fromFile.status_code, fromFile.msg, fromFile.size], [true, null, 'OK (4 bytes)', 4]);
    assert.equal(readFileSync(join(dir, 'copied'), 'utf8'), 'old\n');
    const again = await runModule('get_url', { url: `file://${other}`, dest: join(dir, 'copied') }, await makeCtx());
    assert.deepEqual([again.changed, again.checksum_src, again.checksum_dest], [false, fromFile.checksum_src, fromFile.checksum_src]);
    const nf = await runModule('get_url', { url: `${base}/missing`, dest: join(dir, 'm') }, await makeCtx());
    assert.equal(nf.failed, true);
    assert.match(String(nf.msg), /HTTP Error 404/);
  } finally {
    cleanup();
  }
});

test('get_url: url_password never reaches the command line or the result', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ctx = await makeCtx();
    seen.length = 0;
    const r = await runModule('get_url', { url: `${base}/bin/kubeadm`, dest: join(dir, 'k'), url_username: 'bob', url_password: 'S3cr3t-pw', force_basic_auth: true }, ctx);
    assert.equal(r.changed, true);
    assert.equal(seen[0].auth, 'Basic ' + Buffer.from('bob:S3cr3t-pw').toString('base64'));
    assert.ok(!ctx.commands.some((c) => c.includes('S3cr3t')), 'password in a command');
    assert.ok(!JSON.stringify(r).includes('S3cr3t'));
  } finally {
    cleanup();
  }
});

test('uri: GET json, POST a json body, status_code list, failure message', async () => {
  const ctx = await makeCtx();
  const g = await runModule('uri', { url: `${base}/api` }, ctx);
  assert.equal(g.status, 200);
  assert.deepEqual(g.json, { ok: true, method: 'GET', got: null });
  assert.equal(g.content, undefined);
  const p = await runModule('uri', { url: `${base}/api`, method: 'POST', body: { a: 1 }, body_format: 'json', return_content: true }, ctx);
  assert.deepEqual((p.json as { got: unknown }).got, { a: 1 });
  assert.equal(seen[seen.length - 1].ctype, 'application/json');
  assert.match(String(p.content), /"ok":true/);
  const c = await runModule('uri', { url: `${base}/created`, method: 'PUT', status_code: [200, 201] }, ctx);
  assert.deepEqual([c.failed, c.status], [undefined, 201]);
  const bad = await runModule('uri', { url: `${base}/nope` }, ctx);
  assert.equal(bad.failed, true);
  assert.match(String(bad.msg), /^Status code was 404 and not \[200\]/);
  // nothing listens: Ansible's uri returns status -1 and says why (a retry loop reads .status)
  const refused = await runModule('uri', { url: 'http://127.0.0.1:1/livez' }, ctx);
  assert.deepEqual([refused.failed, refused.status], [true, -1]);
  assert.match(String(refused.msg), /^Status code was -1 and not \[200\]: Request failed: .*(refused|connect)/i);
  const chk = await runModule('uri', { url: `${base}/api`, method: 'DELETE' }, await makeCtx({ check: true }));
  assert.equal(chk.skipped, true);
});

test('unarchive: tar.gz and zip from the workstation, idempotent, creates, check mode', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'app/bin'), { recursive: true });
    writeFileSync(join(src, 'app/bin/tool'), 'tool\n');
    writeFileSync(join(src, 'app/README'), 'hi\n');
    execFileSync('tar', ['-czf', join(dir, 'app.tar.gz'), '-C', src, 'app']);
    execFileSync('zip', ['-qr', join(dir, 'app.zip'), 'app'], { cwd: src });
    for (const name of ['app.tar.gz', 'app.zip']) {
      const dest = join(dir, `out-${name}`);
      mkdirSync(dest);
      const args = { src: join(dir, name), dest, list_files: true };
      const chk = await runModule('unarchive', args, await makeCtx({ check: true }));
      assert.equal(chk.changed, true, name);
      assert.equal(existsSync(join(dest, 'app')), false);
      const r = await runModule('unarchive', args, await makeCtx());
      assert.equal(r.changed, true, `${name}: ${String(r.msg)}`);
      assert.equal(readFileSync(join(dest, 'app/bin/tool'), 'utf8'), 'tool\n');
      assert.ok((r.files as string[]).some((f) => f.includes('app/bin/tool')));
      const r2 = await runModule('unarchive', args, await makeCtx());
      assert.equal(r2.changed, false, `${name} second run`);
      writeFileSync(join(dest, 'app/README'), 'changed\n');
      const r3 = await runModule('unarchive', args, await makeCtx());
      assert.equal(r3.changed, true, `${name} after a local change`);
      assert.equal(readFileSync(join(dest, 'app/README'), 'utf8'), 'hi\n');
      const r4 = await runModule('unarchive', { ...args, creates: join(dest, 'app') }, await makeCtx());
      assert.equal(r4.changed, false);
    }
    const r = await runModule('unarchive', { src: join(dir, 'app.tar.gz'), dest: join(dir, 'nodir'), remote_src: true }, await makeCtx());
    assert.equal(r.msg, `dest '${join(dir, 'nodir')}' must be an existing dir`, "Ansible's message");
  } finally {
    cleanup();
  }
});

test('wait_for: port started, stopped, path + search_regex, and a clear timeout message', async () => {
  const srv = tcpServer((s) => {
    s.on('error', () => undefined);
    s.end('SSH-2.0-fake\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const { dir, cleanup } = tempDir();
  try {
    const ctx = await makeCtx();
    const ok = await runModule('wait_for', { port, timeout: 5 }, ctx);
    assert.equal(ok.failed, undefined, String(ok.msg));
    const rx = await runModule('wait_for', { port, search_regex: 'SSH-\\d', timeout: 5 }, ctx);
    assert.equal(rx.failed, undefined, String(rx.msg));
    const file = join(dir, 'ready');
    setTimeout(() => writeFileSync(file, 'booting\nstatus: READY\n'), 700);
    const t0 = Date.now();
    const p = await runModule('wait_for', { path: file, search_regex: 'status: (READY)', timeout: 10, sleep: 0.2 }, ctx);
    assert.equal(p.failed, undefined, String(p.msg));
    assert.ok(Date.now() - t0 >= 600);
    await new Promise<void>((r) => srv.close(() => r()));
    const st = await runModule('wait_for', { port, state: 'stopped', timeout: 5 }, ctx);
    assert.equal(st.failed, undefined);
    const to = await runModule('wait_for', { port, timeout: 2, sleep: 0.5 }, ctx);
    assert.equal(to.failed, true);
    assert.equal(to.msg, `Timeout when waiting for 127.0.0.1:${port}`);
    assert.ok(Number(to.elapsed) >= 2);
    const custom = await runModule('wait_for', { path: join(dir, 'never'), timeout: 1, msg: 'no file' }, ctx);
    assert.equal(custom.msg, 'no file');
  } finally {
    cleanup();
    srv.close();
  }
});

test('fetch: flat and host/path layouts, unchanged second run, missing file', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const src = join(dir, 'remote.conf');
    writeFileSync(src, 'x=1\n');
    const ctx = await makeCtx({ vars: { playbook_dir: dir } });
    const r = await runModule('fetch', { src, dest: 'got' }, ctx);
    const expected = join(dir, 'got', 'localhost', src);
    assert.deepEqual([r.changed, r.dest], [true, expected]);
    assert.equal(readFileSync(expected, 'utf8'), 'x=1\n');
    assert.equal((await runModule('fetch', { src, dest: 'got' }, ctx)).changed, false);
    const f = await runModule('fetch', { src, dest: join(dir, 'flat/'), flat: true }, ctx);
    assert.equal(f.dest, join(dir, 'flat', 'remote.conf'));
    const chk = await runModule('fetch', { src, dest: join(dir, 'c.conf'), flat: true }, await makeCtx({ check: true }));
    assert.equal(chk.changed, true);
    assert.equal(existsSync(join(dir, 'c.conf')), false);
    const miss = await runModule('fetch', { src: join(dir, 'nope'), dest: 'got' }, ctx);
    assert.deepEqual([miss.failed, miss.msg], [true, 'the remote file does not exist']);
    const ign = await runModule('fetch', { src: join(dir, 'nope'), dest: 'got', fail_on_missing: false }, ctx);
    assert.equal(ign.failed, undefined);
  } finally {
    cleanup();
  }
});

test('pause waits the given time; a prompt without time returns at once with a warning', async () => {
  const ctx = await makeCtx();
  const t0 = Date.now();
  const r = await runModule('pause', { seconds: 1 }, ctx);
  assert.ok(Date.now() - t0 >= 950);
  assert.match(String(r.stdout), /^Paused for 1\.\d+ seconds$/, 'the time really paused, as a Python float');
  assert.deepEqual([r.delta, r.rc, r.stderr], [1, 0, '']);
  const t1 = Date.now();
  const p = await runModule('pause', { prompt: 'Press enter' }, ctx);
  assert.ok(Date.now() - t1 < 500);
  assert.match(String((p.warnings as string[])[0]), /non-interactive/);
});

test('wait_for drained: no connection on a port; ss state names', async () => {
  const { ssState } = await import('../../src/modules/sys/waitscript.js');
  assert.deepEqual(['ESTABLISHED', 'FIN_WAIT1', 'TIME_WAIT'].map(ssState), ['established', 'fin-wait-1', 'time-wait']);
  const srv = tcpServer((s) => s.on('error', () => undefined));
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  const ctx = await makeCtx();
  try {
    const d = await runModule('wait_for', { port, state: 'drained', timeout: 3 }, ctx);
    assert.equal(d.failed, undefined, String(d.msg));
    const { connect } = await import('node:net');
    const c = connect(port, '127.0.0.1');
    c.on('error', () => undefined);
    await new Promise((r) => c.on('connect', r));
    const busy = await runModule('wait_for', { port, state: 'drained', timeout: 1, sleep: 0.3 }, ctx);
    assert.equal(busy.msg, `Timeout when waiting for 127.0.0.1:${port} to drain`);
    c.destroy();
  } finally {
    srv.close();
  }
});
