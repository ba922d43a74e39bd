/**
 * command, shell, raw, set_fact, debug, assert and setup through `kbs run` over a real OpenSSH
 * server: as root, as kbstest becoming root with passwordless sudo, and as kbspw becoming root
 * with a sudo password (stdin must still reach the command). creates/removes make the commands
 * idempotent; check mode runs nothing that changes the host.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { KBSPW_PASSWORD, type Sshd } from '../helpers/sshd.js';
import { kbs, type KbsRun } from '../helpers/kbs.js';
import { USERS_WITH_PASSWORD, one, startHosts, statuses, stopHosts } from './modules-ssh-shared.js';

const PB = resolve('test/fixtures/modules-ssh/commands.yml');
const HOSTS_USERS = USERS_WITH_PASSWORD;
const HOSTS = Object.keys(HOSTS_USERS);
let sshd: Sshd;
let work: string;
let inv: string;

before(async () => {
  ({ sshd, work, inv } = await startHosts('modcmd', HOSTS_USERS));
});
after(() => stopHosts(sshd, work));

/** A root-owned folder per host with todo.txt in it (for removes:). */
function freshBase(name: string): string {
  const root = join(work, name);
  for (const h of HOSTS) {
    mkdirSync(join(root, h), { recursive: true, mode: 0o755 });
    writeFileSync(join(root, h, 'todo.txt'), 'todo\n');
  }
  return root;
}

const CHANGING = ['shell creates', 'shell removes', 'shell stdin', 'command creates'];
const ALL = [
  'shell creates',
  'shell removes',
  'shell stdin',
  'shell chdir',
  'shell executable',
  'command argv',
  'command creates',
  'command fails',
  'raw',
  'set_fact',
  'debug msg',
  'debug var',
  'setup',
  'assert passes',
];

function expectStatuses(run: KbsRun, host: string, changing: boolean) {
  const want: Record<string, string> = {};
  for (const t of ALL) want[t] = t === 'command fails' ? 'ignored' : changing && CHANGING.includes(t) ? 'changed' : 'ok';
  assert.deepEqual(statuses(run, host), want, `${host}: ${run.stdout.slice(-2500)}`);
}

function noPassword(run: KbsRun) {
  assert.ok(!run.stdout.includes(KBSPW_PASSWORD) && !run.stderr.includes(KBSPW_PASSWORD), 'the sudo password never appears in the output');
}

test('first run runs the commands, second run is skipped by creates/removes; results as registered', async () => {
  const base = freshBase('conv');
  const first = await kbs(['run', PB, '-i', inv, '-e', `base_root=${base}`]);
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-3000));
  noPassword(first);
  for (const h of HOSTS) {
    expectStatuses(first, h, true);
    const b = join(base, h);
    assert.equal(readFileSync(join(b, 'made.txt'), 'utf8'), 'hello\nroot\n', `${h}: chdir + shell as root`);
    assert.equal(lstatSync(join(b, 'made.txt')).uid, 0);
    assert.ok(!existsSync(join(b, 'todo.txt')), `${h}: removes ran the command`);
    assert.equal(readFileSync(join(b, 'stdin.txt'), 'utf8'), 'from stdin hello\n', `${h}: stdin reaches the command (with a newline)`);
    assert.ok(lstatSync(join(b, 'cmd dir')).isDirectory(), `${h}: command argument with a space`);

    const argv = one(first, 'command argv', h).result;
    // $HOME is expanded (expand_argument_vars), * is not globbed: no shell
    assert.equal(argv.stdout, "a b|c'd|/root|*||");
    assert.deepEqual(argv.cmd, ['printf', '%s|', 'a b', "c'd", '$HOME', '*', '']);
    const fails = one(first, 'command fails', h).result;
    assert.equal(fails.rc, 2);
    assert.equal(fails.failed, true);
    assert.match(String(fails.stderr), /No such file/);
    const raw = one(first, 'raw', h).result;
    assert.equal(raw.rc, 0);
    assert.match(String(raw.stdout), /^root\nraw-ok\n/);
    assert.equal(one(first, 'debug msg', h).result.msg, 'who=root parts=6');
    assert.deepEqual(one(first, 'debug var', h).result.argv_parts, ['a b', "c'd", '/root', '*', '', '']);
    assert.deepEqual(one(first, 'set_fact', h).result.ansible_facts, { who: 'root', argv_parts: ['a b', "c'd", '/root', '*', '', ''] });
    const facts = one(first, 'setup', h).result.ansible_facts as Record<string, unknown>;
    assert.deepEqual(Object.keys(facts).sort(), ['ansible_distribution', 'ansible_hostname', 'ansible_user_id']);
    assert.equal(facts.ansible_user_id, 'root');
    assert.equal(facts.ansible_hostname, hostname().split('.')[0]);
    assert.equal(one(first, 'assert passes', h).result.msg, `all good on ${h}`);
  }

  const second = await kbs(['run', PB, '-i', inv, '-e', `base_root=${base}`]);
  assert.equal(second.code, 0, second.stdout.slice(-3000));
  for (const h of HOSTS) {
    expectStatuses(second, h, false);
    assert.equal(second.recap[h].changed, 0);
    assert.match(String(one(second, 'shell creates', h).result.msg), /not run command since '.*made\.txt' exists/);
    assert.match(String(one(second, 'shell removes', h).result.msg), /not run command since '.*todo\.txt' does not exist/);
  }
});

test('check mode reports that the guarded commands would run, and runs none of them', async () => {
  const base = freshBase('check');
  const r = await kbs(['run', PB, '-i', inv, '--check', '-e', `base_root=${base}`]);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  noPassword(r);
  for (const h of HOSTS) {
    expectStatuses(r, h, true);
    assert.equal(one(r, 'shell creates', h).result.msg, 'Command would have run if not in check mode');
    const b = join(base, h);
    assert.ok(!existsSync(join(b, 'made.txt')) && !existsSync(join(b, 'stdin.txt')) && !existsSync(join(b, 'cmd dir')), `${h}: nothing created`);
    assert.equal(readFileSync(join(b, 'todo.txt'), 'utf8'), 'todo\n', `${h}: nothing removed`);
  }
});
