/**
 * The modules that steer the run (assert, fail, meta end_host) and no_log, through `kbs run`
 * over a real OpenSSH server, as root and as kbstest with become.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { kbs, results } from '../helpers/kbs.js';
import { main } from '../../src/cli/main.js';
import { HOSTS, one, startHosts, statuses, stopHosts, userInventory } from './modules-ssh-shared.js';

const FIX = resolve('test/fixtures/modules-ssh');
let sshd: Sshd;
let work: string;
let inv: string;

before(async () => {
  ({ sshd, work, inv } = await startHosts('modflow'));
});
after(() => stopHosts(sshd, work));

function freshBase(name: string): string {
  const root = join(work, name);
  for (const h of HOSTS) mkdirSync(join(root, h), { recursive: true, mode: 0o755 });
  return root;
}

test('assert and fail: the messages are in the events, later tasks do not run, exit code 2', async () => {
  const r = await kbs(['run', join(FIX, 'failures.yml'), '-i', inv]);
  assert.equal(r.code, 2, r.stdout.slice(-2000));
  const a = one(r, 'assert fails on asroot', 'asroot');
  assert.equal(a.status, 'failed');
  assert.equal(a.result.msg, 'asroot may not pass');
  assert.equal(a.result.assertion, "inventory_hostname != 'asroot'");
  assert.equal(a.result.evaluated_to, false);
  assert.equal(one(r, 'assert fails on asroot', 'asuser').status, 'ok');
  const f = one(r, 'fail on asuser', 'asuser');
  assert.equal(f.status, 'failed');
  assert.equal(f.result.msg, 'asuser fails with 42');
  assert.deepEqual(results(r, 'fail on asuser').map((x) => x.host), ['asuser'], 'a failed host gets no further results');
  assert.equal(results(r, 'never reached').length, 0);
  assert.deepEqual(r.recap.asroot, { ok: 0, changed: 0, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 });
  assert.deepEqual(r.recap.asuser, { ok: 1, changed: 0, unreachable: 0, failed: 1, skipped: 0, rescued: 0, ignored: 0 });
});

test('meta end_host: later tasks of the play skip that host only; the next play runs on it', async () => {
  const base = freshBase('end');
  const r = await kbs(['run', join(FIX, 'end_host.yml'), '-i', inv, '-e', `base_root=${base}`]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.deepEqual(results(r, 'after').map((x) => x.host), ['asuser']);
  assert.ok(existsSync(join(base, 'asroot', 'before.txt')));
  assert.ok(!existsSync(join(base, 'asroot', 'after.txt')), 'asroot ended before "after"');
  assert.equal(readFileSync(join(base, 'asuser', 'after.txt'), 'utf8'), 'after\n');
  assert.equal(lstatSync(join(base, 'asuser', 'after.txt')).uid, 0);
  for (const h of HOSTS) {
    assert.equal(one(r, 'next play', h).status, 'changed');
    assert.ok(existsSync(join(base, h, 'next.txt')));
    assert.equal(r.recap[h].failed, 0);
  }
  // second run: nothing changes, end_host still ends asroot
  const again = await kbs(['run', join(FIX, 'end_host.yml'), '-i', inv, '-e', `base_root=${base}`]);
  assert.equal(again.code, 0);
  assert.deepEqual(results(again, 'after').map((x) => x.host), ['asuser']);
  for (const h of HOSTS) assert.equal(again.recap[h].changed, 1, 'only the touch of next.txt changes (state: touch always does)');
});

test('no_log: the secret is used on the host and never appears in the output, with --diff and -vvv', async () => {
  const secret = `S3cr3t-${randomBytes(6).toString('hex')}`;
  const base = freshBase('nolog');
  const pb = join(FIX, 'nolog.yml');
  const outputs: string[] = [];
  const first = await kbs(['run', pb, '-i', inv, '--diff', '-vvv', '-e', `base_root=${base}`, '-e', `secret=${secret}`]);
  outputs.push(first.stdout, first.stderr);
  assert.equal(first.code, 0, first.stdout.replaceAll(secret, '<SECRET>').slice(-2000));
  for (const h of HOSTS) {
    assert.equal(readFileSync(join(base, h, 'secret.txt'), 'utf8'), `${secret}\ntoken=${secret}\n`);
    assert.equal(lstatSync(join(base, h, 'secret.txt')).uid, 0);
    const st = statuses(first, h);
    assert.deepEqual(st, {
      'secret command': 'ok',
      'secret fails': 'ignored',
      'secret file': 'changed',
      'secret line': 'changed',
      'secret loop': 'ok',
      'secret fail message': 'ignored',
      'registered secret is usable': 'ok',
    });
    for (const t of Object.keys(st).filter((t) => t.startsWith('secret'))) {
      const e = one(first, t, h);
      assert.equal(e.noLog, true);
      assert.match(String(e.result.censored), /no_log: true/, `${t} is censored`);
    }
  }
  // check mode with a new secret: the diffs would show it, but they are censored too
  const other = `${secret}-new`;
  const check = await kbs(['run', pb, '-i', inv, '--check', '--diff', '-vvv', '-e', `base_root=${base}`, '-e', `secret=${other}`]);
  outputs.push(check.stdout, check.stderr);
  assert.equal(check.code, 0, check.stdout.replaceAll(secret, '<SECRET>').slice(-2000));
  for (const h of HOSTS) {
    assert.equal(one(check, 'secret file', h).status, 'changed');
    assert.equal(one(check, 'secret file', h).result.diff, undefined);
    assert.equal(readFileSync(join(base, h, 'secret.txt'), 'utf8'), `${secret}\ntoken=${secret}\n`, 'check mode changed nothing');
  }
  // the plain (CI) view, verbose, with diffs: a third secret, a fresh folder
  const third = `${secret}-plain`;
  let plain = '';
  const io = { stdout: (s: string) => void (plain += s), stderr: (s: string) => void (plain += s), isTTY: false, env: process.env };
  const code = await main(['run', pb, '-i', inv, '--diff', '-vvv', '--output', 'plain', '-e', `base_root=${freshBase('nolog-plain')}`, '-e', `secret=${third}`], io);
  assert.equal(code, 0, plain.replaceAll(secret, '<SECRET>').slice(-2000));
  assert.match(plain, /secret file/, 'the plain view lists the tasks');
  outputs.push(plain);
  for (const o of outputs) assert.ok(!o.includes(secret), 'the secret never appears in the output');
});

test('a module error is a task failure: ignore_errors, failed_when, register and loops apply', async () => {
  const base = freshBase('errors');
  const r = await kbs(['run', join(FIX, 'errors.yml'), '-i', inv, '-e', `base_root=${base}`]);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  for (const h of HOSTS) {
    assert.deepEqual(statuses(r, h), {
      'validate fails, ignored': 'ignored',
      'missing src in a loop': 'ignored',
      'missing folder, failed_when false': 'ok',
      'after the errors': 'ok',
    });
    assert.match(String(one(r, 'validate fails, ignored', h).result.msg), /failed to validate: grep -q hello %s exited with 1/);
    assert.ok(!existsSync(join(base, h, 'v.txt')), 'a file that fails validation is not written');
    const items = r.events.filter((e) => e.type === 'item_result' && e.task === 'missing src in a loop' && e.host === h);
    assert.deepEqual(items.map((e) => e.type === 'item_result' && [e.label, e.status]), [['missing.txt', 'ignored'], ['data.txt', 'changed']]);
    assert.equal(readFileSync(join(base, h, 'data.txt'), 'utf8'), 'data from files/\n', 'the loop goes on after a failed item');
    assert.equal(r.recap[h].ignored, 2);
  }
});

test('stat as an unprivileged user: a path in a folder it cannot search is an error, not missing', async () => {
  const closed = join(work, 'closed');
  mkdirSync(closed, { mode: 0o700 });
  writeFileSync(join(closed, 'inside.txt'), 'x\n');
  const plainInv = userInventory(join(work, 'inv-plain.yml'), sshd, { plain: { ansible_user: 'kbstest' } });
  const r = await kbs(['run', join(FIX, 'stat_denied.yml'), '-i', plainInv, '-e', `closed=${closed}`]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  const d = one(r, 'behind a closed folder', 'plain');
  assert.equal(d.status, 'ignored');
  assert.equal(d.result.stat, undefined);
  assert.deepEqual(one(r, 'really missing', 'plain').result.stat, { exists: false });
});
