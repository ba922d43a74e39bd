/**
 * The address each node's kubelet registers (--node-ip), decided from the inventory and the
 * nodes' facts. Pure.
 *   1. `node_ip` when set;
 *   2. the address kbs reaches the host at (ansible_host), when that address is on the host;
 *   3. the host's default-route IPv4 address, when no other node has the same one;
 *   4. otherwise (Vagrant/VirtualBox: every VM has the same NAT address on its default route), the
 *      one address of the host that no other node shares and that lies in a network every node
 *      has an address in (the private network on the second NIC).
 */
export interface NodeAddressFacts {
  name: string;
  /** node_ip from the inventory */
  nodeIp?: string;
  /** ansible_host (or the name) */
  address: string;
  /** the host's IPv4 addresses with their prefix length, in interface order */
  ipv4: { address: string; prefix: number }[];
  defaultIpv4?: string;
}

export interface NodeIpChoice {
  ip: string;
  reason: string;
}

export type NodeIpResult = { ok: Record<string, NodeIpChoice> } | { error: string; hosts: string[] };

function toInt(ip: string): number {
  return ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
}

function network(ip: string, prefix: number): string {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return `${(toInt(ip) & mask) >>> 0}/${prefix}`;
}

export function chooseNodeIps(nodes: NodeAddressFacts[]): NodeIpResult {
  const count = new Map<string, number>();
  for (const n of nodes) for (const a of new Set(n.ipv4.map((x) => x.address))) count.set(a, (count.get(a) ?? 0) + 1);
  const shared = (ip: string) => (count.get(ip) ?? 0) > 1;
  const netsOf = (n: NodeAddressFacts) => new Set(n.ipv4.filter((a) => !shared(a.address)).map((a) => network(a.address, a.prefix)));
  const commonNets = nodes.length ? [...netsOf(nodes[0])].filter((net) => nodes.every((n) => netsOf(n).has(net))) : [];
  const out: Record<string, NodeIpChoice> = {};
  for (const n of nodes) {
    if (n.nodeIp) {
      out[n.name] = { ip: n.nodeIp, reason: 'node_ip from the inventory' };
      continue;
    }
    if (n.ipv4.some((a) => a.address === n.address)) {
      out[n.name] = { ip: n.address, reason: `the address kbs reaches ${n.name} at (ansible_host)` };
      continue;
    }
    if (n.defaultIpv4 && !shared(n.defaultIpv4)) {
      out[n.name] = { ip: n.defaultIpv4, reason: 'the default-route address' };
      continue;
    }
    const pick = n.ipv4.find((a) => !shared(a.address) && a.address !== n.defaultIpv4 && commonNets.includes(network(a.address, a.prefix)) && !a.address.startsWith('127.'));
    if (pick) {
      out[n.name] = {
        ip: pick.address,
        reason: `the default-route address ${n.defaultIpv4 ?? '(none)'} is the same on several nodes; ${pick.address} is on the network all nodes share`,
      };
      continue;
    }
    return { error: `cannot tell which address ${n.name}'s kubelet should register: its default-route address ${n.defaultIpv4 ?? '(none)'} is not unique and no other address is on a network all nodes share`, hosts: [n.name] };
  }
  const byIp = new Map<string, string[]>();
  for (const [name, c] of Object.entries(out)) byIp.set(c.ip, [...(byIp.get(c.ip) ?? []), name]);
  for (const [ip, names] of byIp) if (names.length > 1) return { error: `nodes ${names.join(' and ')} would register the same node IP ${ip}`, hosts: names };
  return { ok: out };
}
