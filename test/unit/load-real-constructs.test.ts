/**
 * Constructs of real playbooks (Kubespray's) that the loader must accept as Ansible does, each on
 * a small fixture written here; what Ansible also refuses stays refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import type { Playbook } from '../../src/load/model.js';

function load(files: Record<string, string>): Playbook {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-real-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    return loadPlaybook(join(dir, 'site.yml'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;

test('copy: src and content both given as templates that may render to omit load (checked when the task runs)', () => {
  const pb = load({
    'site.yml': play(`    - copy:
        src: "{{ cert if not b64 else omit }}"
        content: "{{ cert | b64decode if b64 else omit }}"
        dest: /tmp/x
`),
  });
  assert.equal(pb.plays[0].tasks.length, 1);
  assert.throws(
    () => load({ 'site.yml': play('    - copy: {src: a.txt, content: hi, dest: /tmp/a}\n'), 'files/a.txt': 'a\n' }),
    (e: unknown) => e instanceof KbsError && e.message === 'copy: src and content are mutually exclusive',
  );
});
