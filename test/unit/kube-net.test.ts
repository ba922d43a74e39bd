/** IP addresses and CIDRs as kubeadm reads them (Go's net.ParseIP / ParseCIDR), and range overlap. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { overlaps, parseCidr, parseIp, rangeSize } from '../../src/kube/net.js';

test('addresses: IPv4 dotted quads, IPv6 with :: and an IPv4 tail; the rest refused', () => {
  const ok: [string, 4 | 6, bigint][] = [
    ['10.0.0.1', 4, 0x0a000001n],
    ['255.255.255.255', 4, 0xffffffffn],
    ['0.0.0.0', 4, 0n],
    ['::', 6, 0n],
    ['::1', 6, 1n],
    ['fd00::', 6, 0xfd00n << 112n],
    ['fd00:10::5', 6, (0xfd00n << 112n) | (0x10n << 96n) | 5n],
    ['2001:db8:0:0:0:0:0:1', 6, (0x2001n << 112n) | (0xdb8n << 96n) | 1n],
    ['::ffff:10.0.0.1', 6, (0xffffn << 32n) | 0x0a000001n],
    ['FD00::A', 6, (0xfd00n << 112n) | 10n],
  ];
  for (const [s, family, value] of ok) assert.deepEqual(parseIp(s), { family, value }, s);
  for (const s of ['10.0.0', '10.0.0.256', '010.0.0.1', '10.0.0.1.2', 'fd00:::1', '1::2::3', 'fd00:12345::', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7', 'g::1', '', 'host', ' 10.0.0.1'])
    assert.equal(parseIp(s), undefined, s);
  assert.equal(parseIp(42), undefined);
});

test('CIDRs: prefix within the family, host bits masked as Go does, sizes', () => {
  assert.deepEqual(parseCidr('10.96.0.0/12'), { family: 4, network: 0x0a600000n, prefix: 12, text: '10.96.0.0/12' });
  assert.equal(parseCidr('10.96.3.4/12')!.network, 0x0a600000n);
  assert.equal(parseCidr('fd00:20::/108')!.prefix, 108);
  assert.equal(rangeSize(parseCidr('10.96.0.0/12')!), 1n << 20n);
  assert.equal(rangeSize(parseCidr('fd00::/64')!), 1n << 64n);
  assert.equal(rangeSize(parseCidr('10.0.0.1/32')!), 1n);
  for (const s of ['10.0.0.0', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/-1', '10.0.0.0/08', '10.0.0.0/ 8', 'x/8', '10.0.0.0/8/8'])
    assert.equal(parseCidr(s), undefined, s);
});

test('overlap: same family only, any shared address', () => {
  const o = (a: string, b: string) => overlaps(parseCidr(a)!, parseCidr(b)!);
  assert.equal(o('10.0.0.0/8', '10.96.0.0/12'), true);
  assert.equal(o('10.96.0.0/12', '10.0.0.0/8'), true);
  assert.equal(o('10.244.0.0/16', '10.96.0.0/12'), false);
  assert.equal(o('10.96.0.0/12', '10.111.255.255/32'), true);
  assert.equal(o('10.96.0.0/12', '10.112.0.0/32'), false);
  assert.equal(o('fd00::/56', 'fd00:0:0:ff::/64'), true);
  assert.equal(o('fd00::/56', 'fd00:0:0:100::/64'), false);
  assert.equal(o('0.0.0.0/0', '::/0'), false);
});
