/** A module's pre-rendered diff (`diff.prepared`, as kubernetes.core.helm returns helm-diff's output) is shown as it is, as Ansible's callback shows it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffText } from '../../src/report/format.js';

test('diff.prepared is printed as it is; before/after still make a line diff', () => {
  assert.equal(diffText({ changed: true, diff: { prepared: 'default, web, Deployment (apps) has changed:\n-  replicas: 1\n+  replicas: 2' } }), 'default, web, Deployment (apps) has changed:\n-  replicas: 1\n+  replicas: 2');
  assert.equal(diffText({ changed: true, diff: {} }), undefined);
  assert.match(diffText({ changed: true, diff: { before: 'a\n', after: 'b\n' } }) ?? '', /^--- before\n\+\+\+ after\n/);
});
