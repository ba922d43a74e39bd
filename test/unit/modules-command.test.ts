import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCtx, runModule, tempDir } from './modules/helper.js';

test('command runs argv without a shell and reports like Ansible', async () => {
  const ctx = await makeCtx();
  const r = await runModule('command', { _raw_params: `printf '%s|' "a b" 'c;d' $HOME` }, ctx);
  assert.equal(r.failed, undefined);
  assert.equal(r.changed, true);
  assert.equal(r.rc, 0);
  // no shell: ; is an argument, $HOME is expanded (expand_argument_vars) as Ansible does
  assert.equal(r.stdout, `a b|c;d|${process.env.HOME}|`);
  assert.deepEqual(r.cmd, ['printf', '%s|', 'a b', 'c;d', '$HOME']);
  assert.match(String(r.start), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  assert.match(String(r.delta), /^0:00:\d\d\.\d{6}$/);
  assert.deepEqual(r.stderr_lines, []);
});

test('command: argv list, a redirection is just an argument', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ctx = await makeCtx();
    const r = await runModule('command', { argv: ['echo', 'x', '>', join(dir, 'out')] }, ctx);
    assert.equal(r.stdout, `x > ${join(dir, 'out')}`);
    assert.equal(existsSync(join(dir, 'out')), false);
  } finally {
    cleanup();
  }
});

test('command: non-zero rc fails with Ansible message; stdout_lines and strip_empty_ends', async () => {
  const ctx = await makeCtx();
  const r = await runModule('command', { cmd: `sh -c 'echo one; echo two; echo err >&2; exit 3'` }, ctx);
  assert.equal(r.failed, true);
  assert.equal(r.msg, 'non-zero return code');
  assert.equal(r.rc, 3);
  assert.deepEqual(r.stdout_lines, ['one', 'two']);
  assert.equal(r.stdout, 'one\ntwo');
  assert.equal(r.stderr, 'err');
  const keep = await runModule('command', { cmd: 'echo hi', strip_empty_ends: false }, ctx);
  assert.equal(keep.stdout, 'hi\n');
});

test('command: creates/removes skip, chdir, stdin', async () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'marker.txt'), 'x');
    const ctx = await makeCtx();
    let r = await runModule('command', { cmd: 'touch should-not-exist', creates: 'marker.*', chdir: dir }, ctx);
    assert.equal(r.changed, false);
    assert.equal(r.stdout, 'skipped, since marker.* exists');
    assert.equal(r.msg, "Did not run command since 'marker.*' exists");
    assert.equal(existsSync(join(dir, 'should-not-exist')), false);

    r = await runModule('command', { cmd: 'touch made', removes: join(dir, 'nothing-here') }, ctx);
    assert.equal(r.changed, false);
    assert.match(String(r.msg), /does not exist/);

    r = await runModule('command', { cmd: 'touch made', creates: join(dir, 'made'), chdir: dir }, ctx);
    assert.equal(r.changed, true);
    assert.equal(existsSync(join(dir, 'made')), true);

    r = await runModule('command', { cmd: 'pwd', chdir: dir }, ctx);
    assert.equal(r.stdout, dir);

    r = await runModule('command', { cmd: 'cat', stdin: 'hello' }, ctx);
    assert.equal(r.stdout, 'hello');
    r = await runModule('command', { cmd: 'od -c', stdin: 'hi', stdin_add_newline: false }, ctx);
    assert.doesNotMatch(String(r.stdout), /\\n/);

    r = await runModule('command', { cmd: 'pwd', chdir: join(dir, 'missing') }, ctx);
    assert.equal(r.failed, true);
    assert.match(String(r.msg), /Unable to change directory/);
  } finally {
    cleanup();
  }
});

test('command in check mode: skipped without creates/removes, nothing runs', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ctx = await makeCtx({ check: true });
    const r = await runModule('command', { cmd: `touch ${join(dir, 'x')}` }, ctx);
    assert.deepEqual([r.changed, r.skipped], [false, true]);
    assert.equal(existsSync(join(dir, 'x')), false);
    const c = await runModule('command', { cmd: `touch ${join(dir, 'x')}`, creates: join(dir, 'x') }, ctx);
    assert.deepEqual([c.changed, c.msg], [true, 'Command would have run if not in check mode']);
    assert.equal(existsSync(join(dir, 'x')), false);
  } finally {
    cleanup();
  }
});

test('command: errors for bad input', async () => {
  const ctx = await makeCtx();
  await assert.rejects(runModule('command', { _raw_params: '' }, ctx), /no command given/);
  await assert.rejects(runModule('command', { _raw_params: "echo 'x" }, ctx), /no closing quotation/);
  await assert.rejects(runModule('command', { _raw_params: 'echo', argv: ['echo'] }, ctx), /not both/);
  const r = await runModule('command', { _raw_params: 'kbs-no-such-program-xyz' }, ctx);
  assert.equal(r.failed, true);
  assert.equal(r.rc, 127);
});

test('shell runs through /bin/sh, executable, environment from ctx', async () => {
  const ctx = await makeCtx({ env: { KBS_GREETING: 'hej' } });
  let r = await runModule('shell', { _raw_params: 'echo $KBS_GREETING | tr a-z A-Z; echo two >&2' }, ctx);
  assert.equal(r.stdout, 'HEJ');
  assert.equal(r.stderr, 'two');
  assert.equal(r.cmd, 'echo $KBS_GREETING | tr a-z A-Z; echo two >&2');
  r = await runModule('shell', { cmd: 'echo ${BASH_VERSION:+bash}', executable: '/bin/bash' }, ctx);
  assert.equal(r.stdout, 'bash');
  r = await runModule('shell', { cmd: 'exit 4' }, ctx);
  assert.deepEqual([r.failed, r.rc, r.msg], [true, 4, 'non-zero return code']);
});

test('raw returns rc/stdout/stderr only and is skipped in check mode', async () => {
  const ctx = await makeCtx();
  const r = await runModule('raw', { _raw_params: 'echo raw; false' }, ctx);
  assert.equal(r.stdout, 'raw\n');
  assert.equal(r.rc, 1);
  assert.equal(r.failed, true);
  assert.equal(r.cmd, undefined);
  const ok = await runModule('raw', { _raw_params: 'true' }, ctx);
  assert.deepEqual([ok.changed, ok.failed, ok.msg], [true, undefined, undefined]);
  const chk = await runModule('raw', { _raw_params: 'true' }, await makeCtx({ check: true }));
  assert.equal(chk.skipped, true);
});
