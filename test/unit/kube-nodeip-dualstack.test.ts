/**
 * node IPs of a dual-stack cluster (kubeadm's dual-stack guide: `node-ip: IPv4,IPv6`): the IPv6
 * address beside the chosen IPv4 one, the primary of the first service subnet's family, the
 * inventory's pair, refusals. And the families read from the service subnets.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseNodeIps, type NodeAddressFacts } from '../../src/kube/nodeip.js';
import { subnetFamilies } from '../../src/cluster/plan.js';

const a = (s: string, iface = 'eth0') => ({ address: s.split('/')[0], prefix: Number(s.split('/')[1]), iface });
const n = (name: string, address: string, ipv4: { address: string; prefix: number; iface: string }[], ipv6: { address: string; prefix: number; iface: string }[], def?: string, nodeIp?: string): NodeAddressFacts => ({
  name,
  address,
  nodeIp,
  defaultIpv4: def,
  ipv4,
  ipv6,
});

const rows: { name: string; fam: (4 | 6)[]; nodes: NodeAddressFacts[]; want?: Record<string, string[]>; error?: RegExp }[] = [
  {
    name: 'IPv4 first: the IPv6 address on the interface of the IPv4 one',
    fam: [4, 6],
    nodes: [
      n('cp', '10.0.0.1', [a('10.0.0.1/24')], [a('fd00:1::1/64'), a('fd00:9::1/64', 'eth1')], '10.0.0.1'),
      n('w', '10.0.0.2', [a('10.0.0.2/24')], [a('fd00:9::2/64', 'eth1'), a('fd00:1::2/64')], '10.0.0.2'),
    ],
    want: { cp: ['10.0.0.1', 'fd00:1::1'], w: ['10.0.0.2', 'fd00:1::2'] },
  },
  {
    name: 'IPv6 first: the primary is the IPv6 address',
    fam: [6, 4],
    nodes: [n('cp', '10.0.0.1', [a('10.0.0.1/24')], [a('fd00:1::1/64')], '10.0.0.1'), n('w', '10.0.0.2', [a('10.0.0.2/24')], [a('fd00:1::2/64')], '10.0.0.2')],
    want: { cp: ['fd00:1::1', '10.0.0.1'], w: ['fd00:1::2', '10.0.0.2'] },
  },
  {
    name: 'Vagrant layout, dual-stack: the private network of both families',
    fam: [4, 6],
    nodes: [
      n('cp', '127.0.0.1', [a('10.0.2.15/24', 'eth0'), a('192.168.56.11/24', 'eth1')], [a('fd56::11/64', 'eth1')], '10.0.2.15'),
      n('w', '127.0.0.1', [a('10.0.2.15/24', 'eth0'), a('192.168.56.21/24', 'eth1')], [a('fd56::21/64', 'eth1')], '10.0.2.15'),
    ],
    want: { cp: ['192.168.56.11', 'fd56::11'], w: ['192.168.56.21', 'fd56::21'] },
  },
  {
    name: 'IPv6 only: one IPv6 address',
    fam: [6],
    nodes: [n('cp', 'fd00:1::1', [a('10.0.0.1/24')], [a('fd00:1::1/64')], '10.0.0.1'), n('w', 'fd00:1::2', [a('10.0.0.2/24')], [a('fd00:1::2/64')], '10.0.0.2')],
    want: { cp: ['fd00:1::1'], w: ['fd00:1::2'] },
  },
  {
    name: "the inventory's pair, written IPv6 first, is ordered by the primary family",
    fam: [4, 6],
    nodes: [n('cp', '10.0.0.1', [a('10.0.0.1/24')], [], '10.0.0.1', 'fd00::1,10.1.0.1')],
    want: { cp: ['10.1.0.1', 'fd00::1'] },
  },
  {
    name: 'a node without a global IPv6 address: refused, named',
    fam: [4, 6],
    nodes: [n('cp', '10.0.0.1', [a('10.0.0.1/24')], [a('fd00:1::1/64')], '10.0.0.1'), n('w', '10.0.0.2', [a('10.0.0.2/24')], [], '10.0.0.2')],
    error: /dual-stack .* but w has no global IPv6 address/,
  },
  {
    name: 'one IPv6 address on two nodes: refused, naming both',
    fam: [4, 6],
    nodes: [n('cp', '10.0.0.1', [a('10.0.0.1/24')], [], '10.0.0.1', '10.0.0.1,fd00::9'), n('w', '10.0.0.2', [a('10.0.0.2/24')], [], '10.0.0.2', '10.0.0.2,fd00::9')],
    error: /nodes cp and w would register the same node IP fd00::9/,
  },
];

for (const r of rows) {
  test(`dual-stack node ip: ${r.name}`, () => {
    const res = chooseNodeIps(r.nodes, r.fam);
    if (r.error) {
      assert.ok('error' in res, JSON.stringify(res));
      assert.match(res.error, r.error);
      return;
    }
    assert.ok('ok' in res, JSON.stringify(res));
    assert.deepEqual(Object.fromEntries(Object.entries(res.ok).map(([k, v]) => [k, v.ips])), r.want);
    for (const v of Object.values(res.ok)) assert.equal(v.ip, v.ips[0]);
  });
}

test('the families come from the service subnets, the first one primary', () => {
  assert.deepEqual(subnetFamilies(['10.96.0.0/16']), [4]);
  assert.deepEqual(subnetFamilies(['10.96.0.0/16', 'fd00:10:96::/112']), [4, 6]);
  assert.deepEqual(subnetFamilies(['fd00:10:96::/112', '10.96.0.0/16']), [6, 4]);
  assert.deepEqual(subnetFamilies([]), [4]);
});
