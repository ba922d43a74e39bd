/**
 * The addresses each node's kubelet registers (--node-ip), decided from the inventory and the
 * nodes' facts. Pure.
 *   1. `node_ip` when set (one address, or "IPv4,IPv6" for dual-stack);
 *   2. the address kbs reaches the host at (ansible_host), when that address is on the host;
 *   3. the host's default-route IPv4 address, when no other node has the same one;
 *   4. otherwise (Vagrant/VirtualBox: every VM has the same NAT address on its default route), the
 *      one address of the host that no other node shares and that lies in a network every node
 *      has an address in (the private network on the second NIC).
 * A dual-stack cluster (two service subnets) also needs an IPv6 address per node, as kubeadm's
 * dual-stack guide sets `node-ip: IPv4,IPv6`: the global IPv6 address on the interface of the
 * IPv4 one, else the one on a network every node shares. The primary address (`ip`: the
 * apiserver's advertise address, the load balancer's backend) is of the first service subnet's
 * family; `ips` lists what the kubelet registers, the primary first.
 */
import { parseIp, type Family } from './net.js';

export interface HostAddress {
  address: string;
  prefix: number;
  /** the interface the address is on */
  iface?: string;
}

export interface NodeAddressFacts {
  name: string;
  /** node_ip from the inventory */
  nodeIp?: string;
  /** ansible_host (or the name) */
  address: string;
  /** the host's IPv4 addresses with their prefix length, in interface order */
  ipv4: HostAddress[];
  /** the host's global IPv6 addresses (no link-local, no loopback) */
  ipv6?: HostAddress[];
  defaultIpv4?: string;
}

export interface NodeIpChoice {
  /** the primary address (advertiseAddress, the load balancer's backend) */
  ip: string;
  /** what the kubelet registers (--node-ip), the primary first */
  ips: string[];
  reason: string;
}

/** Which address families the cluster's nodes need (from the service subnets), the primary first. */
export type Families = Family[];

export type NodeIpResult = { ok: Record<string, NodeIpChoice> } | { error: string; hosts: string[] };

function network(ip: string, prefix: number): string {
  const p = parseIp(ip);
  if (!p) return ip;
  const width = p.family === 4 ? 32 : 128;
  const mask = prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(width - prefix);
  return `${p.family}:${(p.value & mask).toString(16)}/${prefix}`;
}

const familyOf = (ip: string): Family | undefined => parseIp(ip)?.family;

/** Addresses of one family: which are shared by several nodes, which networks every node has. */
function survey(nodes: NodeAddressFacts[], of: (n: NodeAddressFacts) => HostAddress[]) {
  const count = new Map<string, number>();
  for (const n of nodes) for (const a of new Set(of(n).map((x) => x.address))) count.set(a, (count.get(a) ?? 0) + 1);
  const shared = (ip: string) => (count.get(ip) ?? 0) > 1;
  const netsOf = (n: NodeAddressFacts) => new Set(of(n).filter((a) => !shared(a.address)).map((a) => network(a.address, a.prefix)));
  const common = nodes.length ? [...netsOf(nodes[0])].filter((net) => nodes.every((n) => netsOf(n).has(net))) : [];
  return { shared, common };
}

export function chooseNodeIps(nodes: NodeAddressFacts[], families: Families = [4]): NodeIpResult {
  const v4 = survey(nodes, (n) => n.ipv4);
  const v6 = survey(nodes, (n) => n.ipv6 ?? []);
  const wants6 = families.includes(6);
  const primary = families[0] ?? 4;
  const out: Record<string, NodeIpChoice> = {};
  for (const n of nodes) {
    if (n.nodeIp) {
      const given = n.nodeIp.split(',').map((s) => s.trim()).filter(Boolean);
      const first = given.find((a) => familyOf(a) === primary) ?? given[0];
      out[n.name] = { ip: first, ips: [first, ...given.filter((a) => a !== first)], reason: 'node_ip from the inventory' };
      continue;
    }
    let ip4: string | undefined;
    let why4 = '';
    let iface4: string | undefined;
    if (n.ipv4.some((a) => a.address === n.address)) {
      ip4 = n.address;
      why4 = `the address kbs reaches ${n.name} at (ansible_host)`;
    } else if (n.defaultIpv4 && !v4.shared(n.defaultIpv4)) {
      ip4 = n.defaultIpv4;
      why4 = 'the default-route address';
    } else {
      const pick = n.ipv4.find((a) => !v4.shared(a.address) && a.address !== n.defaultIpv4 && v4.common.includes(network(a.address, a.prefix)) && !a.address.startsWith('127.'));
      if (pick) {
        ip4 = pick.address;
        why4 = `the default-route address ${n.defaultIpv4 ?? '(none)'} is the same on several nodes; ${pick.address} is on the network all nodes share`;
      }
    }
    iface4 = n.ipv4.find((a) => a.address === ip4)?.iface;
    if (!ip4 && families.includes(4))
      return { error: `cannot tell which address ${n.name}'s kubelet should register: its default-route address ${n.defaultIpv4 ?? '(none)'} is not unique and no other address is on a network all nodes share`, hosts: [n.name] };
    let ip6: string | undefined;
    let why6 = '';
    if (wants6) {
      const own = (n.ipv6 ?? []).filter((a) => !v6.shared(a.address));
      const sameIface = iface4 ? own.find((a) => a.iface === iface4) : undefined;
      const onCommon = own.find((a) => v6.common.includes(network(a.address, a.prefix)));
      const pick = (n.ipv6 ?? []).some((a) => a.address === n.address) ? { address: n.address } : (sameIface ?? onCommon);
      if (!pick)
        return {
          error: `the cluster is dual-stack (two service subnets) but ${n.name} has no global IPv6 address of its own${(n.ipv6 ?? []).length ? ' on a network all nodes share' : ''}`,
          hosts: [n.name],
        };
      ip6 = pick.address;
      why6 = pick === sameIface ? `the IPv6 address on the same interface (${iface4})` : pick === onCommon ? 'the IPv6 address on the network all nodes share' : 'the address kbs reaches it at';
    }
    const chosen = primary === 6 ? [ip6, ip4] : [ip4, ip6];
    const ips = chosen.filter((a): a is string => !!a && families.includes(familyOf(a) ?? 4));
    out[n.name] = { ip: ips[0], ips, reason: [why4 && ip4 && families.includes(4) ? `${ip4}: ${why4}` : '', ip6 ? `${ip6}: ${why6}` : ''].filter(Boolean).join('; ') };
    if (ips.length === 1) out[n.name].reason = (primary === 6 ? why6 : why4) || out[n.name].reason;
  }
  const byIp = new Map<string, string[]>();
  for (const [name, c] of Object.entries(out)) for (const ip of c.ips) byIp.set(ip, [...(byIp.get(ip) ?? []), name]);
  for (const [ip, names] of byIp) if (names.length > 1) return { error: `nodes ${names.join(' and ')} would register the same node IP ${ip}`, hosts: names };
  return { ok: out };
}
