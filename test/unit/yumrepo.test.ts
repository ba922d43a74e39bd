/**
 * The .repo file handling of yum_repository (src/modules/pkg/yumrepo.ts) against what Python's
 * RawConfigParser and the module's dump() give (expected values printed by Python 3.11).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RepoParseError, dumpRepoFile, parseRepoFile, removeRepo, setRepo, writeRepoFile } from '../../src/modules/pkg/yumrepo.js';

test('read and written back as RawConfigParser: names lowercased, continuation lines, blank lines inside a value, comments dropped', () => {
  const f = parseRepoFile('[a]\nK = v\n  cont\n\n  after blank\nx:y\n# c\n[b]\nz=\n');
  assert.equal(writeRepoFile(f), '[a]\nk = v\n\tcont\n\t\n\tafter blank\nx = y\n\n[b]\nz = \n\n');
});

test('the dump sorts sections and keys and merges [DEFAULT] into every section', () => {
  const f = parseRepoFile('[DEFAULT]\nkeepcache = 0\n[zz]\nb=2\na=1\n[aa]\nname=A\n');
  assert.equal(dumpRepoFile(f), '[aa]\nkeepcache = 0\nname = A\n\n[zz]\na = 1\nb = 2\nkeepcache = 0\n\n');
  assert.equal(writeRepoFile(f), '[DEFAULT]\nkeepcache = 0\n\n[zz]\nb = 2\na = 1\n\n[aa]\nname = A\n\n');
});

test('a section set again moves to the end with its options sorted; removing leaves the others as they were', () => {
  const f = parseRepoFile('[one]\nname=1\n[two]\nname=2\n');
  const g = setRepo(f, 'one', { name: 'One', baseurl: 'http://a\nhttp://b', enabled: '1' });
  assert.equal(writeRepoFile(g), '[two]\nname = 2\n\n[one]\nbaseurl = http://a\n\thttp://b\nenabled = 1\nname = One\n\n');
  assert.equal(writeRepoFile(removeRepo(g, 'two')), '[one]\nbaseurl = http://a\n\thttp://b\nenabled = 1\nname = One\n\n');
  assert.equal(dumpRepoFile(removeRepo(removeRepo(g, 'two'), 'one')), '');
});

test('files RawConfigParser refuses are refused with its messages', () => {
  const msg = (s: string) => {
    try {
      parseRepoFile(s);
    } catch (e) {
      assert.ok(e instanceof RepoParseError);
      return e.message;
    }
    return 'parsed';
  };
  assert.equal(msg('k=v\n[a]\n'), "File contains no section headers.\nfile: '<file>', line: 1\n'k=v\\n'");
  assert.equal(msg('[a]\nk=1\nK=2\n'), "While reading from '<file>' [line  3]: option 'k' in section 'a' already exists");
  assert.equal(msg('[a]\n[a]\n'), "While reading from '<file>' [line  2]: section 'a' already exists");
  assert.equal(msg('[a]\njunk\n'), "Source contains parsing errors: '<file>'\n\t[line  2]: 'junk\\n'");
});
