/**
 * git on the local machine (no fleet): a clone of a local repository, the second run unchanged,
 * check mode on a new checkout, and the declared accept_hostkey|accept_newhostkey set.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { git } from '../../src/modules/git.js';
import { makeCtx } from './modules/helper.js';

test('git: clone, unchanged second run, check mode, exclusive arguments', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-git-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const src = join(dir, 'src');
  const g = (...a: string[]) => execFileSync('git', ['-C', src, ...a], { env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } });
  execFileSync('git', ['init', '-q', '-b', 'main', src]);
  writeFileSync(join(src, 'a.txt'), 'a\n');
  g('add', 'a.txt');
  g('commit', '-q', '-m', 'one');
  const head = g('rev-parse', 'HEAD').toString().trim();

  const dest = join(dir, 'dest');
  const chk = await git.run({ repo: src, dest }, await makeCtx({ check: true }));
  assert.equal(chk.changed, true);
  assert.equal(existsSync(dest), false, 'check mode clones nothing');

  const r1 = await git.run({ repo: src, dest, version: 'main' }, await makeCtx());
  assert.equal(r1.failed, undefined, String(r1.msg));
  assert.deepEqual([r1.changed, r1.before, r1.after], [true, null, head]);
  assert.equal(existsSync(join(dest, 'a.txt')), true);
  const r2 = await git.run({ name: src, dest, version: 'main' }, await makeCtx());
  assert.deepEqual([r2.changed, r2.before, r2.after], [false, head, head]);

  await assert.rejects(git.run({ repo: src, dest, accept_hostkey: true, accept_newhostkey: 'yes' }, await makeCtx()), /parameters are mutually exclusive: accept_hostkey\|accept_newhostkey/);
  await assert.rejects(git.run({ dest }, await makeCtx()), /missing required argument: repo/);
});
