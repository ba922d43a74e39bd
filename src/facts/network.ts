/** Network facts from `ip addr show`, `ip -4/-6 route show default` and the bridge/bond list. */
import type { DefaultRoute, InterfaceFacts, Ipv4Info, Ipv6Info } from './types.js';

export interface NetworkFacts {
  interfaces: string[];
  all_ipv4_addresses: string[];
  all_ipv6_addresses: string[];
  default_ipv4: DefaultRoute;
  default_ipv6: DefaultRoute;
  /** by interface name */
  byName: Map<string, InterfaceFacts>;
}

const LINK_TYPES: Record<string, string> = {
  ether: 'ether',
  loopback: 'loopback',
  ppp: 'ppp',
  none: 'tunnel',
};

export function prefixToNetmask(prefix: number): string {
  const bits = prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
  return [24, 16, 8, 0].map((s) => (bits >>> s) & 255).join('.');
}

export function networkOf(address: string, prefix: number): string {
  const mask = prefixToNetmask(prefix).split('.').map(Number);
  return address
    .split('.')
    .map((o, i) => Number(o) & mask[i])
    .join('.');
}

function ipv4Info(addr: string, prefixText: string, broadcast?: string): Ipv4Info {
  const prefix = Number(prefixText);
  const info: Ipv4Info = {
    address: addr,
    prefix: String(prefix),
    netmask: prefixToNetmask(prefix),
    network: networkOf(addr, prefix),
  };
  if (broadcast) info.broadcast = broadcast;
  return info;
}

/** Value following KEY among whitespace-separated tokens. */
function after(tokens: string[], key: string): string | undefined {
  const i = tokens.indexOf(key);
  return i >= 0 && i + 1 < tokens.length ? tokens[i + 1] : undefined;
}

/** Parse `ip addr show` (multi-line form). */
export function parseIpAddr(lines: string[], netdev: string[] = []): Map<string, InterfaceFacts> {
  const out = new Map<string, InterfaceFacts>();
  let cur: InterfaceFacts | undefined;
  for (const line of lines) {
    const head = /^\d+:\s+([^:@\s]+)(?:@[^:\s]*)?:\s+<([^>]*)>(.*)$/.exec(line);
    if (head) {
      const flags = head[2].split(',');
      const rest = head[3].trim().split(/\s+/);
      cur = { device: head[1], active: flags.includes('UP'), type: 'unknown', promisc: flags.includes('PROMISC') };
      const mtu = after(rest, 'mtu');
      if (mtu && /^\d+$/.test(mtu)) cur.mtu = Number(mtu);
      out.set(cur.device, cur);
      continue;
    }
    if (!cur) continue;
    const t = line.trim().split(/\s+/);
    if (t[0]?.startsWith('link/')) {
      const kind = t[0].slice(5);
      cur.type = LINK_TYPES[kind] ?? 'unknown';
      if (kind === 'ether' || kind === 'loopback') cur.macaddress = t[1];
    } else if (t[0] === 'inet' && t[1]) {
      let [addr, prefix] = t[1].split('/');
      const peer = after(t, 'peer');
      if (prefix === undefined) prefix = peer?.split('/')[1] ?? '32';
      const info = ipv4Info(addr, prefix, after(t, 'brd'));
      if (!cur.ipv4 && !t.includes('secondary')) cur.ipv4 = info;
      else (cur.ipv4_secondaries ??= []).push(info);
    } else if (t[0] === 'inet6' && t[1]) {
      const [addr, prefix] = t[1].split('/');
      const v6: Ipv6Info = { address: addr, prefix: prefix ?? '128', scope: after(t, 'scope') ?? 'global' };
      (cur.ipv6 ??= []).push(v6);
    }
  }
  for (const line of netdev) {
    const [kind, name] = line.trim().split(/\s+/);
    const i = name ? out.get(name) : undefined;
    if (i && (kind === 'bridge' || kind === 'bonding')) i.type = kind === 'bonding' ? 'bonding' : 'bridge';
  }
  return out;
}

interface Route {
  gateway?: string;
  dev?: string;
  src?: string;
  metric: number;
}

/** Parse `ip route show default`; returns the default route with the lowest metric. */
export function parseDefaultRoute(lines: string[]): Route | undefined {
  const routes: Route[] = [];
  for (const line of lines) {
    const t = line.trim().split(/\s+/);
    if (t[0] === 'default') {
      routes.push({ gateway: after(t, 'via'), dev: after(t, 'dev'), src: after(t, 'src'), metric: Number(after(t, 'metric') ?? 0) });
    } else if (t[0] === 'nexthop' && routes.length) {
      const r = routes[routes.length - 1];
      if (!r.dev) {
        r.dev = after(t, 'dev');
        r.gateway = after(t, 'via');
      }
    }
  }
  const ok = routes.filter((r) => r.dev);
  ok.sort((a, b) => a.metric - b.metric);
  return ok[0];
}

function defaultV4(route: Route | undefined, ifs: Map<string, InterfaceFacts>): DefaultRoute {
  if (!route?.dev) return {};
  const iface = ifs.get(route.dev);
  const out: DefaultRoute = { interface: route.dev, alias: route.dev };
  if (route.gateway) out.gateway = route.gateway;
  const all = [...(iface?.ipv4 ? [iface.ipv4] : []), ...(iface?.ipv4_secondaries ?? [])];
  const addr = (route.src && all.find((a) => a.address === route.src)) || all[0];
  if (addr) Object.assign(out, addr);
  else if (route.src) out.address = route.src;
  return withLink(out, iface);
}

function defaultV6(route: Route | undefined, ifs: Map<string, InterfaceFacts>): DefaultRoute {
  if (!route?.dev) return {};
  const iface = ifs.get(route.dev);
  const out: DefaultRoute = { interface: route.dev };
  if (route.gateway) out.gateway = route.gateway;
  const all = iface?.ipv6 ?? [];
  const addr = (route.src && all.find((a) => a.address === route.src)) || all.find((a) => a.scope === 'global');
  if (addr) Object.assign(out, addr);
  else if (route.src) out.address = route.src;
  return withLink(out, iface);
}

function withLink(out: DefaultRoute, iface: InterfaceFacts | undefined): DefaultRoute {
  if (iface?.macaddress) out.macaddress = iface.macaddress;
  if (iface?.mtu !== undefined) out.mtu = iface.mtu;
  if (iface) out.type = iface.type;
  return out;
}

export function networkFacts(ipAddr: string[], route4: string[], route6: string[], netdev: string[]): NetworkFacts {
  const byName = parseIpAddr(ipAddr, netdev);
  const v4: string[] = [];
  const v6: string[] = [];
  for (const i of byName.values()) {
    for (const a of [...(i.ipv4 ? [i.ipv4] : []), ...(i.ipv4_secondaries ?? [])]) {
      if (!a.address.startsWith('127.')) v4.push(a.address);
    }
    for (const a of i.ipv6 ?? []) if (a.address !== '::1') v6.push(a.address);
  }
  return {
    interfaces: [...byName.keys()],
    all_ipv4_addresses: v4,
    all_ipv6_addresses: v6,
    default_ipv4: defaultV4(parseDefaultRoute(route4), byName),
    default_ipv6: defaultV6(parseDefaultRoute(route6), byName),
    byName,
  };
}
