/**
 * expect's pure parts, without a host: pexpect's command line splitting, the answers as bytes,
 * the conversation (matching, answers in turn, a list that runs out), Python's bytes repr in the
 * failure message, the results, and the reading of the host script's report lines. The expected
 * values are what pexpect 4.8 and Python 3.11 give.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Conversation, answerBytes, pyBytesRepr, ranResult, readQuestions, skippedResult, splitCommandLine } from '../../src/modules/expect/conversation.js';
import { PtyReader, ptyScript } from '../../src/modules/expect/pty.js';
import { shq } from '../../src/transport/shell.js';
import { timeoutArg } from '../../src/modules/expect.js';

test("the command line split as pexpect's split_command_line", () => {
  const rows: [string, string[]][] = [
    ['echo hi', ['echo', 'hi']],
    [' x', ['', 'x']], // leading whitespace: an empty first word (not shlex)
    ["a '' b", ['a', '', 'b']],
    ["a ''", ['a']], // an empty last word is dropped
    ['a\\ b', ['a b']],
    ['"a\\"b c"', ['a\\b', 'c']], // no escapes inside double quotes
    ["it's \"q\" 'x y'", ['its "q" x', 'y']],
    ['a\t\tb  ', ['a', 'b']],
    ['\\\\x', ['\\x']],
    ['x "" ', ['x', '']],
  ];
  for (const [line, words] of rows) assert.deepEqual(splitCommandLine(line), words, JSON.stringify(line));
});

test("answers: Python's str() of the value, trailing newlines replaced by one", () => {
  const rows: [unknown, string][] = [
    ['bob', 'bob\n'],
    ['bob\n\n', 'bob\n'],
    ['two\nlines', 'two\nlines\n'],
    [5, '5\n'],
    [true, 'True\n'],
    [null, 'None\n'],
    ['é', 'é\n'],
  ];
  for (const [v, out] of rows) assert.equal(answerBytes(v).toString('utf8'), out, JSON.stringify(v));
});

test("Python's repr() of bytes", () => {
  const rows: [Buffer, string][] = [
    [Buffer.from('got a2\r\nQ3?'), "b'got a2\\r\\nQ3?'"],
    [Buffer.from("it's"), 'b"it\'s"'],
    [Buffer.from('it\'s "x"'), "b'it\\'s \"x\"'"],
    [Buffer.from([0, 0x1b, 0x5b, 0x30, 0x6d, 0xc3, 0xa9, 0x5c]), "b'\\x00\\x1b[0m\\xc3\\xa9\\\\'"],
    [Buffer.from('tab\there'), "b'tab\\there'"],
  ];
  for (const [b, repr] of rows) assert.equal(pyBytesRepr(b), repr);
});

/** feed CHUNKS one by one; what was sent (as text) and the failure, if any */
function talk(responses: Record<string, unknown>, chunks: string[]): { sent: string[]; failed?: string; output: string } {
  const c = new Conversation(readQuestions(responses));
  const sent: string[] = [];
  for (const chunk of chunks) {
    for (const s of c.feed(Buffer.from(chunk))) {
      if ('send' in s) sent.push(s.send.toString());
      else return { sent, failed: s.exhausted, output: c.output().toString() };
    }
  }
  return { sent, output: c.output().toString() };
}

test('the conversation: answers in turn, the earliest match, prompts split across chunks', () => {
  // a list is answered in turn, a string every time
  assert.deepEqual(talk({ 'Q\\d\\?': ['a', 'b'], 'Sure\\?': 'y' }, ['Q1? ', 'Sure? Q2? ', 'Sure? ']).sent, ['a\n', 'y\n', 'b\n', 'y\n']);
  // the match that starts first wins, whatever the order of the questions; on a tie the first question
  assert.deepEqual(talk({ two: 'T', one: 'O' }, ['one two']).sent, ['O\n', 'T\n']);
  assert.deepEqual(talk({ 'pass\\w*': 'A', pass: 'B' }, ['password:']).sent, ['A\n']);
  // a prompt that arrives in pieces is matched once it is whole; matched text is not matched again
  assert.deepEqual(talk({ 'Password:': 'pw' }, ['Pass', 'word:', ' ok']).sent, ['pw\n']);
  // (?i) and DOTALL, as the module compiles the questions
  assert.deepEqual(talk({ '(?i)password:': 'x', 'a.b': 'y' }, ['PASSWORD: a\nb']).sent, ['x\n', 'y\n']);
  // the output is all of it, matched or not
  assert.equal(talk({ 'Q\\?': 'a' }, ['Q? ', 'done\r\n']).output, 'Q? done\r\n');
  // no questions: nothing is sent
  assert.deepEqual(talk({}, ['anything']).sent, []);
  // a question that can match nothing is answered once per chunk, not forever
  assert.deepEqual(talk({ 'x*': 'a' }, ['yy', 'zz']).sent, ['a\n', 'a\n']);
});

test('the conversation: a list that runs out fails with the output since the last match', () => {
  const r = talk({ 'Q\\d\\?': ['a1', 'a2'] }, ['Q1? got a1\r\nQ2?', ' got a2\r\nQ3? ']);
  assert.deepEqual(r.sent, ['a1\n', 'a2\n']);
  assert.equal(r.failed, "No remaining responses for 'Q\\d\\?', output was 'b' got a2\\r\\nQ3?''");
  // bytes, as pexpect matches: a UTF-8 question matches its bytes
  assert.deepEqual(talk({ 'é': 'x' }, ['café']).sent, ['x\n']);
  assert.equal(talk({ 'é': [] }, ['café']).failed, "No remaining responses for 'é', output was 'b'caf\\xc3\\xa9''");
});

test('the results: the output with the terminal\'s \\r\\n, trailing ones stripped; the timeout and rc', () => {
  const t0 = new Date(2024, 0, 2, 3, 4, 5, 6);
  const t1 = new Date(t0.getTime() + 1500);
  const ok = ranResult('cmd x', Buffer.from('Name? \r\nhello\r\n\r\n'), 0, t0, t1);
  assert.deepEqual(ok, {
    changed: true,
    cmd: 'cmd x',
    stdout: 'Name? \r\nhello',
    stdout_lines: ['Name? ', 'hello'],
    rc: 0,
    start: '2024-01-02 03:04:05.006000',
    end: '2024-01-02 03:04:06.506000',
    delta: '0:00:01.500000',
  });
  assert.deepEqual([ranResult('c', Buffer.from(''), null, t0, t1)].map((r) => [r.failed, r.msg, r.rc, r.stdout_lines]), [[true, 'command exceeded timeout', null, []]]);
  assert.deepEqual([ranResult('c', Buffer.from('x'), 3, t0, t1)].map((r) => [r.failed, r.msg, r.rc, r.changed]), [[true, 'non-zero return code', 3, true]]);
  assert.deepEqual(skippedResult('c', 'creates', '/x'), { changed: false, cmd: 'c', stdout: 'skipped, since /x exists', stdout_lines: ['skipped, since /x exists'], rc: 0 });
  assert.equal(skippedResult('c', 'removes', 'y').stdout, 'skipped, since y does not exist');
});

test('the host script: its report lines read from stderr, other text kept apart', () => {
  const r = new PtyReader();
  assert.equal(r.feed(Buffer.from('script: some warning\nkbs-expect:pi')), false);
  assert.equal(r.feed(Buffer.from('d 4242\n')), true);
  assert.equal(r.report.pid, '4242');
  r.feed(Buffer.from('kbs-expect:chdir 20\nkbs-expect:notfound\ntail'));
  assert.deepEqual(r.report, { pid: '4242', chdir: 20, notFound: true });
  assert.equal(r.rest(), 'script: some warning\ntail');
  // the command's words are quoted; echo as asked
  const s = ptyScript({ argv: ['prog', "it's", '$HOME'], chdir: '~/x', creates: 'f', echo: false });
  assert.match(s, /stty -echo rows 24 cols 80/);
  // the terminal's script is one quoted word of the outer one: each ' in it written '\''
  const quoted = (text: string) => text.replace(/'/g, "'\\''");
  assert.ok(s.includes(quoted(`exec "$p" ${shq("it's")} ${shq('$HOME')}`)), s);
  assert.match(s, /^d=~\/x$/m);
  assert.match(ptyScript({ argv: ['p'], echo: true }), /stty echo rows/);
});

test('timeout: null waits for ever, -1 is pexpect\'s default, another negative times out at once', () => {
  const rows: [unknown, number][] = [
    [null, Infinity],
    [30, 30],
    ['7', 7],
    [-1, 30],
    [-5, 0],
    [0, 0],
  ];
  for (const [v, n] of rows) assert.equal(timeoutArg(v), n, JSON.stringify(v));
});
