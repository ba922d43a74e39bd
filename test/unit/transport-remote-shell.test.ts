/**
 * RemoteShell's own bookkeeping, over a scripted channel: the real protocol is tested against a
 * real sshd in test/integration/transport_shell.test.ts; these cover what a real host rarely does
 * on cue (a command that outlives its limit on a host without `timeout`, a sudo that never answers).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import type { Client } from 'ssh2';
import { RemoteShell } from '../../src/transport/remote_shell.js';

class FakeChannel extends EventEmitter {
  stderr = new EventEmitter();
  written: string[] = [];
  signals: string[] = [];
  closed = false;
  write(s: string) {
    this.written.push(s);
    return true;
  }
  end() {
    this.closed = true;
  }
  close() {
    this.closed = true;
    setImmediate(() => this.emit('close'));
  }
  signal(s: string) {
    this.signals.push(s);
  }
}

function fakeClient(ch: FakeChannel, sent: string[] = []): Client {
  return { exec: (cmd: string, cb: (e: Error | undefined, c: FakeChannel) => void) => (sent.push(cmd), cb(undefined, ch)) } as unknown as Client;
}

/** A shell as the login user, once it said it is up (its mark on stderr). */
async function openShell(ch: FakeChannel): Promise<RemoteShell> {
  const sent: string[] = [];
  const opening = RemoteShell.open(fakeClient(ch, sent));
  ch.stderr.emit('data', Buffer.from(`${/KBS-SHELL-[0-9a-f]+/.exec(sent[0])![0]}\n`));
  return (await opening)!;
}

test('the shell is not handed out before it says it runs', async () => {
  const ch = new FakeChannel();
  const sent: string[] = [];
  let up = false;
  const opening = RemoteShell.open(fakeClient(ch, sent)).then((sh) => ((up = true), sh));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(up, false, 'open() waits for the mark');
  ch.stderr.emit('data', Buffer.from(`${/KBS-SHELL-[0-9a-f]+/.exec(sent[0])![0]}\n`));
  assert.ok(await opening);
});

test('a command that outlives its limit without an answer: rc -1, the shell is killed and closed', async () => {
  const ch = new FakeChannel();
  const sh = await openShell(ch);
  const t0 = Date.now();
  // kbs's timer is unref'd (the ssh socket keeps a real run alive): keep this test alive instead
  const alive = setInterval(() => undefined, 1000);
  const r = await sh.run('sleep 100', { timeoutMs: 100 }).finally(() => clearInterval(alive));
  assert.ok(Date.now() - t0 >= 100);
  assert.equal(r.rc, -1);
  assert.equal(r.hung, true);
  assert.match(ch.written[0], /timeout -s KILL/);
  assert.deepEqual(ch.signals, ['KILL']);
  assert.equal(ch.closed, true);
  assert.equal(sh.alive, false);
});

test('output comes back framed; the nonce changes per command; bytes between commands are dropped', async () => {
  const ch = new FakeChannel();
  const sh = await openShell(ch);
  const answer = (out: string, err: string, rc: number) => {
    const nonce = /printf '([0-9a-f]{32})%d/.exec(ch.written.at(-1)!)![1];
    ch.emit('data', Buffer.from(`${out}${nonce}${rc}\n`));
    ch.stderr.emit('data', Buffer.from(`${err}${nonce}\n`));
    return nonce;
  };
  const p1 = sh.run('echo a');
  assert.equal(sh.busy, true);
  const n1 = answer('a\n', 'warn\n', 3);
  assert.deepEqual(await p1, { rc: 3, stdout: 'a\n', stderr: 'warn\n', stdoutBuf: Buffer.from('a\n') });
  assert.equal(sh.busy, false);
  ch.emit('data', Buffer.from('late output of a background job\n'));
  const p2 = sh.run('echo b', { inline: true });
  assert.match(ch.written[1], /^\( eval /);
  const n2 = answer('b\n', '', 0);
  assert.notEqual(n1, n2);
  assert.equal((await p2).stdout, 'b\n');
});

test('the channel closing mid-command: rc -1, lost, with what had arrived', async () => {
  const ch = new FakeChannel();
  const sh = await openShell(ch);
  const p = sh.run('echo x; kill $PPID');
  ch.emit('data', Buffer.from('x\n'));
  ch.emit('close');
  const r = await p;
  assert.deepEqual([r.rc, r.lost, r.stdout], [-1, true, 'x\n']);
  assert.match(r.stderr, /remote shell on the host ended/);
  assert.deepEqual(await sh.run('true'), { lost: true, rc: -1, stdout: '', stderr: r.stderr.trim() });
});

test('become: the password is written once on the prompt; a second prompt means no shell', async () => {
  const ok = new FakeChannel();
  const sent: string[] = [];
  const opening = RemoteShell.open(fakeClient(ok, sent), { password: 's3cret' });
  const mark = /KBS-SHELL-[0-9a-f]+/.exec(sent[0])![0];
  ok.stderr.emit('data', Buffer.from('[kbs-sudo-prompt]'));
  assert.deepEqual(ok.written, ['s3cret\n']);
  ok.stderr.emit('data', Buffer.from(`${mark}\n`));
  assert.ok(await opening);
  assert.doesNotMatch(sent[0], /s3cret/, 'the password is never part of the command');

  const bad = new FakeChannel();
  const sent2: string[] = [];
  const failing = RemoteShell.open(fakeClient(bad, sent2), { password: 'wrong' });
  bad.stderr.emit('data', Buffer.from('[kbs-sudo-prompt]'));
  bad.stderr.emit('data', Buffer.from('Sorry, try again.\n[kbs-sudo-prompt]'));
  assert.equal(await failing, undefined);
  assert.deepEqual(bad.written, ['wrong\n']);
});
