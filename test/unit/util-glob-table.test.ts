/**
 * The one glob translator (src/util/glob.ts) against a table of Python 3's
 * fnmatch.fnmatchcase results: sets with `]` first (`[]…]`, `[!]…]`), `!` and `^`, ranges
 * (backwards ones are empty), hyphens first and last, backslashes, `*`, `?`, unclosed `[`.
 * The same table checks the POSIX ERE written for grep on a host, and --start-at-task matching.
 * When python3 is installed the table itself is checked against it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { fnmatch, globToEre } from '../../src/util/glob.js';
import { matchName } from '../../src/engine/selection.js';

/** [glob, name, fnmatch.fnmatchcase(name, glob)] as Python 3.11 answers */
const TABLE: [string, string, boolean][] = [
  ["[!]]", "]", false],
  ["[!]]", "x", true],
  ["[!]]", "!", true],
  ["[!]]", "", false],
  ["[]]", "]", true],
  ["[]]", "x", false],
  ["[]a]", "]", true],
  ["[]a]", "a", true],
  ["[]a]", "b", false],
  ["[!]a]", "]", false],
  ["[!]a]", "a", false],
  ["[!]a]", "b", true],
  ["[]-a]", "]", true],
  ["[]-a]", "^", true],
  ["[]-a]", "a", true],
  ["[]-a]", "-", false],
  ["[]-a]", "b", false],
  ["[!]", "[!]", true],
  ["[!]", "!", false],
  ["[", "[", true],
  ["[", "a", false],
  ["a[", "a[", true],
  ["*", "", true],
  ["*", "abc", true],
  ["*", "a\nb", true],
  ["a*b", "ab", true],
  ["a*b", "axxb", true],
  ["a*b", "a\nb", true],
  ["a*b", "abc", false],
  ["?", "a", true],
  ["?", "", false],
  ["?", "ab", false],
  ["?", "\n", true],
  ["a?c", "abc", true],
  ["a?c", "ac", false],
  ["a?c", "a.c", true],
  ["[a-c]", "a", true],
  ["[a-c]", "b", true],
  ["[a-c]", "c", true],
  ["[a-c]", "d", false],
  ["[a-c]", "-", false],
  ["[!a-c]", "a", false],
  ["[!a-c]", "d", true],
  ["[!a-c]", "-", true],
  ["[z-a]", "z", false],
  ["[z-a]", "a", false],
  ["[z-a]", "-", false],
  ["[z-a]", "m", false],
  ["[!z-a]", "z", true],
  ["[!z-a]", "a", true],
  ["[!z-a]", "q", true],
  ["x[z-a]y", "xy", false],
  ["x[z-a]y", "xzy", false],
  ["x[z-a]y", "xay", false],
  ["[a-]", "a", true],
  ["[a-]", "-", true],
  ["[a-]", "b", false],
  ["[-a]", "a", true],
  ["[-a]", "-", true],
  ["[-a]", "b", false],
  ["[!-a]", "a", false],
  ["[!-a]", "-", false],
  ["[!-a]", "b", true],
  ["[a-c-e]", "a", true],
  ["[a-c-e]", "b", true],
  ["[a-c-e]", "-", true],
  ["[a-c-e]", "d", false],
  ["[a-c-e]", "e", true],
  ["[c-a-e]", "c", false],
  ["[c-a-e]", "a", false],
  ["[c-a-e]", "-", true],
  ["[c-a-e]", "e", true],
  ["[c-a-e]", "b", false],
  ["[^x]", "^", true],
  ["[^x]", "x", true],
  ["[^x]", "y", false],
  ["[!^]", "^", false],
  ["[!^]", "x", true],
  ["[\\]", "\\", true],
  ["[\\]", "a", false],
  ["[a\\-z]", "a", true],
  ["[a\\-z]", "\\", true],
  ["[a\\-z]", "-", false],
  ["[a\\-z]", "z", true],
  ["[a\\-z]", "q", true],
  ["[[]", "[", true],
  ["[*?]", "*", true],
  ["[*?]", "?", true],
  ["[*?]", "a", false],
  ["node[0-9][0-9]", "node01", true],
  ["node[0-9][0-9]", "node1", false],
  ["node[0-9][0-9]", "nodeab", false],
  ["web-*.example.com", "web-1.example.com", true],
  ["web-*.example.com", "web-1Xexample.com", false],
  ["a+b(c)|d", "a+b(c)|d", true],
  ["a+b(c)|d", "aab(c)|d", false],
  ["2.6.*", "2.6.12-1+deb12u4", true],
  ["2.6.*", "2.60.1", false],
  ["2.6.*", "12.6.1", false],
  ["Ab", "ab", false],
  ["Ab", "Ab", true],
];

test('fnmatch matches as Python fnmatch.fnmatchcase', () => {
  const wrong = TABLE.filter(([g, n, want]) => fnmatch(n, g) !== want);
  assert.deepEqual(wrong, []);
});

test('--start-at-task globs match as fnmatch', () => {
  const wrong = TABLE.filter(([g, n, want]) => matchName(g, n) !== (want || g === n));
  assert.deepEqual(wrong, []);
});

test('the POSIX ERE for grep -E -x matches the same names', () => {
  const globs = [...new Set(TABLE.map(([g]) => g))];
  const wrong: unknown[] = [];
  for (const g of globs) {
    const rows = TABLE.filter(([glob, n]) => glob === g && !n.includes('\n'));
    const r = spawnSync('grep', ['-n', '-E', '-x', '--', globToEre(g)], { input: rows.map(([, n]) => n).join('\n') + '\n', encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    assert.ok(r.status === 0 || r.status === 1, `grep -E -x '${globToEre(g)}': ${r.stderr}`);
    const hit = new Set(r.stdout.split('\n').filter(Boolean).map((l) => Number(l.split(':')[0]) - 1));
    rows.forEach(([, n, want], i) => {
      if (hit.has(i) !== want) wrong.push([g, globToEre(g), n, want]);
    });
  }
  assert.deepEqual(wrong, []);
});

const python = spawnSync('python3', ['--version']).status === 0;
test('the table is what python3 answers', { skip: !python && 'python3 not installed' }, () => {
  const out = execFileSync('python3', ['-c', 'import fnmatch, json, sys; print(json.dumps([fnmatch.fnmatchcase(n, g) for g, n, _ in json.load(sys.stdin)]))'], {
    input: JSON.stringify(TABLE),
    encoding: 'utf8',
  });
  assert.deepEqual(JSON.parse(out), TABLE.map(([, , want]) => want));
});
