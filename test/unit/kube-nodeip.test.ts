/** node_ip decisions: inventory, ansible_host on the host, default route, Vagrant's shared NAT address. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseNodeIps, type NodeAddressFacts } from '../../src/kube/nodeip.js';

const n = (name: string, address: string, ipv4: string[], def?: string, nodeIp?: string): NodeAddressFacts => ({
  name,
  address,
  nodeIp,
  defaultIpv4: def,
  ipv4: ipv4.map((a) => ({ address: a.split('/')[0], prefix: Number(a.split('/')[1] ?? 24) })),
});

const rows: { name: string; nodes: NodeAddressFacts[]; want?: Record<string, string>; error?: RegExp }[] = [
  { name: 'node_ip wins', nodes: [n('a', '10.0.0.1', ['10.0.0.1/24'], '10.0.0.1', '10.1.0.1')], want: { a: '10.1.0.1' } },
  {
    name: 'ansible_host on the host',
    nodes: [n('a', '10.0.0.1', ['192.168.1.5/24', '10.0.0.1/24'], '192.168.1.5'), n('b', '10.0.0.2', ['192.168.1.6/24', '10.0.0.2/24'], '192.168.1.6')],
    want: { a: '10.0.0.1', b: '10.0.0.2' },
  },
  {
    name: 'ansible_host is a name or a forwarded port: the default-route address',
    nodes: [n('a', 'a.example', ['10.0.0.1/24'], '10.0.0.1'), n('b', '127.0.0.1', ['10.0.0.2/24'], '10.0.0.2')],
    want: { a: '10.0.0.1', b: '10.0.0.2' },
  },
  {
    name: "Vagrant: the same NAT address on every default route, the private network on eth1",
    nodes: [
      n('cp1', '127.0.0.1', ['10.0.2.15/24', '192.168.56.11/24'], '10.0.2.15'),
      n('w1', '127.0.0.1', ['10.0.2.15/24', '192.168.56.21/24'], '10.0.2.15'),
      n('w2', '127.0.0.1', ['10.0.2.15/24', '192.168.56.22/24', '172.17.0.1/16'], '10.0.2.15'),
    ],
    want: { cp1: '192.168.56.11', w1: '192.168.56.21', w2: '192.168.56.22' },
  },
  {
    name: 'no unique address on a shared network: refused with the host named',
    nodes: [n('a', '127.0.0.1', ['10.0.2.15/24'], '10.0.2.15'), n('b', '127.0.0.1', ['10.0.2.15/24'], '10.0.2.15')],
    error: /cannot tell which address a's kubelet should register/,
  },
  {
    name: 'two nodes with one node_ip: refused naming both',
    nodes: [n('a', '10.0.0.1', ['10.0.0.1/24'], '10.0.0.1', '10.0.0.9'), n('b', '10.0.0.2', ['10.0.0.2/24'], '10.0.0.2', '10.0.0.9')],
    error: /nodes a and b would register the same node IP 10\.0\.0\.9/,
  },
];

for (const r of rows) {
  test(`node ip: ${r.name}`, () => {
    const res = chooseNodeIps(r.nodes);
    if (r.error) {
      assert.ok('error' in res, JSON.stringify(res));
      assert.match(res.error, r.error);
      return;
    }
    assert.ok('ok' in res, JSON.stringify(res));
    assert.deepEqual(Object.fromEntries(Object.entries(res.ok).map(([k, v]) => [k, v.ip])), r.want);
  });
}
