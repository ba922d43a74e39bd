/**
 * An upload that never finishes never replaces the destination: `kbs run` copies a large file to a
 * real sshd and is SIGKILLed mid-upload (as root, and as kbstest through sudo), interrupted with
 * SIGINT, or its connection is cut mid-upload (the sshd session processes are killed, the shell
 * writing the temp file is not). The destination keeps its old sha256 and no temp file stays behind.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readdirSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { descendants, type Sshd } from '../helpers/sshd.js';
import { startHosts, stopHosts } from './modules-ssh-shared.js';

const BIG_MB = 200;
let sshd: Sshd;
let work: string;
let inv: string;
let big: string;

before(async () => {
  ({ sshd, work, inv } = await startHosts('upload'));
  // BIG_MB of bytes that differ from the old destination (one random MiB, repeated, then a tail)
  big = join(work, 'big.bin');
  const chunk = randomBytes(1 << 20);
  const fd = openSync(big, 'w');
  for (let i = 0; i < BIG_MB; i++) writeSync(fd, chunk);
  writeSync(fd, randomBytes(4096));
  closeSync(fd);
});
after(() => stopHosts(sshd, work));

const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const temps = (dir: string) => readdirSync(dir).filter((n) => n.startsWith('.kbs-tmp'));

/**
 * A folder holding `dest` with old content (root's, 0755: kbstest writes there only through
 * become), and a playbook that copies the big file over it on HOST.
 */
function setup(name: string, host = 'asroot'): { dir: string; dest: string; pb: string; old: string; host: string } {
  const dir = join(work, name);
  mkdirSync(dir, { recursive: true, mode: 0o755 });
  const dest = join(dir, 'dest.bin');
  writeFileSync(dest, `old content of ${name}\n`);
  const pb = join(work, `${name}.yml`);
  writeFileSync(pb, `- hosts: ${host}\n  gather_facts: false\n  tasks:\n    - name: upload\n      copy: {src: ${big}, dest: ${dest}}\n`);
  return { dir, dest, pb, old: sha(dest), host };
}

/** `kbs run` as a child process (so that it can be SIGKILLed), JSON output. */
function kbsChild(pb: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('src/cli/entry.ts'), 'run', pb, '-i', inv, '-o', 'json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, exited, output: () => out };
}

/** Wait until the temp file in DIR holds more than MB megabytes (the upload is under way). */
async function midUpload(dir: string, mb: number, output: () => string): Promise<void> {
  const until = Date.now() + 90_000;
  while (Date.now() < until) {
    for (const t of temps(dir)) {
      try {
        if (statSync(join(dir, t)).size > mb << 20) return;
      } catch {
        /* renamed or removed meanwhile */
      }
    }
    await sleep(20);
  }
  throw new Error(`the upload never got going:\n${output().slice(-2000)}`);
}

/** The host's side notices in its own time: wait for the temp file to go (bounded). */
async function settled(dir: string): Promise<void> {
  const until = Date.now() + 20_000;
  while (Date.now() < until && temps(dir).length) await sleep(50);
}

for (const host of ['asroot', 'asuser']) {
  test(`kbs SIGKILLed mid-upload (${host}): the destination keeps its old content, no temp file remains`, async () => {
    const { dir, dest, pb, old } = setup(`killed-${host}`, host);
    const k = kbsChild(pb);
    await midUpload(dir, 16, k.output);
    k.child.kill('SIGKILL');
    await k.exited;
    await settled(dir);
    assert.equal(sha(dest), old, 'the destination was replaced by a part of the upload');
    assert.deepEqual(temps(dir), [], 'a temp file was left behind');
  });
}

test('kbs interrupted (SIGINT) mid-upload: exit 130, the destination keeps its old content, no temp file remains', async () => {
  const { dir, dest, pb, old } = setup('sigint');
  const k = kbsChild(pb);
  await midUpload(dir, 16, k.output);
  k.child.kill('SIGINT');
  const code = await k.exited;
  await settled(dir);
  assert.equal(sha(dest), old, 'the destination was replaced by a part of the upload');
  assert.deepEqual(temps(dir), [], 'a temp file was left behind');
  assert.equal(code, 130, k.output().slice(-2000));
});

test('the connection cut mid-upload: the destination keeps its old content, no temp file remains, the host is unreachable', async () => {
  const { dir, dest, pb, old } = setup('cut');
  const k = kbsChild(pb);
  await midUpload(dir, 16, k.output);
  // the per-connection sshd processes only: the remote shell writing the temp file lives on and sees the end of its input
  const sessions = descendants(sshd.pid).filter((p) => {
    try {
      return readFileSync(`/proc/${p}/comm`, 'utf8').trim().startsWith('sshd');
    } catch {
      return false;
    }
  });
  assert.ok(sessions.length > 0, 'an sshd session process to kill');
  for (const p of sessions) process.kill(p, 'SIGKILL');
  const code = await k.exited;
  await settled(dir);
  assert.equal(sha(dest), old, 'the destination was replaced by a part of the upload');
  assert.deepEqual(temps(dir), [], 'a temp file was left behind');
  assert.equal(code, 3, `exit 3 (unreachable)\n${k.output().slice(-2000)}`);
});

test('an upload that completes replaces the destination', async () => {
  const { dir, dest, pb } = setup('whole');
  const k = kbsChild(pb);
  const code = await k.exited;
  assert.equal(code, 0, k.output().slice(-2000));
  assert.equal(sha(dest), sha(big));
  assert.deepEqual(temps(dir), []);
});
