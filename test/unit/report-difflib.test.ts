/**
 * unified_diff against Python's difflib.unified_diff (what Ansible's callback writes for --diff):
 * seeded random pairs of line lists, short and long (200 lines and more, where difflib leaves
 * frequent lines unmatched on their own), with few and many distinct lines, edits at both ends and
 * in the middle, lines without a final line break. Skipped where /usr/bin/python3 is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PY, pythonCan, rng } from '../helpers/pycompare.js';
import { unifiedDiff } from '../../src/report/difflib.js';

const hasPython = pythonCan('import difflib');

const DIFF = `
import difflib, json, sys
json.dump([list(difflib.unified_diff(a, b, fromfile='before', tofile='after: x', fromfiledate='', tofiledate='', n=n)) for a, b, n in json.load(sys.stdin)], sys.stdout)
`;

function pair(r: () => number): [string[], string[], number] {
  const alphabet = 2 + Math.floor(r() * (r() < 0.5 ? 4 : 40));
  const len = r() < 0.2 ? 150 + Math.floor(r() * 300) : Math.floor(r() * 30);
  const line = () => (r() < 0.3 ? '' : `line ${Math.floor(r() * alphabet)}`) + (r() < 0.02 ? '' : '\n');
  const a = Array.from({ length: len }, line);
  const b: string[] = [];
  for (const l of a) {
    const x = r();
    if (x < 0.1) continue; // deleted
    if (x < 0.2) b.push(line()); // replaced
    else b.push(l);
    if (r() < 0.08) b.push(line()); // inserted
  }
  if (r() < 0.3) b.unshift(line());
  if (r() < 0.3) b.push(line());
  return [a, b, r() < 0.8 ? 3 : Math.floor(r() * 6)];
}

test('unified_diff: the same lines as Python difflib for 1200 random pairs', { skip: hasPython ? false : 'no /usr/bin/python3' }, () => {
  const r = rng(3);
  const cases = Array.from({ length: 1200 }, () => pair(r));
  const py = spawnSync(PY, ['-c', DIFF], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(py.status, 0, py.stderr);
  const want = JSON.parse(py.stdout) as string[][];
  const diffs = cases.map(([a, b, n], i) => ({ i, want: want[i], got: unifiedDiff(a, b, 'before', 'after: x', n) })).filter((d) => JSON.stringify(d.want) !== JSON.stringify(d.got));
  assert.deepEqual(diffs.slice(0, 2), []);
  // the cases are not all trivial: several hunks, and long files
  assert.ok(want.filter((w) => w.filter((l) => l.startsWith('@@')).length > 2).length > 100);
  assert.ok(cases.filter(([, b]) => b.length >= 200).length > 50);
});

test('unified_diff: headers, ranges, no output for equal sides', () => {
  assert.deepEqual(unifiedDiff([], ['a\n', 'b\n'], 'before', 'after'), ['--- before\n', '+++ after\n', '@@ -0,0 +1,2 @@\n', '+a\n', '+b\n']);
  assert.deepEqual(unifiedDiff(['a\n'], ['a\n'], 'before', 'after'), []);
  assert.deepEqual(unifiedDiff(['a\n', 'b\n'], ['a\n', 'c\n'], 'before', 'after'), ['--- before\n', '+++ after\n', '@@ -1,2 +1,2 @@\n', ' a\n', '-b\n', '+c\n']);
});
