/**
 * An X.509 certificate read into the fields of community.crypto's x509_certificate_info:
 * node:crypto for the public key and the hashes, a small DER reader for the rest (names in
 * order, extensions with their criticality, key usages, SANs, key identifiers, AIA).
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { bigInt, children, DerError, intValue, oid, readDer, text, time, type Der } from './der.js';
import { CURVES, EKU, NAME_ATTRS, SIGNATURE } from './oids.js';

export { DerError };

const HASHES: [string, string, number?][] = [
  ['blake2b', 'blake2b512'],
  ['blake2s', 'blake2s256'],
  ['md5', 'md5'],
  ['sha1', 'sha1'],
  ['sha224', 'sha224'],
  ['sha256', 'sha256'],
  ['sha384', 'sha384'],
  ['sha3_224', 'sha3-224'],
  ['sha3_256', 'sha3-256'],
  ['sha3_384', 'sha3-384'],
  ['sha3_512', 'sha3-512'],
  ['sha512', 'sha512'],
  ['shake_128', 'shake128', 32],
  ['shake_256', 'shake256', 32],
];

const colonHex = (b: Buffer) => (b.toString('hex').match(/../g) ?? []).join(':');

/** every hash Python's hashlib guarantees, as colon-separated hex (community.crypto's fingerprints) */
export function fingerprints(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, algo, len] of HASHES) {
    try {
      out[name] = colonHex(createHash(algo, len ? { outputLength: len } : undefined).update(data).digest());
    } catch {
      // not in this OpenSSL (FIPS): left out, as Ansible does
    }
  }
  return out;
}

/** a certificate in PEM (the first CERTIFICATE block) or DER */
export function certificateDer(data: Buffer): Buffer {
  const s = data.toString('latin1');
  const m = /-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/.exec(s);
  if (m) return Buffer.from(m[1].replace(/\s+/g, ''), 'base64');
  if (data[0] === 0x30) return data;
  throw new DerError('no certificate found (neither PEM nor DER)');
}

function nameList(d: Der, short = false): [string, string][] {
  const out: [string, string][] = [];
  for (const rdn of children(d)) {
    for (const atv of children(rdn)) {
      const [t, v] = children(atv);
      const o = oid(t);
      out.push([NAME_ATTRS[o]?.[short ? 1 : 0] ?? o, text(v)]);
    }
  }
  return out;
}

function ipText(b: Buffer): string {
  if (b.length === 4) return [...b].join('.');
  if (b.length === 8) return `${ipText(b.subarray(0, 4))}/${prefixLen(b.subarray(4))}`;
  if (b.length === 32) return `${ipText(b.subarray(0, 16))}/${prefixLen(b.subarray(16))}`;
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(b.readUInt16BE(i).toString(16));
  // Python's ipaddress: the longest run (two or more) of zero groups becomes ::
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen < 2) return groups.join(':');
  const head = groups.slice(0, best).join(':');
  const tail = groups.slice(best + bestLen).join(':');
  return `${head}::${tail}`;
}

function prefixLen(mask: Buffer): number {
  let n = 0;
  for (const byte of mask) for (let bit = 7; bit >= 0; bit--) if (byte & (1 << bit)) n++;
  return n;
}

function dnEscape(v: string): string {
  let s = v.replace(/\\/g, '\\\\').replace(/[,+<>;"]/g, (c) => `\\${c}`).replace(/\0/g, '\\00');
  if (s.startsWith(' ') || s.startsWith('#')) s = `\\${s}`;
  if (s.endsWith(' ')) s = `${s.slice(0, -1)}\\ `;
  return s;
}

/** a GeneralName as community.crypto writes it ("DNS:x", "IP:1.2.3.4", "email:...") */
function generalName(g: Der): string {
  switch (g.tag) {
    case 0x82:
      return `DNS:${g.value.toString('latin1')}`;
    case 0x87:
      return `IP:${ipText(g.value)}`;
    case 0x81:
      return `email:${g.value.toString('latin1')}`;
    case 0x86:
      return `URI:${g.value.toString('latin1')}`;
    case 0xa4:
      return `dirName:${nameList(readDer(g.value), true).reverse().map(([k, v]) => `${k}=${dnEscape(v)}`).join(',')}`;
    case 0x88:
      return `RID:${oid(g)}`;
    case 0xa0: {
      const [t, v] = children(g);
      return `otherName:${oid(t)};${colonHex(children(v)[0]?.raw ?? Buffer.alloc(0))}`;
    }
    default:
      throw new DerError(`Cannot decode name with tag ${g.tag}`);
  }
}

const KEY_USAGE = ['Digital Signature', 'Non Repudiation', 'Key Encipherment', 'Data Encipherment', 'Key Agreement', 'Certificate Sign', 'CRL Sign', 'Encipher Only', 'Decipher Only'];

const asn1Time = (d: Date) => d.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z');

export interface CertInfo {
  info: Record<string, unknown>;
  notBefore: Date;
  notAfter: Date;
}

const CURVE_BITS: Record<string, number> = { secp256r1: 256, secp384r1: 384, secp521r1: 521, secp256k1: 256, secp224r1: 224, secp192r1: 192 };

function publicKeyData(key: KeyObject, spki: Der): { type: string; data: Record<string, unknown> } {
  const kt = key.asymmetricKeyType;
  const b64int = (s: string) => intValue(BigInt('0x' + Buffer.from(s, 'base64url').toString('hex')));
  if (kt === 'rsa' || kt === 'rsa-pss') {
    const [n, e] = children(readDer(children(spki)[1].value.subarray(1)));
    return { type: 'RSA', data: { size: key.asymmetricKeyDetails?.modulusLength, modulus: intValue(bigInt(n)), exponent: intValue(bigInt(e)) } };
  }
  if (kt === 'ec') {
    const jwk = key.export({ format: 'jwk' });
    const named = key.asymmetricKeyDetails?.namedCurve ?? '';
    const curve = CURVES[named] ?? named;
    return { type: 'ECC', data: { curve, x: b64int(jwk.x!), y: b64int(jwk.y!), exponent_size: CURVE_BITS[curve] } };
  }
  if (kt === 'dsa') {
    const [alg, bits] = children(spki);
    const [p, q, g] = children(children(alg)[1]);
    const y = readDer(bits.value.subarray(1));
    const pv = bigInt(p);
    return { type: 'DSA', data: { size: pv.toString(2).length, p: intValue(pv), q: intValue(bigInt(q)), g: intValue(bigInt(g)), y: intValue(bigInt(y)) } };
  }
  const names: Record<string, string> = { ed25519: 'Ed25519', ed448: 'Ed448', x25519: 'X25519', x448: 'X448' };
  return { type: names[kt ?? ''] ?? `unknown (${kt})`, data: {} };
}

/** the module's fields of a certificate (DER), `now` for `expired` */
export function certificateInfo(der: Buffer, now: Date = new Date()): CertInfo {
  const cert = readDer(der);
  const [tbs, sigAlg] = children(cert);
  const parts = children(tbs);
  let i = 0;
  let version = 1;
  if (parts[0].tag === 0xa0) {
    const v = Number(bigInt(children(parts[0])[0]));
    version = v === 0 ? 1 : v === 2 ? 3 : -1;
    i++;
  }
  const serial = bigInt(parts[i++]);
  i++; // the signature algorithm inside tbs (the same as the outer one)
  const issuer = nameList(parts[i++]);
  const [nb, na] = children(parts[i++]);
  const subject = nameList(parts[i++]);
  const spki = parts[i++];
  const extensions: { oid: string; critical: boolean; value: Buffer }[] = [];
  for (; i < parts.length; i++) {
    if (parts[i].tag !== 0xa3) continue;
    for (const e of children(children(parts[i])[0])) {
      const c = children(e);
      const critical = c.length === 3 && c[1].value[0] !== 0;
      extensions.push({ oid: oid(c[0]), critical, value: c[c.length - 1].value });
    }
  }
  const ext = (o: string) => extensions.find((e) => e.oid === o);
  const notBefore = time(nb);
  const notAfter = time(na);
  let key = createPublicKey({ key: spki.raw, format: 'der', type: 'spki' });
  let spkiDer = spki.raw;
  if (key.asymmetricKeyType === 'rsa-pss') {
    // as cryptography: an RSA-PSS key is an RSA key, written back as rsaEncryption
    const [n, e] = children(readDer(children(spki)[1].value.subarray(1)));
    const b64u = (d: Der) => d.value.subarray(d.value[0] === 0 ? 1 : 0).toString('base64url');
    key = createPublicKey({ key: { kty: 'RSA', n: b64u(n), e: b64u(e) }, format: 'jwk' });
    spkiDer = key.export({ type: 'spki', format: 'der' });
  }
  const pk = publicKeyData(key, readDer(spkiDer));
  const info: Record<string, unknown> = {};
  info.signature_algorithm = SIGNATURE[oid(children(sigAlg)[0])] ?? oid(children(sigAlg)[0]);
  info.subject = Object.fromEntries(subject);
  info.subject_ordered = subject;
  info.issuer = Object.fromEntries(issuer);
  info.issuer_ordered = issuer;
  info.version = version === -1 ? 'unknown' : version;

  const ku = ext('2.5.29.15');
  if (ku) {
    const bits = readDer(ku.value).value;
    const on = (n: number) => bits.length > 1 + (n >> 3) && (bits[1 + (n >> 3)] & (0x80 >> (n & 7))) !== 0;
    const names = KEY_USAGE.filter((_, n) => on(n) && (n < 7 || on(4)));
    info.key_usage = names.sort();
  } else info.key_usage = null;
  info.key_usage_critical = ku?.critical ?? false;

  const eku = ext('2.5.29.37');
  info.extended_key_usage = eku ? children(readDer(eku.value)).map((o) => EKU[oid(o)] ?? oid(o)).sort() : null;
  info.extended_key_usage_critical = eku?.critical ?? false;

  const bc = ext('2.5.29.19');
  if (bc) {
    const c = children(readDer(bc.value));
    const ca = c[0]?.tag === 0x01 && c[0].value[0] !== 0;
    const pl = c.find((x) => x.tag === 0x02);
    info.basic_constraints = [`CA:${ca ? 'TRUE' : 'FALSE'}`, ...(pl ? [`pathlen:${bigInt(pl)}`] : [])].sort();
  } else info.basic_constraints = null;
  info.basic_constraints_critical = bc?.critical ?? false;

  const must = ext('1.3.6.1.5.5.7.1.24');
  info.ocsp_must_staple = must ? children(readDer(must.value)).some((x) => x.tag === 0x02 && bigInt(x) === 5n) : null;
  info.ocsp_must_staple_critical = must?.critical ?? false;

  const san = ext('2.5.29.17');
  info.subject_alt_name = san ? children(readDer(san.value)).map(generalName) : null;
  info.subject_alt_name_critical = san?.critical ?? false;

  info.not_before = asn1Time(notBefore);
  info.not_after = asn1Time(notAfter);
  info.expired = notAfter.getTime() < now.getTime();
  info.public_key = key.export({ type: 'spki', format: 'pem' }).toString();
  info.public_key_type = pk.type;
  info.public_key_data = pk.data;
  info.public_key_fingerprints = fingerprints(spkiDer);
  info.fingerprints = fingerprints(cert.raw);

  const ski = ext('2.5.29.14');
  info.subject_key_identifier = ski ? colonHex(readDer(ski.value).value) : null;
  const aki = ext('2.5.29.35');
  let akid: string | null = null;
  let akIssuer: string[] | null = null;
  let akSerial: number | string | null = null;
  if (aki) {
    for (const c of children(readDer(aki.value))) {
      if (c.tag === 0x80) akid = colonHex(c.value);
      else if (c.tag === 0xa1) akIssuer = children(c).map(generalName);
      else if (c.tag === 0x82) akSerial = intValue(bigInt(c));
    }
  }
  info.authority_key_identifier = akid;
  info.authority_cert_issuer = akIssuer;
  info.authority_cert_serial_number = akSerial;
  info.serial_number = intValue(serial);
  info.extensions_by_oid = Object.fromEntries(extensions.map((e) => [e.oid, { critical: e.critical, value: e.value.toString('base64') }]));
  let ocsp: string | null = null;
  let caIssuers: string | null = null;
  const aia = ext('1.3.6.1.5.5.7.1.1');
  if (aia) {
    for (const ad of children(readDer(aia.value))) {
      const [m, loc] = children(ad);
      if (loc.tag !== 0x86) continue;
      if (oid(m) === '1.3.6.1.5.5.7.48.1' && ocsp === null) ocsp = loc.value.toString('latin1');
      if (oid(m) === '1.3.6.1.5.5.7.48.2' && caIssuers === null) caIssuers = loc.value.toString('latin1');
    }
  }
  info.ocsp_uri = ocsp;
  info.issuer_uri = caIssuers;
  return { info, notBefore, notAfter };
}

/** community.crypto's get_relative_time_option: +/-[Nw][Nd][Nh][Nm][N[s]] from now, or an ASN.1 time */
export function relativeTime(spec: string, now: Date = new Date()): Date | undefined {
  const rel = /^([+-])(?:(\d+)[wW])?(?:(\d+)[dD])?(?:(\d+)[hH])?(?:(\d+)[mM])?(?:(\d+)[sS]?)?$/.exec(spec);
  if (rel) {
    if (spec.length === 1) return undefined;
    const [, sign, w, d, h, m, s] = rel;
    const secs = Number(w ?? 0) * 604800 + Number(d ?? 0) * 86400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0);
    return new Date(now.getTime() + (sign === '+' ? 1 : -1) * secs * 1000);
  }
  const abs = /^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)?(Z|[+-]\d{4})$/.exec(spec);
  if (!abs) return undefined;
  const [, y, mo, d, h, mi, s, tz] = abs;
  let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (tz !== 'Z') t -= (tz[0] === '+' ? 1 : -1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3))) * 60000;
  return new Date(t);
}
