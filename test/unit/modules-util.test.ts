import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { toBool, splitLines, pyDelta, pyDateTime, nowMicros } from '../../src/modules/util/args.js';
import { applySymbolic, formatMode, parseMode, resolveMode } from '../../src/modules/util/mode.js';
import { shlexSplit } from '../../src/modules/util/shlex.js';
import { pyExpand, pyRegex } from '../../src/modules/util/pyregex.js';
import { argWord } from '../../src/modules/util/command.js';
import { absent, present } from '../../src/modules/lineinfile.js';
import { KbsError } from '../../src/errors.js';

test('toBool takes Ansible booleans and rejects others', () => {
  for (const v of [true, 'yes', 'Yes', 'on', 'true', 'True', 'y', '1', 1]) assert.equal(toBool(v), true, String(v));
  for (const v of [false, 'no', 'NO', 'off', 'false', 'n', '0', 0]) assert.equal(toBool(v, true), false, String(v));
  assert.equal(toBool(undefined, true), true);
  assert.equal(toBool(null, false), false);
  assert.throws(() => toBool('maybe', false, 'force'), (e: unknown) => e instanceof KbsError && /force/.test(e.message));
});

test('parseMode: numbers are mode values (YAML 1.1 0644 = 420), strings are octal or symbolic', () => {
  assert.deepEqual(parseMode(420), { kind: 'octal', value: 0o644 });
  assert.deepEqual(parseMode('0644'), { kind: 'octal', value: 0o644 });
  assert.deepEqual(parseMode('644'), { kind: 'octal', value: 0o644 });
  assert.deepEqual(parseMode('0o750'), { kind: 'octal', value: 0o750 });
  assert.deepEqual(parseMode('u=rw,g=r,o=r'), { kind: 'symbolic', spec: 'u=rw,g=r,o=r' });
  assert.deepEqual(parseMode('preserve'), { kind: 'preserve' });
  assert.equal(parseMode(undefined), undefined);
  assert.throws(() => parseMode('rwxr-xr-x'), KbsError);
  assert.throws(() => parseMode('99999'), KbsError);
  assert.throws(() => parseMode('17777'), KbsError);
});

test('formatMode prints 0%03o like Ansible', () => {
  assert.equal(formatMode(0o644), '0644');
  assert.equal(formatMode(0o4755), '04755');
  assert.equal(formatMode(0o7), '0007');
});

test('symbolic modes follow chmod/Ansible semantics', () => {
  assert.equal(applySymbolic('u=rw,g=r,o=r', 0o777, false), 0o644);
  assert.equal(applySymbolic('a+X', 0o644, true), 0o755);
  assert.equal(applySymbolic('a+X', 0o644, false), 0o644);
  assert.equal(applySymbolic('a+X', 0o744, false), 0o755);
  assert.equal(applySymbolic('go-rwx', 0o755, false), 0o700);
  assert.equal(applySymbolic('+x', 0o644, false, 0o022), 0o755);
  assert.equal(applySymbolic('+w', 0o444, false, 0o022), 0o644, 'umask masks bits without a who');
  assert.equal(applySymbolic('u+s,o+t', 0o755, true), 0o5755);
  assert.equal(applySymbolic('g=u', 0o740, false), 0o770);
  assert.equal(applySymbolic('u=rwx,g=rx,o=', 0o000, true), 0o750);
  assert.equal(resolveMode({ kind: 'octal', value: 0o600 }, 0o777, false), 0o600);
});

test('symbolic modes agree with chmod on this machine', () => {
  const dir = execFileSync('mktemp', ['-d']).toString().trim();
  try {
    for (const [spec, start] of [['u=rw,g=r,o=r', '777'], ['a+X', '644'], ['go-w,u+x', '666'], ['o=g', '751'], ['ug+s', '755']] as const) {
      const f = `${dir}/f`;
      execFileSync('sh', ['-c', `rm -f ${f}; touch ${f}; chmod ${start} ${f}; chmod ${spec} ${f}`]);
      const got = parseInt(execFileSync('stat', ['-c', '%a', f]).toString(), 8);
      assert.equal(applySymbolic(spec, parseInt(start, 8), false), got, spec);
    }
  } finally {
    execFileSync('rm', ['-rf', dir]);
  }
});

test('shlexSplit splits like Python shlex.split', () => {
  assert.deepEqual(shlexSplit('echo hello world'), ['echo', 'hello', 'world']);
  assert.deepEqual(shlexSplit(`echo 'a b' "c d" e\\ f`), ['echo', 'a b', 'c d', 'e f']);
  assert.deepEqual(shlexSplit(`a "x\\"y" "p\\q" 'r\\s'`), ['a', 'x"y', 'p\\q', 'r\\s']);
  assert.deepEqual(shlexSplit(`a '' b`), ['a', '', 'b']);
  assert.deepEqual(shlexSplit(`a"b"'c'`), ['abc']);
  assert.deepEqual(shlexSplit('  '), []);
  assert.deepEqual(shlexSplit('echo $HOME > x'), ['echo', '$HOME', '>', 'x']);
  assert.throws(() => shlexSplit(`echo 'oops`), /no closing quotation/);
});

test('pyRegex translates Python syntax', () => {
  const m = pyRegex('^(?P<key>\\w+)=(?P=key)$').exec('ab=ab');
  assert.equal(m?.groups?.key, 'ab');
  assert.equal(pyRegex('(?i)^listen').test('LISTEN 80'), true);
  assert.equal(pyRegex('^foo\\s+$').test('foo \n'), true);
  assert.equal(pyRegex('foo$').test('foo\n'), true, "Python's $ matches before a final newline");
  assert.equal(pyRegex('foo$').test('foo\nbar'), false);
  assert.equal(pyRegex('\\Afoo\\Z').test('foo'), true);
  assert.equal(pyRegex('a(?#comment)b').test('ab'), true);
  assert.equal(pyRegex('[]x]').test(']'), true);
  assert.equal(pyRegex('(?x) a b  # spaced\n c').test('abc'), true);
  assert.throws(() => pyRegex('(unclosed'), (e: unknown) => e instanceof KbsError && /invalid regexp/.test(e.message));
});

test('pyExpand expands groups and escapes like match.expand', () => {
  const m = pyRegex('^(\\w+)=(?P<v>.*)$').exec('key=value')!;
  assert.equal(pyExpand('\\1: \\g<v> \\g<1>\\t!', m), 'key: value key\t!');
  const opt = pyRegex('^(a)(b)?').exec('a')!;
  assert.equal(pyExpand('[\\2]', opt), '[]');
  assert.throws(() => pyExpand('\\9', m), KbsError);
  assert.throws(() => pyExpand('\\q', m), KbsError);
});

test('argWord expands $VAR and ~ on the host and keeps unknown variables', () => {
  const words = ['$HOME/x', '${KBS_T}', '$NOPE_NOT_SET', "it's", '~/y', 'plain', '', '${NOPE2}z'].map((w) => argWord(w, true));
  const out = execFileSync('sh', ['-c', `printf '[%s]\\n' ${words.join(' ')}`], { env: { HOME: '/home/t', KBS_T: 'v a l', PATH: process.env.PATH } }).toString();
  assert.equal(out, '[/home/t/x]\n[v a l]\n[$NOPE_NOT_SET]\n[it\'s]\n[/home/t/y]\n[plain]\n[]\n[${NOPE2}z]\n');
  const lit = execFileSync('sh', ['-c', `printf '%s' ${argWord('$HOME', false)}`], { env: { HOME: '/h' } }).toString();
  assert.equal(lit, '$HOME');
});

test('splitLines and pyDelta', () => {
  assert.deepEqual(splitLines('a\nb\r\nc\n'), ['a', 'b', 'c']);
  assert.deepEqual(splitLines(''), []);
  assert.equal(pyDelta(1234.5), '0:00:01.234500');
  assert.equal(pyDelta(3723004), '1:02:03.004000');
});

test("pyDateTime: Python's str(datetime) in local time, microseconds when not 0", () => {
  const at = new Date(2024, 4, 1, 10, 0, 0, 123);
  assert.equal(pyDateTime(at), '2024-05-01 10:00:00.123000');
  assert.equal(pyDateTime(at.getTime() * 1000 + 456), '2024-05-01 10:00:00.123456');
  assert.equal(pyDateTime(new Date(2024, 4, 1, 10, 0, 0, 0).getTime() * 1000), '2024-05-01 10:00:00', 'no fraction at 0 microseconds, as Python');
  assert.equal(pyDateTime(new Date(2024, 4, 1, 10, 0, 0, 0)), '2024-05-01 10:00:00.000000', 'a Date has no microseconds to say they are 0');
  assert.equal(pyDateTime(new Date(2024, 4, 1, 10, 0, 0, 0).getTime() * 1000 + 7), '2024-05-01 10:00:00.000007');
  // the clock has microseconds, and follows Date's
  const us = nowMicros();
  assert.ok(Math.abs(us / 1000 - Date.now()) < 1000);
  assert.ok(Array.from({ length: 20 }, () => nowMicros() % 1000).some((x) => x !== 0), 'no sub-millisecond digits');
});

const L = (s: string) => s.match(/[^\n]*\n|[^\n]+$/g) ?? [];

test('lineinfile present(): Ansible rules', () => {
  // regexp match: last one wins, replaced
  let r = present(L('a=1\nb=2\na=3\n'), { re: /^a=/, line: 'a=9', insertafter: 'EOF', backrefs: false, firstmatch: false });
  assert.deepEqual([r.lines.join(''), r.msg], ['a=1\nb=2\na=9\n', 'line replaced']);
  r = present(L('a=1\nb=2\na=3\n'), { re: /^a=/, line: 'a=9', insertafter: 'EOF', backrefs: false, firstmatch: true });
  assert.equal(r.lines.join(''), 'a=9\nb=2\na=3\n');
  // no regexp match but the line exists: no change
  r = present(L('x\ny\n'), { re: /^zzz/, line: 'y', insertafter: 'EOF', backrefs: false, firstmatch: false });
  assert.equal(r.changed, false);
  // backrefs without a match: no change
  r = present(L('x\n'), { re: /^(q)/, line: '\\1', insertafter: 'EOF', backrefs: true, firstmatch: false });
  assert.equal(r.changed, false);
  // backrefs with a match
  r = present(L('port=80\n'), { re: /^port=(\d+)/, line: 'port=\\1 # was \\1', insertafter: 'EOF', backrefs: true, firstmatch: false });
  assert.equal(r.lines.join(''), 'port=80 # was 80\n');
  // insertafter regex: after the last match
  r = present(L('[a]\nk=1\n[a]\nk=2\n'), { line: 'new', ins: /^\[a\]/, insertafter: '^\\[a\\]', backrefs: false, firstmatch: false });
  assert.equal(r.lines.join(''), '[a]\nk=1\n[a]\nnew\nk=2\n');
  // insertbefore with firstmatch
  r = present(L('x\nend\nend\n'), { line: 'new', ins: /^end/, insertbefore: '^end', backrefs: false, firstmatch: true });
  assert.equal(r.lines.join(''), 'x\nnew\nend\nend\n');
  // insertbefore BOF, and EOF on a file without final newline
  r = present(L('x\n'), { line: 'top', insertbefore: 'BOF', backrefs: false, firstmatch: false });
  assert.equal(r.lines.join(''), 'top\nx\n');
  r = present(L('x'), { line: 'y', insertafter: 'EOF', backrefs: false, firstmatch: false });
  assert.equal(r.lines.join(''), 'x\ny\n');
  // insertafter regex not matching: appended at the end
  r = present(L('x\n'), { line: 'y', ins: /^nomatch/, insertafter: '^nomatch', backrefs: false, firstmatch: false });
  assert.equal(r.lines.join(''), 'x\ny\n');
  // insertafter the last line, line already there after it
  r = present(L('a\nb\n'), { line: 'b', ins: /^a/, insertafter: '^a', backrefs: false, firstmatch: false });
  assert.equal(r.changed, false);
  // search_string
  r = present(L('listen 80\n'), { search: 'listen', line: 'listen 443', insertafter: 'EOF', backrefs: false, firstmatch: false });
  assert.deepEqual([r.lines.join(''), r.msg], ['listen 443\n', 'line replaced']);
});

test('lineinfile absent(): counts and removes', () => {
  const r = absent(L('a\n#x\nb\n#y\n'), { re: /^#/ });
  assert.deepEqual([r.lines.join(''), r.msg, r.found], ['a\nb\n', '2 line(s) removed', 2]);
  const n = absent(L('a\n'), { line: 'zz' });
  assert.deepEqual([n.changed, n.found], [false, 0]);
});

test("contentDiff: Ansible's copy/template diff data (no before header for a new file; binary and large files as notes)", async () => {
  const { contentDiff } = await import('../../src/modules/util/diff.js');
  const after = Buffer.from('new\n');
  assert.deepEqual(contentDiff(undefined, after, '/d', 'src'), { before: '', after_header: 'src', after: 'new\n' });
  assert.deepEqual(contentDiff(Buffer.from('old\n'), after, '/d', 'src'), { before_header: '/d', before: 'old\n', after_header: 'src', after: 'new\n' });
  assert.deepEqual(contentDiff(Buffer.from('a\0b'), after, '/d', 'src'), { dst_binary: 1, after_header: 'src', after: 'new\n' });
  assert.deepEqual(contentDiff(undefined, after, '/d', 'src', 200_000), { dst_larger: 104448, after_header: 'src', after: 'new\n' });
  assert.deepEqual(contentDiff(Buffer.from(''), Buffer.alloc(200_000, 'x'), '/d', 'src'), { before_header: '/d', before: '', src_larger: 104448 });
  assert.deepEqual(contentDiff(undefined, Buffer.from('x\0'), '/d', 'src'), { before: '', src_binary: 1 });
});
