import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';

const FIX = join(import.meta.dirname, '../fixtures/inventory');
const temps: string[] = [];
after(() => temps.forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'kbs-inv-'));
  temps.push(d);
  return d;
};
const nested = () => loadInventory(join(FIX, 'nested/hosts.yml'));

test('YAML inventory: hosts in definition order, ranges expanded, host:port', () => {
  const inv = nested();
  assert.deepEqual([...inv.hosts.keys()], ['bastion', 'node01', 'node02', 'node03', 'workera', 'workerb', 'gpu1', 'gpu3', 'gpu5', 'db1']);
  assert.equal(inv.hosts.get('db1')!.sourceVars!.ansible_port, 2222);
  assert.deepEqual(inv.hosts.get('node01')!.pos, { file: join(FIX, 'nested/hosts.yml'), line: 19, col: 13 });
});

test('nested children: three levels, parents/children links, depth, a host in two branches', () => {
  const inv = nested();
  const g = (n: string) => inv.groups.get(n)!;
  assert.deepEqual([...inv.groups.keys()].sort(), ['all', 'control_plane', 'db', 'gpu', 'k8s', 'ungrouped', 'workers']);
  assert.deepEqual(g('all').children, ['ungrouped', 'k8s', 'db']);
  assert.deepEqual(g('k8s').children, ['control_plane', 'workers']);
  assert.deepEqual(g('workers').children, ['gpu']);
  assert.deepEqual(g('gpu').parents, ['workers']);
  assert.deepEqual(
    ['all', 'ungrouped', 'k8s', 'db', 'control_plane', 'workers', 'gpu'].map((n) => g(n).depth),
    [0, 1, 1, 1, 2, 2, 3],
  );
  assert.deepEqual(g('workers').hosts, ['node02', 'workera', 'workerb']);
  assert.deepEqual(g('gpu').hosts, ['gpu1', 'gpu3', 'gpu5', 'node03']);
  // node02: control_plane and workers; node03: control_plane, gpu (under workers) and db
  assert.deepEqual(inv.hosts.get('node02')!.groups, ['all', 'k8s', 'control_plane', 'workers']);
  assert.deepEqual(inv.hosts.get('node03')!.groups, ['all', 'db', 'k8s', 'control_plane', 'workers', 'gpu']);
  // the same host listed twice merges its vars
  assert.deepEqual(inv.hosts.get('node02')!.sourceVars, { ansible_user: 'admin', role: 'both' });
  assert.deepEqual(inv.hosts.get('node03')!.sourceVars, { ansible_user: 'admin', level: 'host' });
});

test('ungrouped holds the hosts that are only in all', () => {
  const inv = nested();
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['bastion']);
  assert.deepEqual(inv.hosts.get('bastion')!.groups, ['all', 'ungrouped']);
  // a host listed under ungrouped and in a real group leaves ungrouped
  const dir = tempDir();
  const f = join(dir, 'h.yml');
  writeFileSync(f, 'all:\n  children:\n    ungrouped:\n      hosts:\n        a:\n        b:\n    web:\n      hosts:\n        a:\n');
  const inv2 = loadInventory(f);
  assert.deepEqual(inv2.groups.get('ungrouped')!.hosts, ['b']);
  assert.deepEqual(inv2.hosts.get('a')!.groups, ['all', 'web']);
});

test('an empty inventory still has all and ungrouped', () => {
  const dir = tempDir();
  const f = join(dir, 'empty.yml');
  writeFileSync(f, '# nothing\n');
  const inv = loadInventory(f);
  assert.deepEqual([...inv.groups.keys()], ['all', 'ungrouped']);
  assert.equal(inv.hosts.size, 0);
  assert.equal(inv.implicitLocalhost?.name, 'localhost');
});

test('names are the text written in the file, not YAML 1.1 booleans or numbers', () => {
  const dir = tempDir();
  const f = join(dir, 'h.yml');
  writeFileSync(f, 'all:\n  children:\n    y:\n      hosts:\n        on:\n        1.10:\n        "quoted":\n');
  const inv = loadInventory(f);
  assert.deepEqual([...inv.hosts.keys()], ['on', '1.10', 'quoted']);
  assert.ok(inv.groups.has('y'));
});

test('YAML anchors and merge keys in the inventory', () => {
  const dir = tempDir();
  const f = join(dir, 'h.yml');
  writeFileSync(
    f,
    'all:\n  children:\n    a:\n      hosts: &hs\n        h1: &hv\n          x: 1\n    b:\n      hosts: *hs\n      vars:\n        <<: *hv\n        z: 2\n',
  );
  const inv = loadInventory(f);
  assert.deepEqual(inv.groups.get('b')!.hosts, ['h1']);
  assert.deepEqual(inv.groups.get('b')!.sourceVars, { x: 1, z: 2 });
});

test('a merge key in hosts: adds the anchored hosts (PyYAML expands merges), not a host named "<<"', () => {
  const dir = tempDir();
  const f = join(dir, 'h.yml');
  writeFileSync(f, 'all:\n  children:\n    a:\n      hosts: &hs\n        h1:\n    b:\n      hosts:\n        <<: *hs\n        h2:\n');
  const inv = loadInventory(f);
  assert.deepEqual(inv.groups.get('b')!.hosts, ['h1', 'h2']);
  assert.deepEqual([...inv.hosts.keys()], ['h1', 'h2']);
});

test('a folder inventory loads its files sorted (YAML and extension-less INI), and its group_vars', () => {
  const inv = loadInventory(join(FIX, 'folder'));
  assert.deepEqual(inv.sources.map((s) => s.split('/').pop()), ['01-base.yml', '02-more.yaml', '03-ini']);
  assert.deepEqual([...inv.hosts.keys()], ['web1', 'web2', 'db1']);
  assert.deepEqual(inv.groups.get('web')!.vars, { from_second: true, folder_gv: true });
});

test('INI inventory: sections, :children, :vars, host vars as Python literals, ranges and ports', () => {
  const inv = loadInventory(join(FIX, 'ini/hosts.ini'));
  assert.deepEqual([...inv.hosts.keys()], ['loose', 'web1', 'web2', 'web3', 'db1']);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['loose']);
  assert.deepEqual(inv.hosts.get('web1')!.vars, { http_port: 80, label: 'front end' });
  assert.deepEqual(inv.hosts.get('web3')!.vars, { ansible_port: 2201 });
  assert.deepEqual(inv.hosts.get('db1')!.vars, { ansible_python_interpreter: '/usr/bin/python3', weight: 1.5, ok: true });
  assert.deepEqual(inv.groups.get('app')!.children, ['web', 'db']);
  assert.deepEqual(inv.groups.get('app')!.vars, { app_env: 'prod', retries: 3 });
  assert.deepEqual(inv.hosts.get('web2')!.groups, ['all', 'app', 'web']);
  assert.deepEqual(inv.hosts.get('web1')!.pos, { file: join(FIX, 'ini/hosts.ini'), line: 5, col: 1 });
});

test('the implicit localhost exists only when localhost is not an inventory host', () => {
  const inv = nested();
  assert.equal(inv.implicitLocalhost?.implicit, true);
  assert.deepEqual(inv.implicitLocalhost?.groups, []);
  const dir = tempDir();
  const f = join(dir, 'h.yml');
  writeFileSync(f, 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n');
  assert.equal(loadInventory(f).implicitLocalhost, undefined);
});
