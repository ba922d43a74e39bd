/**
 * inventory_hostname_short against Ansible's own Host.get_magic_vars: hand-picked names (IPv4 and
 * IPv6 forms, ranges, leading zeros, names that only begin like an address) and seeded random ones
 * built from address-like pieces must give the same short name. Skipped where /usr/bin/python3
 * has no ansible.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PY, pythonCan, rng } from '../helpers/pycompare.js';
import { inventoryHostnameShort, looksLikeAddress } from '../../src/inventory/shortname.js';

const hasAnsible = pythonCan('import ansible.inventory.host');

const SHORT = `
import json, sys
from ansible.inventory.host import Host
json.dump([Host(n).get_magic_vars()['inventory_hostname_short'] for n in json.load(sys.stdin)], sys.stdout)
`;

const NAMES = [
  'cp-1', 'node1.example.com', 'localhost', 'ab-1', 'a', 'deadbeef', 'cafe.example',
  '10.0.0.1', '192.168.1.255', '256.1.1.1', '010.0.0.1', '1.2.3', '1.2.3.4.5', '10.0.0.[1:3]', '10.0.[0:9:2].1',
  '::', '::1', 'fe80::1', '2001:db8::8a2e:370:7334', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', 'a::b', 'a::b-x', 'ab::.x',
  '::ffff:192.0.2.3', '0:0:0:0:0:0:1.2.3.4', '0:0:0:0:0:ffff:1.2.3.4', 'FE80::ABCD', '[1:2]::1', 'fe80::1%eth0',
  'host:22', 'x.y.z', '1.example.com', '0.0.0.0', '255.255.255.255', '1.1.1.01', 'ffff::', 'g::1', ':1', ':::',
];

const PIECES = ['1', '10', '255', '256', '010', 'a', 'ff', 'ffff', 'fffff', 'g', 'x', '0', '[1:3]', '[a:f]', '[0:9:2]', 'host', '-', '_'];
const SEPS = ['.', ':', '::', '.', ':', ''];

function randomNames(n: number): string[] {
  const r = rng(11);
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const parts = 1 + Math.floor(r() * 8);
    let s = r() < 0.15 ? SEPS[Math.floor(r() * SEPS.length)] : '';
    for (let j = 0; j < parts; j++) s += PIECES[Math.floor(r() * PIECES.length)] + (j < parts - 1 ? SEPS[Math.floor(r() * SEPS.length)] : '');
    if (r() < 0.1) s += SEPS[Math.floor(r() * SEPS.length)];
    out.push(s);
  }
  return out;
}

test('inventory_hostname_short: the same as Ansible for hand-picked and 3000 random names', { skip: hasAnsible ? false : 'no ansible for /usr/bin/python3' }, () => {
  const names = [...NAMES, ...randomNames(3000)];
  const py = spawnSync(PY, ['-c', SHORT], { input: JSON.stringify(names), encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const want = JSON.parse(py.stdout) as string[];
  const diffs = names.map((n, i) => ({ n, want: want[i], got: inventoryHostnameShort(n) })).filter((d) => d.want !== d.got);
  assert.deepEqual(diffs.slice(0, 10), []);
  // the cases are not all on one side
  const addr = names.filter(looksLikeAddress).length;
  assert.ok(addr > 300 && addr < names.length - 300, `${addr} of ${names.length} look like addresses`);
});

test('inventory_hostname_short: addresses keep their dots, names lose their domain', () => {
  assert.equal(inventoryHostnameShort('10.0.0.1'), '10.0.0.1');
  assert.equal(inventoryHostnameShort('010.0.0.1'), '010.0.0.1'); // Ansible's pattern takes a leading zero
  assert.equal(inventoryHostnameShort('fe80::1'), 'fe80::1');
  assert.equal(inventoryHostnameShort('a::b-x.example'), 'a::b-x.example'); // Ansible's IPv6 pattern is anchored only at the start here
  assert.equal(inventoryHostnameShort('cp-1.example.com'), 'cp-1');
  assert.equal(inventoryHostnameShort('256.1.1.1'), '256');
});
