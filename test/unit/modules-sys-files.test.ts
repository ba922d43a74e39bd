/** blockinfile, replace, sysctl's file logic, get_url's checksum files, curl config: local tests. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeCtx, runModule, tempDir } from './modules/helper.js';
import { editBlock } from '../../src/modules/edit/block.js';
import { fixSysctl, parseSysctl, sameValue, sysctlValue } from '../../src/modules/edit/sysctlfile.js';
import { findChecksum, parseChecksum } from '../../src/modules/sys/checksum.js';
import { cfgQuote, curlConfig, safeUrl, urlFilename } from '../../src/modules/sys/curl.js';
import { pySubn, withFlags } from '../../src/modules/replace.js';
import { pyRegex } from '../../src/modules/util/pyregex.js';

const B = { marker: '# {mark} ANSIBLE MANAGED BLOCK', markerBegin: 'BEGIN', markerEnd: 'END', present: true };

test('editBlock inserts at EOF, updates in place, removes, honours insertafter/insertbefore', () => {
  let e = editBlock('a\nb', { ...B, block: 'x\ny' });
  assert.equal(e.after, 'a\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nx\ny\n# END ANSIBLE MANAGED BLOCK\n');
  assert.equal(e.msg, 'Block inserted');
  const again = editBlock(e.after, { ...B, block: 'x\ny' });
  assert.deepEqual([again.changed, again.msg], [false, '']);
  const upd = editBlock('top\n' + e.after + 'tail\n', { ...B, block: 'z' });
  assert.equal(upd.after, 'top\na\nb\n# BEGIN ANSIBLE MANAGED BLOCK\nz\n# END ANSIBLE MANAGED BLOCK\ntail\n');
  const rm = editBlock(upd.after, { ...B, block: 'z', present: false });
  assert.deepEqual([rm.after, rm.msg], ['top\na\nb\ntail\n', 'Block removed']);
  e = editBlock('[a]\n1\n[b]\n2\n', { ...B, block: 'k', insertafter: '^\\[a\\]', insertre: pyRegex('^\\[a\\]') });
  assert.equal(e.after, '[a]\n# BEGIN ANSIBLE MANAGED BLOCK\nk\n# END ANSIBLE MANAGED BLOCK\n1\n[b]\n2\n');
  e = editBlock('[a]\n1\n', { ...B, block: 'k', insertbefore: 'BOF' });
  assert.match(e.after, /^# BEGIN/);
  e = editBlock('x\n', { ...B, marker: '<!-- {mark} -->', markerBegin: 'start', markerEnd: 'stop', block: 'k', insertbefore: '^nomatch', insertre: pyRegex('^nomatch') });
  assert.equal(e.after, 'x\n<!-- start -->\nk\n<!-- stop -->\n');
});

test('blockinfile on a file: create, idempotent, check mode, diff, mode, absent', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const path = join(dir, 'sub', 'hosts');
    const args = { path, block: '10.0.0.1 a\n10.0.0.2 b', create: true, mode: '0640' };
    const chk = await runModule('blockinfile', args, await makeCtx({ check: true, diff: true }));
    assert.deepEqual([chk.changed, chk.msg], [true, 'File created']);
    assert.equal(existsSync(path), false, 'check mode writes nothing');
    const r = await runModule('blockinfile', args, await makeCtx());
    assert.equal(r.changed, true);
    assert.equal(readFileSync(path, 'utf8'), '# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.1 a\n10.0.0.2 b\n# END ANSIBLE MANAGED BLOCK\n');
    assert.equal(statSync(path).mode & 0o777, 0o640);
    const ctx = await makeCtx({ diff: true });
    const r2 = await runModule('blockinfile', args, ctx);
    assert.equal(r2.changed, false);
    assert.equal(ctx.commands.length, 1, 'unchanged: one round trip');
    const r3 = await runModule('blockinfile', { ...args, block: '10.0.0.3 c' }, ctx);
    assert.deepEqual([r3.changed, r3.msg], [true, 'Block inserted']);
    const d = (r3.diff as { before: string; after: string }[])[0];
    assert.match(d.before, /10\.0\.0\.2 b/);
    assert.match(d.after, /10\.0\.0\.3 c/);
    chmodSync(path, 0o600);
    const r4 = await runModule('blockinfile', { path, block: '10.0.0.3 c', mode: '0640' }, ctx);
    assert.deepEqual([r4.changed, r4.msg], [true, 'ownership, perms or SE linux context changed']);
    const r5 = await runModule('blockinfile', { path, state: 'absent' }, ctx);
    assert.deepEqual([r5.changed, r5.msg], [true, 'Block removed']);
    assert.equal(readFileSync(path, 'utf8'), '');
    const miss = await runModule('blockinfile', { path: join(dir, 'nope'), block: 'x' }, ctx);
    assert.equal(miss.failed, true);
    assert.match(String(miss.msg), /does not exist/);
  } finally {
    cleanup();
  }
});

test('replace: Python regex with MULTILINE, backrefs, after/before, symlink target, backup', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const real = join(dir, 'fstab');
    const link = join(dir, 'fstab.link');
    writeFileSync(real, 'UUID=1 / ext4 defaults 0 1\n/swap.img none swap sw 0 0\n/dev/sdb none swap sw 0 0\n');
    symlinkSync(real, link);
    const args = { path: link, regexp: '^([^#].*\\sswap\\s.*)$', replace: '# \\1', backup: true };
    const chk = await runModule('replace', args, await makeCtx({ check: true, diff: true }));
    assert.deepEqual([chk.changed, chk.msg], [true, '2 replacements made']);
    assert.match(readFileSync(real, 'utf8'), /^\/swap\.img/m);
    const r = await runModule('replace', args, await makeCtx());
    assert.equal(r.changed, true);
    assert.equal(readFileSync(real, 'utf8'), 'UUID=1 / ext4 defaults 0 1\n# /swap.img none swap sw 0 0\n# /dev/sdb none swap sw 0 0\n');
    assert.ok(existsSync(String(r.backup_file)));
    const r2 = await runModule('replace', args, await makeCtx());
    assert.deepEqual([r2.changed, r2.msg], [false, '']);
    // after/before limit the section
    writeFileSync(real, 'a=1\n[s]\na=1\n[t]\na=1\n');
    const r3 = await runModule('replace', { path: real, regexp: '^a=(?P<v>\\d)$', replace: 'a=\\g<v>0', after: '\\[s\\]', before: '\\[t\\]' }, await makeCtx());
    assert.equal(r3.msg, '1 replacements made');
    assert.equal(readFileSync(real, 'utf8'), 'a=1\n[s]\na=10\n[t]\na=1\n');
    const r4 = await runModule('replace', { path: real, regexp: 'x', after: 'nomatch' }, await makeCtx());
    assert.match(String(r4.msg), /did not match/);
    assert.equal(readdirSync(dir).filter((f) => f.includes('kbs-tmp')).length, 0);
  } finally {
    cleanup();
  }
});

test('pySubn and withFlags follow Python re.subn', () => {
  assert.equal(withFlags('(?i)abc', 'm'), '(?im)abc');
  assert.equal(withFlags('abc', 'm'), '(?m)abc');
  assert.deepEqual(pySubn(pyRegex(withFlags('^(\\w+) = (\\d+)$', 'm')), '\\g<1>=\\2', 'a = 1\nb = 2\n'), ['a=1\nb=2\n', 2]);
  assert.deepEqual(pySubn(pyRegex('x*'), '-', 'abxd'), ['-a-b--d-', 5]);
});

test('sysctl file: parse, fix lines as Ansible (first line per key kept, key=value), values', () => {
  const f = parseSysctl('# comment\nnet.ipv4.ip_forward = 0\n; other\nvm.swappiness=10\nnet.ipv4.ip_forward=0\n');
  assert.equal(f.values.get('net.ipv4.ip_forward'), '0');
  assert.equal(fixSysctl(f, 'net.ipv4.ip_forward', '1', true), '# comment\nnet.ipv4.ip_forward=1\n; other\nvm.swappiness=10\n');
  assert.equal(fixSysctl(f, 'net.ipv4.ip_forward', '', false), '# comment\n; other\nvm.swappiness=10\n');
  assert.equal(fixSysctl(parseSysctl(''), 'a.b', '1', true), 'a.b=1\n');
  assert.deepEqual([sysctlValue(true), sysctlValue('yes'), sysctlValue(1), sysctlValue(' 4 4 1 7 ')], ['1', '1', '1', '4 4 1 7']);
  assert.ok(sameValue('4\t4\t1\t7', '4 4 1 7'));
  assert.ok(!sameValue('1', '0'));
});

test('checksum spec and checksum files as Ansible reads them', () => {
  assert.deepEqual(parseChecksum('sha256:AB-cd'), { algo: 'sha256', hex: 'abcd' });
  assert.deepEqual(parseChecksum('sha256:http://h/x.sha256'), { algo: 'sha256', url: 'http://h/x.sha256' });
  assert.throws(() => parseChecksum('crc32:abcd'), /algorithm must be one of/);
  assert.throws(() => parseChecksum('sha256:xyz'), /checksum format is invalid/);
  assert.throws(() => parseChecksum('abcd'), /format <algorithm>:<checksum>/);
  assert.equal(findChecksum('deadbeef\n', 'kubeadm'), 'deadbeef');
  assert.equal(findChecksum('aaa  other\nbbb *./kubeadm\nccc  kubeadm\n', 'kubeadm'), 'bbb');
  assert.equal(findChecksum('aaa  other\n', 'kubeadm'), undefined);
});

test('curl config keeps secrets off the command line, quoted safely; URLs are shown without them', () => {
  const cfg = curlConfig({ url: 'http://h/x', user: 'u', password: 'p"a\\ss\nword', headers: { 'X-T': 'v' }, timeout: 5, validateCerts: false });
  assert.match(cfg, /^user = "u:p\\"a\\\\ss\\nword"$/m);
  assert.match(cfg, /^header = "X-T: v"$/m);
  assert.match(cfg, /^insecure$/m);
  assert.equal(cfgQuote('a"b'), '"a\\"b"');
  assert.equal(safeUrl('http://bob:secret@h/x'), 'http://********@h/x');
  assert.equal(urlFilename('http://h/a/kube%20adm?x=1'), 'kube adm');
  assert.equal(urlFilename('http://h/'), 'index.html');
});
