/**
 * IPv4/IPv6 addresses and networks for the ipaddr filters: parsing as Python's netaddr 0.8
 * IPNetwork does (address, address/prefix, address/netmask) and as Python's ipaddress does for
 * the ansible.utils tests (strict networks), and text as netaddr writes it (IPv6 compressed,
 * IPv4-mapped and IPv4-compatible tails dotted). Values are BigInts.
 */

export interface IPNet {
  version: 4 | 6;
  /** the address as given (netaddr's .ip / .value) */
  ip: bigint;
  prefixlen: number;
}

const width = (v: 4 | 6) => (v === 4 ? 32 : 128);
const maxInt = (v: 4 | 6) => (1n << BigInt(width(v))) - 1n;

export function parseV4(s: string): bigint | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  let v = 0n;
  for (const p of m.slice(1)) {
    const n = Number(p);
    if (n > 255) return undefined;
    v = (v << 8n) | BigInt(n);
  }
  return v;
}

export function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.includes(':::')) return undefined;
  let text = s;
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0) return undefined;
  if (text.slice(lastColon + 1).includes('.')) {
    // a dotted IPv4 tail stands for the last two words
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    text = `${text.slice(0, lastColon + 1)}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (h: string) => (h === '' ? [] : h.split(':'));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const total = head.length + rest.length;
  if (halves.length === 2 ? total > 7 : total !== 8) return undefined;
  const words = [...head, ...Array<string>(halves.length === 2 ? 8 - total : 0).fill('0'), ...rest];
  return words.reduce((acc, w) => (acc << 16n) | BigInt(parseInt(w, 16)), 0n);
}

export function v4Text(v: bigint): string {
  return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
}

/** netaddr's IPv6 text: lowercase, the longest run (two or more) of zero words as ::, dotted IPv4 tails. */
export function v6Text(v: bigint): string {
  if (v >> 32n === 0xffffn) return `::ffff:${v4Text(v & 0xffffffffn)}`;
  if (v >> 32n === 0n && v > 0xffffn) return `::${v4Text(v)}`;
  const words = Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(112 - 16 * i)) & 0xffffn));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLen) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = words.map((w) => w.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

export const ipText = (version: 4 | 6, v: bigint) => (version === 4 ? v4Text(v) : v6Text(v));

/** a netmask's prefix length (contiguous ones), or undefined */
function maskPrefix(version: 4 | 6, m: bigint): number | undefined {
  const w = width(version);
  for (let p = 0; p <= w; p++) if (m === ((maxInt(version) << BigInt(w - p)) & maxInt(version))) return p;
  return undefined;
}

/** netaddr.IPNetwork(s): "addr", "addr/prefix" or "addr/netmask"; undefined when invalid. */
export function parseNetwork(s: string): IPNet | undefined {
  const slash = s.indexOf('/');
  const addr = slash < 0 ? s : s.slice(0, slash);
  const pre = slash < 0 ? undefined : s.slice(slash + 1);
  let version: 4 | 6 = 4;
  let ip = parseV4(addr);
  if (ip === undefined) {
    ip = parseV6(addr);
    version = 6;
  }
  if (ip === undefined) return undefined;
  let prefixlen = width(version);
  if (pre !== undefined) {
    if (/^\d+$/.test(pre)) prefixlen = Number(pre);
    else {
      const m = version === 4 ? parseV4(pre) : undefined;
      const p = m === undefined ? undefined : maskPrefix(version, m);
      if (p === undefined) return undefined;
      prefixlen = p;
    }
    if (prefixlen > width(version)) return undefined;
  }
  return { version, ip, prefixlen };
}

export const netmaskOf = (n: IPNet) => (maxInt(n.version) << BigInt(width(n.version) - n.prefixlen)) & maxInt(n.version);
export const hostmaskOf = (n: IPNet) => maxInt(n.version) >> BigInt(n.prefixlen);
export const networkOf = (n: IPNet) => n.ip & netmaskOf(n);
export const lastOf = (n: IPNet) => networkOf(n) | hostmaskOf(n);
export const sizeOf = (n: IPNet) => 1n << BigInt(width(n.version) - n.prefixlen);
/** netaddr 0.8's broadcast: none for networks of one or two addresses */
export const broadcastOf = (n: IPNet) => (width(n.version) - n.prefixlen <= 1 ? undefined : lastOf(n));
export const maxOf = maxInt;

/** str(IPNetwork): address/prefix */
export const netText = (n: IPNet) => `${ipText(n.version, n.ip)}/${n.prefixlen}`;

export function contains(net: IPNet, ip: bigint, version: 4 | 6): boolean {
  return net.version === version && ip >= networkOf(net) && ip <= lastOf(net);
}

function cidr(s: string): IPNet {
  return parseNetwork(s)!;
}
const V4_PRIVATE = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '239.0.0.0/8'].map(cidr);
const V6_PRIVATE = ['fc00::/7', 'fec0::/10'].map(cidr);

export function isLinkLocal(version: 4 | 6, ip: bigint): boolean {
  return contains(cidr(version === 4 ? '169.254.0.0/16' : 'fe80::/10'), ip, version);
}
export function isPrivate(version: 4 | 6, ip: bigint): boolean {
  return (version === 4 ? V4_PRIVATE : V6_PRIVATE).some((c) => contains(c, ip, version)) || isLinkLocal(version, ip);
}
export function isMulticast(version: 4 | 6, ip: bigint): boolean {
  return contains(cidr(version === 4 ? '224.0.0.0/4' : 'ff00::/8'), ip, version);
}
export function isLoopback(version: 4 | 6, ip: bigint): boolean {
  return version === 4 ? contains(cidr('127.0.0.0/8'), ip, 4) : ip === 1n;
}
export function isNetmask(version: 4 | 6, ip: bigint): boolean {
  const x = (ip ^ maxInt(version)) + 1n;
  return (x & (x - 1n)) === 0n;
}
export function isHostmask(ip: bigint): boolean {
  const x = ip + 1n;
  return (x & (x - 1n)) === 0n;
}

/** Python's ipaddress.ip_network(s) (strict): host bits must be zero; undefined when invalid. */
export function pyIpNetwork(s: string): IPNet | undefined {
  const n = parseNetwork(s);
  if (!n) return undefined;
  const slash = s.indexOf('/');
  if (slash >= 0 && n.version === 4) {
    // ipaddress also takes a hostmask after the slash
  }
  return networkOf(n) === n.ip ? n : undefined;
}

/** Python's ipaddress.ip_address(s). */
export function pyIpAddress(s: string): { version: 4 | 6; ip: bigint } | undefined {
  if (s.includes('/')) return undefined;
  const v4 = parseV4(s);
  if (v4 !== undefined) return /(^|\.)0\d/.test(s) ? undefined : { version: 4, ip: v4 };
  const v6 = parseV6(s);
  return v6 === undefined ? undefined : { version: 6, ip: v6 };
}
