import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { KbsError } from '../../src/errors.js';
import { loadInventory } from '../../src/inventory/load.js';
import { resolvePattern, splitPattern } from '../../src/inventory/pattern.js';
import { globToRegex } from '../../src/util/glob.js';

const inv = loadInventory(join(import.meta.dirname, '../fixtures/inventory/nested/hosts.yml'));
// the orders are ansible-playbook 2.14.18's (test/integration/compare-host-patterns.test.ts runs both)
const ALL = ['bastion', 'db1', 'node03', 'node01', 'node02', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5'];
const hosts = (p: string | string[]) => {
  const r = resolvePattern(inv, p);
  assert.deepEqual(r.warnings, [], `warnings for ${String(p)}`);
  return r.hosts;
};

test('all, *, host names, group names', () => {
  assert.deepEqual(hosts('all'), ALL);
  assert.deepEqual(hosts('*'), ALL);
  assert.deepEqual(hosts('node02'), ['node02']);
  assert.deepEqual(hosts('workers'), ['node02', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5', 'node03']);
  assert.deepEqual(hosts('ungrouped'), ['bastion']);
});

test('globs and regexes match groups and hosts', () => {
  assert.deepEqual(hosts('worker*'), ['node02', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5', 'node03']);
  assert.deepEqual(hosts('gpu?'), ['gpu1', 'gpu3', 'gpu5']);
  assert.deepEqual(hosts('worker[ab]'), ['workera', 'workerb']);
  // worker[!a] also matches the group "workers"
  assert.deepEqual(hosts('worker[!a]'), ['node02', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5', 'node03']);
  assert.deepEqual(hosts('worker[!as]'), ['workerb']);
  assert.deepEqual(hosts('~node0[12]'), ['node01', 'node02']);
  // a regex matches at the start (Python re.match), not necessarily to the end
  assert.deepEqual(resolvePattern(inv, '~orker').hosts, []);
  assert.deepEqual(hosts('~w.rker[ab]'), ['workera', 'workerb']);
  assert.deepEqual(hosts('~work'), ['node02', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5', 'node03']);
  assert.deepEqual(hosts('~(?P<x>gpu)[35]'), ['gpu3', 'gpu5']);
});

test('unions (: , and lists), in the order written, unique', () => {
  assert.deepEqual(hosts('db1:bastion'), ['db1', 'bastion']);
  assert.deepEqual(hosts('db,bastion,db1'), ['db1', 'node03', 'bastion']);
  assert.deepEqual(hosts(['gpu', 'control_plane']), ['gpu1', 'gpu3', 'gpu5', 'node03', 'node01', 'node02']);
  assert.deepEqual(hosts(' db : bastion '), ['db1', 'node03', 'bastion']);
  assert.deepEqual(hosts('node03,db1,bastion'), ['node03', 'db1', 'bastion']);
});

test('intersection and exclusion, applied after unions whatever their place', () => {
  assert.deepEqual(hosts('control_plane:&workers'), ['node02', 'node03']);
  assert.deepEqual(hosts('k8s:!gpu'), ['node01', 'node02', 'workera', 'workerb']);
  assert.deepEqual(hosts('!gpu:k8s'), ['node01', 'node02', 'workera', 'workerb']);
  assert.deepEqual(hosts('&workers:!gpu:control_plane:db'), ['node02']);
  assert.deepEqual(hosts('k8s:&workers:&gpu:!node03'), ['gpu1', 'gpu3', 'gpu5']);
  // only exclusions: start from all
  assert.deepEqual(hosts('!k8s'), ['bastion', 'db1']);
  assert.deepEqual(hosts('&db'), ['db1', 'node03']);
});

test('subscripts index the group in Ansible order (own hosts, then children breadth first)', () => {
  // workers in Ansible order: node02 workera workerb (own), gpu1 gpu3 gpu5 node03 (child gpu)
  assert.deepEqual(hosts('workers[0]'), ['node02']);
  assert.deepEqual(hosts('workers[-1]'), ['node03']);
  assert.deepEqual(hosts('workers[1:3]'), ['workera', 'workerb', 'gpu1']);
  // the result keeps that order
  assert.deepEqual(hosts('workers[5:]'), ['gpu5', 'node03']);
  assert.deepEqual(hosts('control_plane[0]:workers[-1]'), ['node01', 'node03']);
  assert.deepEqual(hosts('all:!control_plane[1:]'), ['bastion', 'db1', 'node01', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5']);
  const r = resolvePattern(inv, 'gpu[1-2]');
  assert.deepEqual(r.hosts, ['gpu3', 'gpu5']);
  assert.match(r.warnings[0], /\[x:y\]/);
  // digits in brackets are a subscript, not a glob class (as in Ansible)
  assert.deepEqual(resolvePattern(inv, 'gpu[35]').hosts, []);
  const out = resolvePattern(inv, 'db[5]');
  assert.deepEqual(out.hosts, []);
  assert.match(out.warnings[0], /out of range/);
});

test('parts that match nothing give warnings, not errors', () => {
  const r = resolvePattern(inv, 'nope:db1:ghost*:!missing');
  assert.deepEqual(r.hosts, ['db1']);
  assert.deepEqual(r.warnings, [
    'Could not match supplied host pattern, ignoring: nope',
    'Could not match supplied host pattern, ignoring: ghost*',
    'Could not match supplied host pattern, ignoring: missing',
  ]);
});

test('localhost resolves to the implicit localhost when it is not in the inventory', () => {
  assert.deepEqual(hosts('localhost'), ['localhost']);
  assert.deepEqual(hosts('localhost:db1'), ['localhost', 'db1']);
  assert.deepEqual(hosts('all'), ALL);
});

test('malformed patterns are PATTERN errors', () => {
  const bad: [string | string[], RegExp][] = [
    ['', /empty host pattern/],
    [' , : ', /empty host pattern/],
    [[], /empty host pattern/],
    ['web[0', /unbalanced/],
    ['web]', /unbalanced/],
    ['all:!', /needs a name/],
    ['&', /needs a name/],
    ['~', /needs a name/],
    ['~web(', /invalid regular expression/],
  ];
  for (const [p, why] of bad) {
    assert.throws(
      () => resolvePattern(inv, p),
      (e: unknown) => e instanceof KbsError && e.code === 'PATTERN' && why.test(e.message) && !!e.hint,
      JSON.stringify(p),
    );
  }
});

test('splitPattern keeps subscripts whole; globToRegex follows fnmatch', () => {
  assert.deepEqual(splitPattern('web[1:3]:db:&prod,!x'), ['web[1:3]', 'db', '&prod', '!x']);
  assert.equal(globToRegex('a.b*?[!x]'), 'a\\.b.*.[^x]');
  assert.equal(globToRegex('a[b'), 'a\\[b');
});
