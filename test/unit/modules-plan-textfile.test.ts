/**
 * The text-file editors' save (sys/textfile.ts planSave, used by lineinfile, blockinfile, replace,
 * sysctl): the file as read + the new content and attributes → the write, the chmod/chown, or none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planSave, type SavePlan, type TextFile } from '../../src/modules/sys/textfile.js';
import { parseMode } from '../../src/modules/util/mode.js';
import type { AttrWant } from '../../src/modules/util/attrs.js';
import type { FileInfo } from '../../src/modules/util/remote.js';

const INFO: FileInfo = { exists: true, type: 'file', mode: 0o644, uid: 7, gid: 8, owner: 'app', group: 'app', size: 4, inode: 1, dev: 1, nlink: 1, atime: 0, mtime: 0, ctime: 0, blocks: 0, blockSize: 4096, devMajor: 0, devMinor: 0, readable: true, writeable: true, executable: false };
const file = (content: string | undefined): TextFile => ({
  path: '/etc/a.conf',
  real: '/etc/a.conf',
  exists: content !== undefined,
  info: content === undefined ? { ...INFO, exists: false, type: undefined } : INFO,
  content: Buffer.from(content ?? ''),
  umask: 0o022,
  user: 'root',
  group: 'root',
});

/** the plan in words */
const words = (p: SavePlan) => (p.write ? [`write ${p.write.dest} mode ${p.write.mode.toString(8)} chown ${p.write.chown ?? '-'}${p.write.mkdirs ? ' mkdirs' : ''}${p.write.backup ? ' backup' : ''}`] : p.command ? [`chmod/chown: ${p.command}`] : []);

const ROWS: { what: string; file: TextFile; after?: string; attrs?: AttrWant; backup?: boolean; changes: string[]; msg?: string }[] = [
  { what: 'the same content', file: file('a=1\n'), after: 'a=1\n', changes: [] },
  { what: 'other content: written, owner kept', file: file('a=1\n'), after: 'a=2\n', changes: ['write /etc/a.conf mode 644 chown 7:8'] },
  { what: 'other content with a backup', file: file('a=1\n'), after: 'a=2\n', backup: true, changes: ['write /etc/a.conf mode 644 chown 7:8 backup'] },
  { what: 'a new file: created with its folders', file: file(undefined), after: 'a=1\n', backup: true, changes: ['write /etc/a.conf mode 644 chown - mkdirs'] },
  { what: 'only the mode differs', file: file('a=1\n'), after: 'a=1\n', attrs: { mode: parseMode('0600') }, changes: ['chmod/chown: chmod 600 -- /etc/a.conf'], msg: 'ownership, perms or SE linux context changed' },
  { what: 'the mode of a file that stays absent: nothing', file: file(undefined), attrs: { mode: parseMode('0600') }, changes: [] },
  { what: 'content and mode', file: file('a=1\n'), after: 'a=2\n', attrs: { mode: parseMode('0600') }, changes: ['write /etc/a.conf mode 600 chown 7:8'], msg: 'line replaced and ownership, perms or SE linux context changed' },
];

test('text file planning table: the file as read + what it should hold → changes', () => {
  for (const row of ROWS) {
    const result = { changed: false, msg: row.after !== undefined && row.msg?.startsWith('line') ? 'line replaced' : '' };
    const p = planSave(row.file, { result, after: row.after === undefined ? undefined : Buffer.from(row.after), attrs: row.attrs, backup: row.backup }, false);
    assert.deepEqual(words(p), row.changes, row.what);
    assert.equal(result.changed, row.changes.length > 0, `${row.what}: changed`);
    if (row.msg) assert.equal(result.msg, row.msg, `${row.what}: msg`);
  }
});

test('text file planning: --diff adds the file attributes entry after the module’s own', () => {
  const result = { changed: false, diff: { before: 'a=1\n', after: 'a=1\n' } };
  planSave(file('a=1\n'), { result, attrs: { owner: 'root' } }, true);
  assert.ok(Array.isArray(result.diff) && result.diff.length === 2);
  assert.equal((result.diff as { before_header?: string }[])[1].before_header, '/etc/a.conf (file attributes)');
});
