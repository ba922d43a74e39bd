/** A small DER reader: tag-length-value nodes of X.509 certificates, OIDs, integers, strings, times. */

export interface Der {
  /** the whole identifier byte: class, constructed bit, tag number */
  tag: number;
  /** the value bytes */
  value: Buffer;
  /** the whole TLV */
  raw: Buffer;
}

export class DerError extends Error {}

/** the TLV at `at` of `buf` */
export function readDer(buf: Buffer, at = 0): Der {
  if (at + 2 > buf.length) throw new DerError('truncated DER');
  const tag = buf[at];
  if ((tag & 0x1f) === 0x1f) throw new DerError('multi-byte DER tags are not supported');
  let len = buf[at + 1];
  let off = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || off + n > buf.length) throw new DerError('bad DER length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[off + i];
    off += n;
  }
  if (off + len > buf.length) throw new DerError('truncated DER value');
  return { tag, value: buf.subarray(off, off + len), raw: buf.subarray(at, off + len) };
}

/** the TLVs inside a constructed value */
export function children(d: Der): Der[] {
  const out: Der[] = [];
  let at = 0;
  while (at < d.value.length) {
    const c = readDer(d.value, at);
    out.push(c);
    at += c.raw.length;
  }
  return out;
}

export function oid(d: Der): string {
  const b = d.value;
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) {
        const first = v < 80 ? Math.floor(v / 40) : 2;
        parts.push(first, v - first * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** an INTEGER (two's complement) as a bigint */
export function bigInt(d: Der): bigint {
  if (d.value.length === 0) return 0n;
  let v = BigInt('0x' + d.value.toString('hex'));
  if (d.value[0] & 0x80) v -= 1n << BigInt(d.value.length * 8);
  return v;
}

/** a bigint as Ansible's JSON shows a Python int: a number when exact, else its digits */
export function intValue(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

/** the text of a DirectoryString / IA5String / ... */
export function text(d: Der): string {
  switch (d.tag) {
    case 0x1e: {
      // BMPString: UTF-16BE
      const b = Buffer.from(d.value);
      b.swap16();
      return b.toString('utf16le');
    }
    case 0x1c: {
      // UniversalString: UTF-32BE
      let s = '';
      for (let i = 0; i + 3 < d.value.length; i += 4) s += String.fromCodePoint(d.value.readUInt32BE(i));
      return s;
    }
    case 0x14: // T61String (as latin-1, as cryptography reads it)
      return d.value.toString('latin1');
    default:
      return d.value.toString('utf8');
  }
}

/** UTCTime / GeneralizedTime → Date */
export function time(d: Der): Date {
  const s = d.value.toString('ascii');
  let m: RegExpExecArray | null;
  if (d.tag === 0x17 && (m = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?Z$/.exec(s))) {
    const y = Number(m[1]);
    return new Date(Date.UTC(y < 50 ? 2000 + y : 1900 + y, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  }
  if (d.tag === 0x18 && (m = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(?:\.\d+)?Z$/.exec(s))) {
    return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0)));
  }
  throw new DerError(`cannot read the time "${s}"`);
}
