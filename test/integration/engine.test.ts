/**
 * kbs run end to end over a real OpenSSH server: three inventory hosts reach the same sshd and
 * work in their own folders. First run changes, second run changes nothing, check mode touches
 * nothing, secrets stay hidden.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, results, sshdInventory } from '../helpers/kbs.js';
import { userInventory } from './modules-ssh-shared.js';

const FIX = resolve('test/fixtures/engine');
let sshd: Sshd;
let work: string;
const hosts = ['node1', 'node2', 'node3'];

before(async () => {
  sshd = await startSshd();
  work = mkdtempSync(join(tmpdir(), 'kbs-engine-'));
});
after(async () => {
  await sshd?.stop();
  rmSync(work, { recursive: true, force: true });
});

function vars(runId: string) {
  mkdirSync(join(work, runId + '-local'), { recursive: true });
  return ['-e', `run_id=${runId}`, '-e', `local_dir=${join(work, runId + '-local')}`, '-e', 'secret_value=s3cr3t-T0ken'];
}

test('site.yml converges, then a second run changes nothing', async () => {
  const runId = `conv-${process.pid}`;
  const inv = sshdInventory(join(work, 'inv.yml'), sshd, hosts);
  const first = await kbs(['run', join(FIX, 'site.yml'), '-i', inv, ...vars(runId)]);
  assert.equal(first.code, 0, first.stderr + first.stdout.slice(-3000));
  for (const h of hosts) {
    const s = first.recap[h];
    assert.ok(s.changed >= 10, `${h} changed=${s.changed}`);
    assert.equal(s.failed, 0);
    assert.equal(s.rescued, 1);
    const base = `/tmp/kbs-it/${runId}/${h}`;
    assert.equal(readFileSync(`${base}/list.conf`, 'utf8'), 'pkg=alpha\npkg=beta\npkg=gamma\n');
    assert.match(readFileSync(`${base}/web.conf`, 'utf8'), /^# managed by kbs\nname=default-name\nport=8080\npkg.1=alpha\npkg.2=beta\npkg.3=gamma\n$/);
    assert.equal((statSync(`${base}/web.conf`).mode & 0o777).toString(8), '640');
    assert.equal(readFileSync(`${base}/base.txt`, 'utf8'), 'base-role\n');
    assert.equal(readFileSync(`${base}/index.html`, 'utf8'), '<h1>kbs</h1>\n');
    assert.equal(readFileSync(`${base}/facts.txt`, 'utf8'), 'True True\n');
    assert.equal(readFileSync(`${base}/rescued.txt`, 'utf8'), 'rescued Fails on purpose\n');
    assert.ok(existsSync(`${base}/always.txt`));
    assert.ok(!existsSync(`${base}/never.txt`));
    assert.equal(readFileSync(`${base}/included.txt`, 'utf8'), `included on ${h}\n`);
    assert.equal(readFileSync(`${base}/restarts.log`, 'utf8'), 'restarted\n', 'handler runs once');
    assert.equal(readFileSync(join(work, `${runId}-local`, `${h}.txt`), 'utf8'), `local ${h}\n`);
    assert.equal(readFileSync(`${base}/secret.txt`, 'utf8'), 's3cr3t-T0ken\n');
  }
  assert.equal(existsSync(`/tmp/kbs-it/${runId}/node1/first.txt`), true);
  assert.equal(existsSync(`/tmp/kbs-it/${runId}/node2/first.txt`), false);
  assert.equal(results(first, 'Once for all hosts').length, 1, 'run_once runs on one host');
  assert.ok(!first.stdout.includes('s3cr3t-T0ken'), 'no_log hides the secret');
  assert.equal(first.events.filter((e) => e.type === 'recap').length, 1);
  const recap = first.events.find((e) => e.type === 'recap');
  assert.ok(recap && recap.type === 'recap' && recap.connections === hosts.length, 'one connection per host');

  const second = await kbs(['run', join(FIX, 'site.yml'), '-i', inv, ...vars(runId)]);
  assert.equal(second.code, 0, second.stderr);
  for (const h of hosts) assert.equal(second.recap[h].changed, 0, `${h} second run: ${JSON.stringify(results(second).filter((r) => r.host === h && r.status === 'changed').map((r) => r.task))}`);
  for (const h of hosts) assert.equal(readFileSync(`/tmp/kbs-it/${runId}/${h}/restarts.log`, 'utf8'), 'restarted\n');
});

test('check mode reports changes and changes nothing; --diff shows the template', async () => {
  const runId = `check-${process.pid}`;
  const inv = sshdInventory(join(work, 'inv-check.yml'), sshd, hosts);
  // converge first, then ask check mode what a new web_name would change
  const conv = await kbs(['run', join(FIX, 'site.yml'), '-i', inv, ...vars(runId)]);
  assert.equal(conv.code, 0, conv.stdout.slice(-2000));
  const conf = `/tmp/kbs-it/${runId}/node1/web.conf`;
  const before = readFileSync(conf, 'utf8');
  const r = await kbs(['run', join(FIX, 'site.yml'), '-i', inv, '--check', '--diff', ...vars(runId), '-e', 'web_name=renamed']);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.equal(readFileSync(conf, 'utf8'), before, 'check mode leaves the file alone');
  assert.equal(readFileSync(`/tmp/kbs-it/${runId}/node1/restarts.log`, 'utf8'), 'restarted\n', 'handlers only simulated');
  const tpl = results(r, 'Web config');
  assert.equal(tpl.length, 3);
  for (const t of tpl) assert.equal(t.status, 'changed');
  const diff = JSON.stringify(tpl[0].result.diff ?? '');
  assert.match(diff, /name=default-name/);
  assert.match(diff, /name=renamed/);
  for (const h of hosts) assert.equal(r.recap[h].changed, 2, 'template + its handler'); // the handler runs in check mode too
  // a fresh check-mode run creates nothing at all
  const fresh = `fresh-${process.pid}`;
  await kbs(['run', join(FIX, 'site.yml'), '-i', inv, '--check', ...vars(fresh)]);
  assert.ok(!existsSync(`/tmp/kbs-it/${fresh}`), 'nothing created in check mode');
});

test('an undefined variable fails the task on that host, naming the variable and file:line', async () => {
  const inv = sshdInventory(join(work, 'inv-undef.yml'), sshd, ['node1']);
  const pb = join(work, 'undef.yml');
  writeFileSync(pb, '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: Uses a missing var\n      debug:\n        msg: "{{ not_there }}"\n');
  const r = await kbs(['run', pb, '-i', inv]);
  assert.equal(r.code, 2);
  const res = results(r, 'Uses a missing var')[0];
  assert.equal(res.status, 'failed');
  assert.match(String(res.result.msg), /not_there/);
  assert.match(String(res.result.msg), /undef\.yml:4/);
  assert.equal(r.recap.node1.failed, 1);
});

test('become: an unprivileged user becomes root through sudo', async () => {
  const inv = sshdInventory(join(work, 'inv-become.yml'), sshd, ['u1'], { user: 'kbstest' });
  const pb = join(work, 'become.yml');
  const dir = `/tmp/kbs-it/become-${process.pid}`;
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  tasks:
    - name: As the user
      command: id -un
      register: plain
    - name: As root
      command: id -un
      become: true
      register: rooted
    - name: Root-owned folder
      file: {path: ${dir}, state: directory, mode: "0700"}
      become: true
    - assert:
        that: [plain.stdout == 'kbstest', rooted.stdout == 'root']
`,
  );
  const r = await kbs(['run', pb, '-i', inv]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  assert.equal(statSync(dir).uid, 0);
  rmSync(dir, { recursive: true, force: true });
});

test('host keys: unknown is refused with the fingerprint, accept-new adds it, changed is refused', async () => {
  const known = join(work, 'known_hosts_empty');
  writeFileSync(known, '');
  const inv = sshdInventory(join(work, 'inv-hk.yml'), sshd, ['hk1'], { knownHosts: known });
  const pb = join(work, 'ping.yml');
  writeFileSync(pb, '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: "true"\n');
  const refused = await kbs(['run', pb, '-i', inv]);
  assert.equal(refused.code, 5);
  assert.equal(refused.recap.hk1.unreachable, 1);
  assert.ok(refused.stdout.includes(sshd.hostKeyFingerprint), 'fingerprint shown');
  const accepted = await kbs(['run', pb, '-i', inv, '--accept-new-host-keys']);
  assert.equal(accepted.code, 0, accepted.stdout.slice(-1500));
  assert.match(readFileSync(known, 'utf8'), new RegExp(`\\[127\\.0\\.0\\.1\\]:${sshd.port} ssh-ed25519 `));
  const again = await kbs(['run', pb, '-i', inv]);
  assert.equal(again.code, 0);
  // a different key for the same host: always refused, even with accept-new
  const other = readFileSync(sshd.knownHostsFile, 'utf8').replace(/AAAA[A-Za-z0-9+/=]+/, 'AAAAC3NzaC1lZDI1NTE5AAAAIBbDWLbzQfNRzsn9kIMVZ1WVPbcL+4M9rBZtXqSrvMhA');
  writeFileSync(known, other);
  const changed = await kbs(['run', pb, '-i', inv, '--accept-new-host-keys']);
  assert.equal(changed.code, 5);
  assert.match(changed.stdout, /CHANGED|changed/);
});

test('remote_user per play: each login gets its own connection, a later play reuses the first', async () => {
  // no ansible_user on the host, so the play's remote_user decides who logs in
  const inv = userInventory(join(work, 'inv-ru.yml'), sshd, { ru1: {} });
  const play = (n: number, user: string) =>
    `- hosts: all\n  gather_facts: false\n  remote_user: ${user}\n  tasks:\n    - name: who ${n}\n      command: id -un\n      changed_when: false\n`;
  const pb = join(work, 'remote-user.yml');
  writeFileSync(pb, play(1, 'kbstest') + play(2, 'root') + play(3, 'kbstest'));
  const r = await kbs(['run', pb, '-i', inv]);
  assert.equal(r.code, 0, r.stdout.slice(-2000));
  const who = (n: number) => (results(r, `who ${n}`)[0]?.result as { stdout?: string } | undefined)?.stdout;
  assert.deepEqual([who(1), who(2), who(3)], ['kbstest', 'root', 'kbstest']);
  const recap = r.events.find((e) => e.type === 'recap');
  assert.equal(recap?.type === 'recap' ? recap.connections : undefined, 2, 'one connection per login user');
});

test("ansible-playbook's connection flags: -u and --private-key where the inventory sets none, -b/--become-user, -c local; inventory and play win", async () => {
  const inv = join(work, 'inv-flags.yml');
  writeFileSync(
    inv,
    [
      'all:',
      '  vars:',
      '    ansible_host: 127.0.0.1',
      `    ansible_port: ${sshd.port}`,
      `    ansible_ssh_common_args: "-o UserKnownHostsFile=${sshd.knownHostsFile}"`,
      '  hosts:',
      '    f1: {}',
      '    f2: {ansible_user: root}',
      '',
    ].join('\n'),
  );
  const pb = join(work, 'flags.yml');
  writeFileSync(
    pb,
    `- hosts: all
  gather_facts: false
  tasks:
    - command: id -un
      register: who
    - command: id -un
      become: false
      register: plain
    - debug: msg="{{ who.stdout }} {{ plain.stdout }} {{ ansible_connection | default('-') }}"
- hosts: f1
  gather_facts: false
  connection: ssh
  tasks:
    - command: id -un
      register: viassh
    - debug: msg="ssh {{ viassh.stdout }}"
`,
  );
  const msgs = (r: Awaited<ReturnType<typeof kbs>>) =>
    r.events
      .flatMap((e) => (e.type === 'host_result' && e.action === 'debug' ? [`${e.host}: ${String(e.result.msg)}`] : []))
      .sort();
  // -u kbstest with the key: f1 logs in as kbstest, f2 keeps the inventory's root; -b --become-user kbspw for tasks that do not say otherwise
  const r = await kbs(['run', pb, '-i', inv, '-u', 'kbstest', '--private-key', sshd.clientKey, '-b', '--become-user', 'kbspw', '-l', 'f1,f2']);
  assert.equal(r.code, 0, r.stderr + r.stdout.slice(-3000));
  // ansible_connection: the task's connection as Ansible's PlayContext gives it (ssh), though the inventory sets none
  assert.deepEqual(msgs(r), ['f1: kbspw kbstest ssh', 'f1: ssh kbspw', 'f2: kbspw root ssh']);
  // without --private-key there is no key for f1: it is unreachable
  const nokey = await kbs(['run', pb, '-i', inv, '-u', 'kbstest', '-l', 'f1', '--connect-timeout', '5']);
  assert.notEqual(nokey.code, 0);
  // -c local: the tasks run here, as the user running kbs; a play's `connection:` still wins
  const local = await kbs(['run', pb, '-i', inv, '-c', 'local', '--private-key', sshd.clientKey, '-u', 'kbstest', '-l', 'f1']);
  assert.equal(local.code, 0, local.stderr + local.stdout.slice(-3000));
  const me = (await import('node:os')).userInfo().username;
  assert.deepEqual(msgs(local), [`f1: ${me} ${me} local`, 'f1: ssh kbstest']);
  const bad = await kbs(['run', pb, '-i', inv, '-c', 'winrm']);
  assert.equal(bad.code, 4);
  assert.match(bad.stderr, /--connection winrm is not a connection kbs has/);
});
