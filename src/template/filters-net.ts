/**
 * ansible.utils' ipaddr, ipv4, ipv6 and ipwrap filters (their common queries, list filtering and
 * the `ipaddr(N)` nth-address form), ported from ansible.utils 2.x's ipaddr_utils so that results
 * equal Ansible's (None and False where Ansible returns them); and the ip / ipv4 / ipv6 /
 * ip_address / ipv4_address / ipv6_address / ipv4_netmask / in_network tests (Python's ipaddress, strict).
 */
import type { Filter } from './filters-text.js';
import { isStr, pyStr, templateError } from './python.js';
import {
  type IPNet,
  broadcastOf,
  contains,
  hostmaskOf,
  ipText,
  isHostmask,
  isLinkLocal,
  isLoopback,
  isMulticast,
  isNetmask,
  isPrivate,
  lastOf,
  maxOf,
  netText,
  netmaskOf,
  networkOf,
  parseNetwork,
  pyIpAddress,
  pyIpNetwork,
  sizeOf,
} from './ipnet.js';

type VType = 'address' | 'network';
type Query = (v: IPNet, vtype: VType, value: string) => unknown;

const ip = (v: IPNet) => ipText(v.version, v.ip);
const net = (v: IPNet) => networkOf(v);
const size = (v: IPNet) => sizeOf(v);
const num = (x: bigint) => (x <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(x) : x.toString());

function firstLast(v: IPNet): [bigint, bigint] | undefined {
  if (size(v) === 2n) return [net(v), lastOf(v)];
  if (size(v) > 1n) return [net(v) + 1n, lastOf(v) - 1n];
  return undefined;
}

const notNetwork = (vtype: VType) => {
  if (vtype === 'address') throw templateError('Not a network address');
};

const addressPrefix: Query = (v) => {
  const b = broadcastOf(v);
  if (size(v) > 2n && (v.ip === net(v) || v.ip === b)) return false;
  return `${ip(v)}/${v.prefixlen}`;
};
const ipQuery: Query = (v) => {
  if (size(v) === 1n) return ip(v);
  if (v.ip !== net(v) || broadcastOf(v) === undefined) return ip(v);
  if (v.version === 6 && v.ip === net(v)) return ip(v);
  return null;
};
const loopback: Query = (v, _t, value) => (isLoopback(v.version, v.ip) ? value : null);
const ipv4Query: Query = (v, _t, value) => {
  if (v.version === 4) return value;
  if (v.ip >> 32n === 0xffffn || v.ip >> 32n === 0n) {
    const p = v.prefixlen - 96;
    if (p < 0) return false;
    return `${ipText(4, v.ip & 0xffffffffn)}/${p}`;
  }
  return false;
};
const ipv6Query: Query = (v, _t, value) => (v.version === 4 ? `${ipText(6, 0xffff00000000n | v.ip)}/${v.prefixlen + 96}` : value);
const subnet: Query = (v) => `${ipText(v.version, net(v))}/${v.prefixlen}`;
const hostmask: Query = (v) => ipText(v.version, hostmaskOf(v));

const QUERIES: Record<string, Query> = {
  '': (v, vtype) => (vtype === 'address' ? ip(v) : netText(v)),
  address: ipQuery,
  'address/prefix': addressPrefix,
  bool: () => true,
  broadcast: (v) => (size(v) > 2n ? ipText(v.version, broadcastOf(v)!) : null),
  cidr: (v) => netText(v),
  first_usable: (v, vtype) => {
    notNetwork(vtype);
    if (size(v) === 2n) return ipText(v.version, net(v));
    return size(v) > 1n ? ipText(v.version, net(v) + 1n) : null;
  },
  gateway: addressPrefix,
  gw: addressPrefix,
  host: (v) => {
    if (size(v) === 1n) return netText(v);
    return v.ip !== net(v) || broadcastOf(v) === undefined ? `${ip(v)}/${v.prefixlen}` : null;
  },
  'host/prefix': addressPrefix,
  hostmask,
  hostnet: addressPrefix,
  int: (v, vtype) => (vtype === 'address' ? num(v.ip) : `${v.ip}/${v.prefixlen}`),
  ip: ipQuery,
  'ip/prefix': (v) => (size(v) === 2n || (size(v) > 1n && v.ip !== net(v)) ? `${ip(v)}/${v.prefixlen}` : null),
  ip_netmask: (v) => (size(v) === 2n || (size(v) > 1n && v.ip !== net(v)) ? `${ip(v)} ${ipText(v.version, netmaskOf(v))}` : null),
  ipv4: ipv4Query,
  ipv6: ipv6Query,
  last_usable: (v, vtype) => {
    notNetwork(vtype);
    const fl = firstLast(v);
    return fl ? ipText(v.version, fl[1]) : null;
  },
  'link-local': (v, _t, value) => (isLinkLocal(v.version, v.ip) ? value : null),
  lo: loopback,
  loopback,
  multicast: (v, _t, value) => (isMulticast(v.version, v.ip) ? value : null),
  net: (v) => (size(v) > 1n && v.ip === net(v) ? subnet(v, 'network', '') : null),
  next_usable: (v, vtype) => {
    notNetwork(vtype);
    const fl = firstLast(v);
    const n = v.ip + 1n;
    return fl && n >= fl[0] && n <= fl[1] ? ipText(v.version, n) : null;
  },
  netmask: (v) => ipText(v.version, netmaskOf(v)),
  network: (v) => ipText(v.version, net(v)),
  network_id: (v) => ipText(v.version, net(v)),
  'network/prefix': subnet,
  network_netmask: (v) => `${ipText(v.version, net(v))} ${ipText(v.version, netmaskOf(v))}`,
  network_wildcard: (v) => `${ipText(v.version, net(v))} ${ipText(v.version, hostmaskOf(v))}`,
  peer: (v, vtype) => {
    notNetwork(vtype);
    if (size(v) === 2n) return ipText(v.version, v.ip ^ 1n);
    if (size(v) === 4n) {
      if (v.ip % 4n === 0n) throw templateError('Network address of /30 has no peer');
      if (v.ip % 4n === 3n) throw templateError('Broadcast address of /30 has no peer');
      return ipText(v.version, v.ip ^ 3n);
    }
    throw templateError('Not a point-to-point network');
  },
  prefix: (v) => v.prefixlen,
  previous_usable: (v, vtype) => {
    notNetwork(vtype);
    const fl = firstLast(v);
    const p = v.ip - 1n;
    return fl && p >= fl[0] && p <= fl[1] ? ipText(v.version, p) : null;
  },
  private: (v, _t, value) => (isPrivate(v.version, v.ip) ? value : null),
  public: (v, _t, value) =>
    !isMulticast(v.version, v.ip) && !isPrivate(v.version, v.ip) && !isLoopback(v.version, v.ip) && !isNetmask(v.version, v.ip) && !isHostmask(v.ip) ? value : null,
  range_usable: (v, vtype) => {
    notNetwork(vtype);
    const fl = firstLast(v);
    return fl ? `${ipText(v.version, fl[0])}-${ipText(v.version, fl[1])}` : null;
  },
  revdns: (v) => revdns(v),
  router: addressPrefix,
  size: (v) => num(size(v)),
  size_usable: (v) => (size(v) === 1n ? 0 : size(v) === 2n ? 2 : num(size(v) - 2n)),
  subnet,
  type: (v) => (size(v) === 1n || v.ip !== net(v) ? 'address' : 'network'),
  unicast: (v, _t, value) => (!isMulticast(v.version, v.ip) ? value : null),
  // as ansible.utils: listed without their extra argument, so they fail
  v4: () => {
    throw templateError("_ipv4_query() missing 1 required positional argument: 'value'");
  },
  v6: () => {
    throw templateError("_ipv6_query() missing 1 required positional argument: 'value'");
  },
  version: (v) => v.version,
  wildcard: hostmask,
  wrap: (v, vtype, value) => (v.version === 6 ? (vtype === 'address' ? `[${ip(v)}]` : `[${ip(v)}]/${v.prefixlen}`) : value),
};

function revdns(v: IPNet): string {
  if (v.version === 4) return `${ipText(4, v.ip).split('.').reverse().join('.')}.in-addr.arpa.`;
  const hex = v.ip.toString(16).padStart(32, '0');
  return `${[...hex].reverse().join('.')}.ip6.arpa.`;
}

const isDigits = (s: string) => /^\d+$/.test(s);
const isFloat = (s: string) => /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(s);

/** ansible.utils' ipaddr(value, query, version, alias). */
export function ipaddr(value: unknown, query: unknown = '', version: number | false = false, alias = 'ipaddr'): unknown {
  if (Array.isArray(value)) {
    return value.map((e) => ipaddr(e, pyStr(query), version)).filter((x) => x !== false && x !== null && x !== undefined && x !== 0 && x !== '');
  }
  if (value === null || value === undefined || value === false || value === true || value === '' || value === 0) return false;
  let v: IPNet | undefined;
  let vtype: VType;
  let text = typeof value === 'string' ? value : pyStr(value);
  if (isDigits(text)) {
    const n = BigInt(text);
    if ((!version || version === 4) && n <= maxOf(4)) v = { version: 4, ip: n, prefixlen: 32 };
    else if (n <= maxOf(6)) v = { version: 6, ip: n, prefixlen: 128 };
    else return false;
    text = netText(v);
    vtype = 'address';
  } else {
    if (!isStr(value)) return false;
    v = parseNetwork(text);
    if (v) vtype = text.split('/').length === 2 ? 'network' : 'address';
    else {
      const parts = text.split('/');
      if (parts.length !== 2 || !isDigits(parts[0].trim()) || !isDigits(parts[1].trim())) return false;
      const a = BigInt(parts[0].trim());
      const p = Number(parts[1].trim());
      if (a <= maxOf(4) && p <= 32) v = { version: 4, ip: a, prefixlen: p };
      else if (a <= maxOf(6) && p <= 128) v = { version: 6, ip: a, prefixlen: p };
      else return false;
      text = netText(v);
      vtype = 'network';
    }
  }
  let q = typeof query === 'number' ? query : pyStr(query);
  let lookup: IPNet | undefined;
  if (typeof q === 'string' && q && (!(q in QUERIES) || q === 'cidr_lookup') && !isDigits(q) && ipaddr(q, 'network')) {
    lookup = parseNetwork(q);
    q = 'cidr_lookup';
  }
  if (version && v.version !== version) return false;
  if (q === 'cidr_lookup') {
    if (!lookup || lookup.version !== v.version) return null;
    return networkOf(v) >= networkOf(lookup) && lastOf(v) <= lastOf(lookup) ? text : null;
  }
  if (typeof q === 'string' && Object.prototype.hasOwnProperty.call(QUERIES, q)) return QUERIES[q](v, vtype, text);
  const qs = String(q);
  if (!isFloat(qs)) throw templateError(`${alias}: unknown filter type: ${qs}`);
  if (size(v) === 1n) return vtype === 'address' ? ip(v) : netText(v);
  if (!/^\s*[-+]?\d+\s*$/.test(qs)) return false;
  const n = BigInt(qs.trim());
  const first = networkOf(v);
  const at = n >= 0n ? first + n : lastOf(v) + n + 1n;
  if (at < first || at > lastOf(v)) return false;
  return `${ipText(v.version, at)}/${v.prefixlen}`;
}

/** ansible.utils' ipwrap: IPv6 addresses in brackets, anything else as it is. */
function ipwrap(value: unknown, query: unknown = ''): unknown {
  const one = (e: unknown) => {
    try {
      const r = ipaddr(e, query, false, 'ipwrap');
      return r ? ipaddr(r, 'wrap') : e;
    } catch {
      return e;
    }
  };
  if (Array.isArray(value)) return value.map((e) => (ipaddrSafe(e, query) ? ipaddr(e, 'wrap') : e));
  return one(value);
}

function ipaddrSafe(e: unknown, query: unknown): unknown {
  try {
    return ipaddr(e, query, false, 'ipwrap');
  } catch {
    return false;
  }
}

export const NET_FILTERS: Record<string, Filter> = {
  ipaddr: (value, query = '', version = false) => ipaddr(value, query, version === false ? false : Number(version)),
  ipv4: (value, query = '') => ipaddr(value, query, 4, 'ipv4'),
  ipv6: (value, query = '') => ipaddr(value, query, 6, 'ipv6'),
  ipwrap: (value, query = '') => ipwrap(value, query),
};

const str = (v: unknown) => (isStr(v) ? String(v) : pyStr(v));

export const NET_TESTS: Record<string, (value: unknown, ...args: unknown[]) => boolean> = {
  ip: (v) => pyIpNetwork(str(v)) !== undefined,
  ipv4: (v) => pyIpNetwork(str(v))?.version === 4,
  ipv6: (v) => pyIpNetwork(str(v))?.version === 6,
  ip_address: (v) => pyIpAddress(str(v)) !== undefined,
  ipv4_address: (v) => pyIpAddress(str(v))?.version === 4,
  ipv6_address: (v) => pyIpAddress(str(v))?.version === 6,
  ipv4_netmask: (v) => {
    const n = parseNetwork(`10.0.0.0/${str(v)}`);
    return !!n && n.version === 4 && networkOf(n) === n.ip && ipText(4, netmaskOf(n)) === str(v);
  },
  in_network: (v, network) => {
    const a = pyIpAddress(str(v));
    const n = parseNetwork(str(network));
    return !!a && !!n && contains({ ...n, ip: networkOf(n) }, a.ip, a.version);
  },
};
