/**
 * bin/kbs.js runs the one-file build dist/kbs.mjs (npm run build: tsc, then scripts/bundle.mjs):
 * it finds the shipped playbooks and roles, loads ajv for an error message and reads its
 * dependencies' files (nunjucks filters) as the unbundled build does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

const BIN = resolve('bin/kbs.js');
const kbs = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmpdir() });

test('the bundle is built', () => {
  assert.ok(existsSync(resolve('dist/kbs.mjs')), 'dist/kbs.mjs is missing: npm run build');
});

test('the bundle finds the shipped cluster playbook and its roles', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-bundle-'));
  const inv = join(dir, 'inv.yml');
  writeFileSync(inv, 'all:\n  children:\n    control_plane:\n      hosts:\n        cp1: { ansible_host: 192.0.2.10 }\n');
  const r = kbs('apply', inv, '--syntax-check');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /playbook: .*\/playbooks\/cluster\.yml/);
});

test('a playbook runs on localhost; a bad argument gets the message with the position', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-bundle-'));
  const pb = join(dir, 'pb.yml');
  writeFileSync(pb, `- hosts: localhost
  gather_facts: false
  tasks:
    - command: echo {{ 'a-b' | replace('-', '_') | upper }}
      register: r
    - assert: { that: "r.stdout == 'A_B'" }
`);
  const ok = kbs('run', pb, '-i', 'localhost,');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /localhost\s+: ok=2\s+changed=1/);
  writeFileSync(pb, '- hosts: localhost\n  tasks:\n    - copy: { dest: /x, mdoe: 1 }\n');
  const bad = kbs('run', pb, '-i', 'localhost,');
  assert.equal(bad.status, 4);
  assert.match(bad.stderr, /pb\.yml:3:\d+: error: unknown argument "mdoe" in module "copy"/);
  assert.match(bad.stderr, /did you mean mode\?/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});
