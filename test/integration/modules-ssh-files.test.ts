/**
 * The file modules (copy, template, file, lineinfile, stat, slurp) through `kbs run` over a real
 * OpenSSH server, on three hosts at once: `asroot` logs in as root, `asuser` logs in as kbstest and
 * becomes root with passwordless sudo, `aspw` logs in as kbspw whose sudo wants a password (the
 * file bytes follow the password on stdin). First run changes, second run changes nothing, check mode creates
 * nothing, --check --diff shows the change and leaves the files alone, backup keeps the old file.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KBSPW_PASSWORD, type Sshd } from '../helpers/sshd.js';
import { kbs, results } from '../helpers/kbs.js';
import { USERS_WITH_PASSWORD, diffText, one, startHosts, statuses, stopHosts } from './modules-ssh-shared.js';

const FIX = resolve('test/fixtures/modules-ssh');
const PB = join(FIX, 'files.yml');
const NOBODY = 65534;
const HOSTS = Object.keys(USERS_WITH_PASSWORD);
let sshd: Sshd;
let work: string;
let inv: string;

before(async () => {
  ({ sshd, work, inv } = await startHosts('modfiles', USERS_WITH_PASSWORD));
});
after(() => stopHosts(sshd, work));

/** An empty folder per host (root-owned, 0755: kbstest cannot write there without become), plus gone/ for state: absent. */
function freshBase(name: string): string {
  const root = join(work, name);
  for (const h of HOSTS) {
    mkdirSync(join(root, h, 'gone'), { recursive: true, mode: 0o755 });
    writeFileSync(join(root, h, 'gone', 'old.txt'), 'old\n');
  }
  return root;
}

/** path → mode/owner/content/link/mtime of everything under DIR */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (rel: string) => {
    for (const name of readdirSync(join(dir, rel)).sort()) {
      const r = join(rel, name);
      const p = join(dir, r);
      const st = lstatSync(p);
      const what = st.isSymbolicLink() ? `-> ${readlinkSync(p)}` : st.isDirectory() ? 'dir' : sha(readFileSync(p));
      out[r] = `${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${st.mtimeMs} ${what}`;
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

/** kbs, and the sudo password never shows in its output */
async function run(args: string[]) {
  const r = await kbs(args);
  assert.ok(!r.stdout.includes(KBSPW_PASSWORD) && !r.stderr.includes(KBSPW_PASSWORD), 'no sudo password in the output');
  return r;
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const mode = (p: string) => (lstatSync(p).mode & 0o7777).toString(8);
const fixture = (f: string) => readFileSync(join(FIX, 'files', f));

const READ_ONLY = ['stat present', 'stat missing', 'slurp binary'];
const ALL_TASKS = [
  'copy content',
  'copy src',
  'copy binary',
  'copy tree',
  'template loop',
  'file directory',
  'file recurse',
  'file touch',
  'file link',
  'file absent',
  'lineinfile seed',
  'lineinfile insertafter',
  'lineinfile insertbefore',
  'lineinfile backrefs',
  ...READ_ONLY,
];

function expectStatuses(run: Awaited<ReturnType<typeof kbs>>, host: string, want: (task: string) => string) {
  const got = statuses(run, host);
  const expected: Record<string, string> = {};
  for (const t of ALL_TASKS) expected[t] = want(t);
  assert.deepEqual(got, expected, `${host}: ${run.stdout.slice(-2500)}`);
}

test('first run changes every changing task, as root and through sudo; second run changes nothing', async () => {
  const base = freshBase('conv');
  const first = await run(['run', PB, '-i', inv, '-e', `base_root=${base}`]);
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-3000));
  for (const h of HOSTS) {
    expectStatuses(first, h, (t) => (READ_ONLY.includes(t) ? 'ok' : 'changed'));
    const b = join(base, h);
    assert.equal(readFileSync(join(b, 'content.txt'), 'utf8'), 'greeting=hello\n');
    assert.equal(mode(join(b, 'content.txt')), '644');
    assert.deepEqual(readFileSync(join(b, 'data.txt')), fixture('data.txt'));
    assert.equal(mode(join(b, 'data.txt')), '600');
    assert.deepEqual(readFileSync(join(b, 'blob.bin')), fixture('blob.bin'));
    for (const f of ['tree', 'tree/one.txt', 'tree/sub', 'tree/sub/two.txt']) {
      const st = lstatSync(join(b, f));
      assert.deepEqual([st.uid, st.gid], [NOBODY, NOBODY], `${h}: ${f} owned by nobody:nogroup`);
    }
    assert.equal(readFileSync(join(b, 'tree/sub/two.txt'), 'utf8'), 'two\n');
    for (const c of ['alpha', 'beta']) {
      assert.equal(readFileSync(join(b, `${c}.conf`), 'utf8'), `# ${c} on ${h}\ngreeting=hello\nn1=2\nn2=4\nn3=6\n`);
      assert.equal(mode(join(b, `${c}.conf`)), '640');
    }
    assert.equal(results(first, 'template loop').find((r) => r.host === h)?.result.results instanceof Array, true);
    assert.equal(mode(join(b, 'dir')), '750');
    assert.equal(mode(join(b, 'dir/a/b')), '750');
    assert.equal(lstatSync(join(b, 'touched')).size, 0);
    assert.equal(mode(join(b, 'touched')), '600');
    assert.equal(readlinkSync(join(b, 'link.txt')), 'content.txt');
    for (const f of ['touched', 'link.txt']) {
      const st = lstatSync(join(b, f));
      assert.deepEqual([st.uid, st.gid], [NOBODY, NOBODY], `${h}: ${f} owned by nobody:nogroup`);
    }
    assert.equal(lstatSync(join(b, 'content.txt')).uid, 0, 'chown of the link (-h) leaves its target alone');
    assert.ok(!existsSync(join(b, 'gone')), 'state: absent removed the folder');
    assert.equal(readFileSync(join(b, 'edit.conf'), 'utf8'), '# config\n[main]\nafter_main=1\nkey=old\nport=8080\nbefore_end=hello\n[end]\n');

    const present = one(first, 'stat present', h).result.stat as Record<string, unknown>;
    assert.equal(present.exists, true);
    assert.equal(present.isreg, true);
    assert.equal(present.checksum, sha('greeting=hello\n'));
    assert.equal(present.mode, '0644');
    assert.equal(present.pw_name, 'root');
    assert.deepEqual(one(first, 'stat missing', h).result.stat, { exists: false });

    const slurped = one(first, 'slurp binary', h).result;
    assert.equal(slurped.encoding, 'base64');
    assert.deepEqual(Buffer.from(String(slurped.content), 'base64'), fixture('blob.bin'));

    // everything the play created is root's (kbstest only logged in), except the chowned tree
    for (const [p, line] of Object.entries(snapshot(b))) {
      const owner = p.startsWith('tree') || p === 'touched' || p === 'link.txt' ? `${NOBODY}:${NOBODY}` : '0:0';
      assert.equal(line.split(' ')[1], owner, `${h}: owner of ${p}`);
    }
  }

  const snap = snapshot(base);
  const second = await run(['run', PB, '-i', inv, '-e', `base_root=${base}`]);
  assert.equal(second.code, 0, second.stdout.slice(-3000));
  for (const h of HOSTS) {
    expectStatuses(second, h, () => 'ok');
    assert.equal(second.recap[h].changed, 0);
  }
  assert.deepEqual(snapshot(base), snap, 'the second run touches no file (not even mtimes)');
});

test('check mode (with --diff) on a fresh folder reports the changes and creates nothing', async () => {
  const base = freshBase('check');
  const snap = snapshot(base);
  const r = await run(['run', PB, '-i', inv, '--check', '--diff', '-e', `base_root=${base}`]);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  for (const h of HOSTS) {
    expectStatuses(r, h, (t) => (t === 'slurp binary' ? 'skipped' : t === 'lineinfile backrefs' || READ_ONLY.includes(t) ? 'ok' : 'changed'));
    // diffs of files that do not exist yet: empty before
    assert.equal(diffText(one(r, 'copy content', h).result), '--- \n+++ greeting=hello\n');
    assert.match(diffText(one(r, 'template loop', h).result), new RegExp(`^--- \n\\+\\+\\+ # alpha on ${h}\n`));
    assert.match(diffText(one(r, 'file directory', h).result), /"state": "absent"[^]*\+\+\+ [^]*"state": "directory"/);
    assert.match(diffText(one(r, 'file absent', h).result), /"state": "directory"[^]*\+\+\+ [^]*"state": "absent"/);
    assert.match(diffText(one(r, 'lineinfile insertafter', h).result), /^--- \n\+\+\+ after_main=1\n$/);
  }
  assert.deepEqual(snapshot(base), snap, 'check mode leaves the folders as they were');
});

test('--check --diff after changing inputs shows the diffs and changes nothing; a real run keeps a backup', async () => {
  const base = freshBase('diff');
  const conv = await run(['run', PB, '-i', inv, '-e', `base_root=${base}`]);
  assert.equal(conv.code, 0, conv.stdout.slice(-3000));
  const snap = snapshot(base);

  const changedInputs = ['-e', `base_root=${base}`, '-e', 'greeting=bye', '-e', 'dir_mode=0700'];
  const r = await run(['run', PB, '-i', inv, '--check', '--diff', ...changedInputs]);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  const diffed = ['copy content', 'template loop', 'file directory', 'lineinfile insertbefore'];
  for (const h of HOSTS) {
    expectStatuses(r, h, (t) => (diffed.includes(t) ? 'changed' : t === 'slurp binary' ? 'skipped' : 'ok'));
    const copy = diffText(one(r, 'copy content', h).result);
    assert.match(copy, /--- greeting=hello\n\n\+\+\+ greeting=bye\n/);
    const tpl = one(r, 'template loop', h).result;
    assert.equal((tpl.results as unknown[]).length, 2);
    assert.match(diffText(tpl), new RegExp(`--- # alpha on ${h}\ngreeting=hello\n[^]*\\+\\+\\+ # alpha on ${h}\ngreeting=bye\n`));
    assert.match(diffText(tpl), /\+\+\+ # beta on .*\ngreeting=bye/);
    const dir = diffText(one(r, 'file directory', h).result);
    assert.match(dir, /--- [^]*"mode": "0750"[^]*\+\+\+ [^]*"mode": "0700"/);
    const lif = diffText(one(r, 'lineinfile insertbefore', h).result);
    assert.match(lif, /--- [^]*before_end=hello\n\[end\]\n\n\+\+\+ [^]*before_end=bye\n\[end\]\n/);
    // tasks that change nothing show no diff
    assert.equal(one(r, 'copy src', h).result.diff, undefined);
  }
  assert.deepEqual(snapshot(base), snap, 'check mode with --diff leaves every file as it was');

  const real = await run(['run', PB, '-i', inv, ...changedInputs]);
  assert.equal(real.code, 0, real.stdout.slice(-3000));
  for (const h of HOSTS) {
    const res = one(real, 'copy content', h);
    assert.equal(res.status, 'changed');
    const backup = String(res.result.backup_file ?? '');
    assert.ok(backup.startsWith(join(base, h, 'content.txt.')), `backup_file: ${backup}`);
    assert.equal(readFileSync(backup, 'utf8'), 'greeting=hello\n', 'the backup holds the old content');
    assert.equal(lstatSync(backup).uid, 0);
    assert.equal(readFileSync(join(base, h, 'content.txt'), 'utf8'), 'greeting=bye\n');
    assert.equal(mode(join(base, h, 'dir/a/b')), '700');
    assert.equal(mode(join(base, h, 'dir')), '750', 'only the path itself gets the new mode, not its parents');
  }
});
