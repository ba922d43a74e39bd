/**
 * IP addresses and CIDRs as kubeadm reads them (Go's net.ParseIP / net.ParseCIDR): dotted IPv4,
 * IPv6 with `::` compression (and an IPv4 tail), a prefix length. Host bits may be set, as Go
 * allows; the network is the masked address. Pure.
 */

export type Family = 4 | 6;

export interface Cidr {
  family: Family;
  /** the masked network address */
  network: bigint;
  prefix: number;
  /** the text as written */
  text: string;
}

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(s: string): bigint | undefined {
  const m = IPV4.exec(s);
  if (!m) return undefined;
  let out = 0n;
  for (const part of m.slice(1)) {
    // Go refuses leading zeros ("010.0.0.1") since 1.17
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    out = (out << 8n) | BigInt(n);
  }
  return out;
}

function parseV6(s: string): bigint | undefined {
  if (!/^[0-9a-fA-F:.]+$/.test(s) || s.includes(':::')) return undefined;
  let head = s;
  let v4tail: bigint | undefined;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    v4tail = parseV4(s.slice(lastColon + 1));
    if (v4tail === undefined) return undefined;
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (t: string) => (t === '' ? [] : t.split(':'));
  const left = groups(halves[0]);
  const right = halves.length === 2 ? groups(halves[1]) : [];
  const missing = 8 - left.length - right.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = [...left, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...right];
  let out = 0n;
  for (const g of all) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out = (out << 16n) | BigInt(parseInt(g, 16));
  }
  if (v4tail !== undefined) out = (out & ~0xffffffffn) | v4tail;
  return out;
}

/** An IP address: its family and value, or undefined. */
export function parseIp(s: unknown): { family: Family; value: bigint } | undefined {
  if (typeof s !== 'string') return undefined;
  const v4 = parseV4(s);
  if (v4 !== undefined) return { family: 4, value: v4 };
  if (!s.includes(':')) return undefined;
  const v6 = parseV6(s);
  return v6 === undefined ? undefined : { family: 6, value: v6 };
}

export function bits(f: Family): number {
  return f === 4 ? 32 : 128;
}

/** "10.96.0.0/12" or "fd00::/108"; undefined when it is not a CIDR. */
export function parseCidr(s: unknown): Cidr | undefined {
  if (typeof s !== 'string') return undefined;
  const m = /^([^/\s]+)\/(\d{1,3})$/.exec(s);
  if (!m) return undefined;
  const ip = parseIp(m[1]);
  if (!ip) return undefined;
  const prefix = Number(m[2]);
  const width = bits(ip.family);
  if (m[2].length > 1 && m[2].startsWith('0')) return undefined;
  if (prefix > width) return undefined;
  const hostBits = BigInt(width - prefix);
  const network = (ip.value >> hostBits) << hostBits;
  return { family: ip.family, network, prefix, text: s };
}

/** Number of addresses in the CIDR. */
export function rangeSize(c: Cidr): bigint {
  return 1n << BigInt(bits(c.family) - c.prefix);
}

/** True when the two ranges share an address. */
export function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const p = BigInt(bits(a.family) - Math.min(a.prefix, b.prefix));
  return a.network >> p === b.network >> p;
}
