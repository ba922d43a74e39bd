/**
 * The pure parts of the host modules (ini_file, authorized_key, known_hosts, cron, mount, find,
 * assemble), with expectations taken from Ansible's modules (the same inputs run under
 * ansible-playbook in the modules-ssh-*.test.ts comparison tests).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editIni } from '../../src/modules/ini_file.js';
import { editKeys, parseOptions } from '../../src/modules/authorized_key.js';
import { hashHostKey, searchHostKey } from '../../src/modules/known_hosts.js';
import { editCron, renderCron, stripCrontabHeader } from '../../src/modules/cron.js';
import { escapeFstab, linuxMounts, setMount, unsetMount } from '../../src/modules/mount.js';
import { parseAge, parseSize, parseEntries, walkOrder } from '../../src/modules/find.js';
import { escapeDecode, joinFragments } from '../../src/modules/assemble.js';

const ini = (text: string, e: Partial<Parameters<typeof editIni>[1]>) =>
  editIni(text, { values: [], state: 'present', exclusive: true, noExtraSpaces: false, allowNoValue: false, ...e });

test('ini_file: a new file starts with a blank line; a commented option is reused; exclusive drops the others', () => {
  assert.deepEqual(ini('', { section: 's', option: 'o', values: ['1'] }), { lines: ['\n', '[s]\n', 'o = 1\n'], changed: true, msg: 'section and option added' });
  assert.equal(ini('[s]\n# o = 0\nx = 1\n', { section: 's', option: 'o', values: ['2'] }).lines.join(''), '[s]\no = 2\nx = 1\n');
  assert.equal(ini('[s]\no = 1\no = 2\n', { section: 's', option: 'o', values: ['3'] }).lines.join(''), '[s]\no = 3\n');
  const same = ini('[s]\no = 1\n', { section: 's', option: 'o', values: ['1'] });
  assert.equal(same.changed, false);
  assert.equal(ini('[s]\no = 1', { section: 's', option: 'o', values: ['1'] }).changed, true, 'a missing final newline is a change');
  assert.deepEqual(ini('a = 1\n[s]\no = 1\n', { section: 's', state: 'absent' }).lines, ['a = 1\n']);
});

test('authorized_key: options parsed, keys appended with their comment, exclusive removes the rest', () => {
  assert.deepEqual(parseOptions('no-pty,from="a,b",command="x y"'), [['no-pty', null], ['from', '"a,b"'], ['command', '"x y"']]);
  const k1 = 'ssh-ed25519 AAAA1 one';
  const k2 = 'ssh-ed25519 AAAA2 two';
  assert.equal(editKeys('', { keys: k1, state: 'present', exclusive: false }), 'ssh-ed25519 AAAA1 one\n');
  assert.equal(editKeys('ssh-ed25519 AAAA1 one\n', { keys: k1, state: 'present', exclusive: false }), undefined);
  assert.equal(editKeys('ssh-ed25519 AAAA1\n', { keys: 'ssh-ed25519 AAAA1', state: 'present', exclusive: false }), undefined);
  assert.equal(editKeys(`# c\n${k2}\n`, { keys: k1, state: 'present', exclusive: true }), 'ssh-ed25519 AAAA1 one\n');
  assert.equal(editKeys(`${k1}\n${k2}\n`, { keys: k1, state: 'absent', exclusive: false }), 'ssh-ed25519 AAAA2 two\n');
  assert.equal(editKeys('', { keys: k1, state: 'present', exclusive: false, keyOptions: 'no-pty', comment: 'c d' }), 'no-pty ssh-ed25519 AAAA1 c d\n');
  assert.throws(() => editKeys('', { keys: 'not a key', state: 'present', exclusive: false }), /invalid key specified/);
});

test('known_hosts: the ssh-keygen -F answer decides found / replace; hashed names are HMAC-SHA1 (value from Python hmac)', () => {
  const out = '# Host h found: line 3\nh ssh-ed25519 AAAAold\n';
  assert.deepEqual(searchHostKey(out, 'h ssh-ed25519 AAAAold\n'), { found: true, replace: false, line: 3, lines: [3] });
  assert.deepEqual(searchHostKey(out, 'h ssh-ed25519 AAAAnew\n'), { found: true, replace: true, line: 3, lines: [3] });
  assert.deepEqual(searchHostKey('', 'h ssh-ed25519 AAAAnew\n'), { found: false, replace: false, lines: [] });
  const salt = Buffer.alloc(20, 1);
  assert.equal(hashHostKey('example.com', 'example.com ssh-ed25519 AAAA', salt), '|1|AQEBAQEBAQEBAQEBAQEBAQEBAQE=|AqgERpE7/atQuHzpEGc1XodOnYc= ssh-ed25519 AAAA');
});

const cronArgs = { name: 'job', present: true, minute: '*', hour: '*', day: '*', month: '*', weekday: '*', disabled: false, env: false };

test('cron: jobs marked by their #Ansible line, changed in place, env lines first, the header of crontab -l dropped', () => {
  const a = editCron([], '', { ...cronArgs, job: 'echo hi', minute: '5' });
  assert.equal(renderCron(a.lines), '#Ansible: job\n5 * * * * echo hi\n');
  const b = editCron(a.lines, renderCron(a.lines), { ...cronArgs, job: 'echo hi', minute: '6' });
  assert.equal(renderCron(b.lines), '#Ansible: job\n6 * * * * echo hi\n');
  assert.equal(editCron(a.lines, renderCron(a.lines), { ...cronArgs, job: 'echo hi', minute: '5' }).changed, false);
  const e = editCron(a.lines, '', { ...cronArgs, name: 'PATH', env: true, job: '/bin' });
  assert.equal(renderCron(e.lines), 'PATH="/bin"\n#Ansible: job\n5 * * * * echo hi\n');
  const f = editCron([], '', { ...cronArgs, job: 'x', cronFile: '/etc/cron.d/x', user: 'root', special: 'reboot', disabled: true });
  assert.deepEqual(f.lines, ['#Ansible: job', '#@reboot root x']);
  assert.equal(editCron(['#Ansible: job', 'x'], '', { ...cronArgs, present: false, cronFile: '/etc/cron.d/x' }).removeFile, true);
  assert.deepEqual(stripCrontabHeader('# DO NOT EDIT THIS FILE - edit the master and reinstall.\n# (/tmp/x installed on now)\n# (Cron version 3)\na\n').lines, ['a']);
});

test('mount: fstab lines completed, escaped and removed as ansible.posix does', () => {
  assert.equal(escapeFstab('/srv/my data'), '/srv/my\\040data');
  const a = { name: '/data', src: '/dev/sdb1', fstype: 'ext4', opts: 'defaults', dump: '0', passno: '0' };
  assert.deepEqual(setMount('/dev/sdb1 /data ext4 defaults\n', a), { lines: ['/dev/sdb1 /data ext4 defaults 0 0\n'], changed: true });
  assert.deepEqual(setMount('/dev/sdb1 /data ext4 defaults 0 0\n', a).changed, false);
  assert.deepEqual(setMount('# c\n', a).lines, ['# c\n', '/dev/sdb1 /data ext4 defaults 0 0\n']);
  assert.deepEqual(unsetMount('/a none swap sw 0 0\n/b none swap sw 0 0\n', { name: 'none', src: '/b' }).lines, ['/a none swap sw 0 0\n']);
  const mi = '22 1 0:21 / / rw - ext4 /dev/sda1 rw\n30 22 0:40 / /mnt/t rw - tmpfs kbs rw\n31 22 8:1 /srv/x /mnt/b rw - ext4 /dev/sda1 rw\n';
  assert.deepEqual([...linuxMounts(mi)], [['/', '/dev/sda1'], ['/mnt/t', '/'], ['/mnt/b', '/srv/x']]);
});

test('find: ages and sizes as Ansible reads them; entries in os.walk order', () => {
  assert.equal(parseAge('2d'), 172800);
  assert.equal(parseAge('-1h'), -3600);
  assert.equal(parseAge('1y'), undefined);
  assert.equal(parseSize('10k'), 10240);
  assert.equal(parseSize('-1m'), -1048576);
  const rec = (depth: number, type: string, path: string) => `${depth}\t${type}\t${type}\t644\t0\t0\troot\troot\t1\t1\t1\t1\t0\t0\t0\t${path}\0`;
  const e = parseEntries(rec(1, 'd', '/r/b') + rec(2, 'f', '/r/b/x') + rec(1, 'f', '/r/a') + rec(1, 'd', '/r/c'));
  assert.deepEqual(walkOrder('/r/', e, false).map((x) => x.path), ['/r/a', '/r/b', '/r/c', '/r/b/x']);
});

test('assemble: a newline after a fragment without one; delimiter escapes decoded', () => {
  assert.deepEqual(escapeDecode('a\\nb\\x41\\101\\t'), Buffer.from('a\nbAA\t'));
  const f = [{ name: 'a', data: Buffer.from('one') }, { name: 'b', data: Buffer.from('two\n') }];
  assert.equal(joinFragments(f, '#--').toString(), 'one\n#--\ntwo\n');
  assert.equal(joinFragments(f, undefined).toString(), 'one\ntwo\n');
});
