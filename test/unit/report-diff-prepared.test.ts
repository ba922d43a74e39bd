/** A module's pre-rendered diff (`diff.prepared`, as kubernetes.core.helm returns helm-diff's output) is shown as it is, as Ansible's callback shows it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffText, resultDiffText } from '../../src/report/format.js';

test('diff.prepared is printed as it is; before/after still make a line diff', () => {
  const prepared = 'default, web, Deployment (apps) has changed:\n-  replicas: 1\n+  replicas: 2';
  assert.equal(diffText({ changed: true, diff: { prepared } }), prepared);
  // the views end it with a line break, as Ansible's display does
  assert.equal(resultDiffText({ changed: true, diff: { prepared } }), prepared + '\n');
  assert.equal(diffText({ changed: true, diff: {} }), '');
  assert.equal(diffText({ changed: true, diff: { before: 'a\n', after: 'b\n' } }), '--- before\n+++ after\n@@ -1 +1 @@\n-a\n+b\n\n');
  // nothing for a result that did not change, and the notes that stand in for a side
  assert.equal(resultDiffText({ changed: false, diff: { before: 'a\n', after: 'b\n' } }), '');
  assert.equal(diffText({ changed: true, diff: { dst_binary: 1, after_header: 'x', after: 'b\n' } }), 'diff skipped: destination file appears to be binary\n');
  assert.equal(diffText({ changed: true, diff: { before: '', src_larger: 104448 } }), 'diff skipped: source file size is greater than 104448\n');
});
