/**
 * copy / template / assemble planning without a host (util/putfile.ts planPut): the bytes to put
 * and the probed dest → nothing, the write (its spec), or the in-place chmod/chown command.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { planPut, type PutPlan, type PutSpec } from '../../src/modules/util/putfile.js';
import { parseMode } from '../../src/modules/util/mode.js';
import type { FileInfo, Probe } from '../../src/modules/util/remote.js';

const DATA = Buffer.from('x=1\n');
const sha = (algo: string, b: Buffer) => createHash(algo).update(b).digest('hex');

const ABSENT: FileInfo = { exists: false, mode: 0, uid: -1, gid: -1, owner: '', group: '', size: 0, inode: 0, dev: 0, nlink: 0, atime: 0, mtime: 0, ctime: 0, blocks: 0, blockSize: 0, devMajor: 0, devMinor: 0, readable: false, writeable: false, executable: false };
const file = (data: Buffer, mode = 0o644, more: Partial<FileInfo> = {}): FileInfo => ({ ...ABSENT, exists: true, type: 'file', mode, uid: 0, gid: 0, owner: 'root', group: 'root', size: data.length, checksum: sha('sha256', data), readable: true, ...more });

/** the probe of dest /etc/x: its folder exists unless `noParent` */
const probe = (dest: FileInfo, noParent = false): Probe => ({ umask: 0o022, user: 'root', group: 'root', files: { dest }, vals: { D: '/etc/x', ...(noParent ? {} : { PD: '1' }) } });
const spec = (more: Partial<PutSpec> = {}): PutSpec => ({ dest: '/etc/x', data: DATA, backup: false, force: true, follow: false, afterHeader: 'dynamically generated', ...more });

/** the plan in words: what changes, and how */
function words(p: PutPlan): string[] {
  if (p.write) return [`write ${p.write.spec.dest} mode ${p.write.spec.mode.toString(8)} chown ${p.write.spec.chown ?? '-'}${p.write.spec.chownSoft ? ' (soft)' : ''}`];
  if (p.attrs) return [`set attributes of ${p.attrs.path}: ${p.attrs.command.split('\n')[0]}`];
  return [];
}

const ROWS: { what: string; spec: PutSpec; probe: Probe; changes: string[]; result?: Record<string, unknown>; check?: boolean }[] = [
  { what: 'a new file: written with the umask mode', spec: spec(), probe: probe(ABSENT), changes: ['write /etc/x mode 644 chown -'], result: { changed: true } },
  { what: 'a new file with owner and mode', spec: spec({ owner: 'app', mode: parseMode('0600') }), probe: probe(ABSENT), changes: ['write /etc/x mode 600 chown app'] },
  { what: 'the same bytes and mode: nothing', spec: spec(), probe: probe(file(DATA)), changes: [], result: { changed: false, checksum: sha('sha1', DATA), dest: '/etc/x' } },
  { what: 'other bytes: written, the owner kept', spec: spec(), probe: probe(file(Buffer.from('old\n'), 0o640, { uid: 5, gid: 6 })), changes: ['write /etc/x mode 640 chown 5:6 (soft)'] },
  { what: 'the same bytes, another mode: chmod in place', spec: spec({ mode: parseMode('0600') }), probe: probe(file(DATA)), changes: ["set attributes of /etc/x: chmod 600 -- /etc/x || exit 1"] },
  { what: 'the same bytes, another owner: chown in place', spec: spec({ owner: 'app' }), probe: probe(file(DATA)), changes: ["set attributes of /etc/x: chown app -- /etc/x || exit 1"] },
  { what: 'force: no leaves a file alone', spec: spec({ force: false, mode: parseMode('0600') }), probe: probe(file(Buffer.from('old\n'))), changes: [], result: { changed: false, src: null } },
  { what: 'force: no writes a missing file', spec: spec({ force: false }), probe: probe(ABSENT), changes: ['write /etc/x mode 644 chown -'] },
  { what: 'no folder, check mode: a change', spec: spec(), probe: probe(ABSENT, true), check: true, changes: [], result: { changed: true } },
  { what: 'a remote source is copied when its checksum differs', spec: spec({ data: undefined, remote: { path: '/src', sha256: 'f'.repeat(64), sha1: 'a', md5: 'b' }, moduleShape: true }), probe: probe(file(DATA)), changes: ['write /etc/x mode 644 chown 0:0 (soft)'], result: { checksum: 'a', md5sum: 'b', src: '/src' } },
];

test('copy planning table: bytes + the probed dest → changes', () => {
  for (const row of ROWS) {
    const plan = planPut(row.spec, row.probe, { diff: false, check: row.check ?? false });
    assert.deepEqual(words(plan), row.changes, row.what);
    for (const [k, v] of Object.entries(row.result ?? {})) assert.deepEqual(plan.result[k], v, `${row.what}: ${k}`);
  }
});

test('copy planning: refusals, and the result after a write', () => {
  assert.throws(() => planPut(spec(), probe(ABSENT, true), { diff: false }), /Destination directory \/etc does not exist/);
  assert.throws(() => planPut(spec(), probe({ ...ABSENT, exists: true, type: 'directory' }), { diff: false }), /\/etc\/x is a directory/);
  const p = planPut(spec({ backup: true }), probe(file(Buffer.from('old\n'))), { diff: true });
  assert.equal(p.write?.spec.backup, true);
  const r = p.write!.done({ backupFile: '/etc/x.1~', tmp: '/etc/.tmp' });
  assert.deepEqual([r.changed, r.backup_file, r.src, r.checksum], [true, '/etc/x.1~', '/etc/.tmp', sha('sha1', DATA)]);
  assert.ok(Array.isArray(r.diff) && r.diff.length === 1);
});
