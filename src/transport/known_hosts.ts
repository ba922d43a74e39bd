/**
 * OpenSSH known_hosts: parsing and lookup (pure functions, no I/O).
 *
 * Supported: plain names, comma lists, `[host]:port`, hashed `|1|salt|hash` (HMAC-SHA1), wildcard
 * patterns (`*`, `?`) and negations (`!pattern`), `@revoked` (a matching revoked key is refused)
 * and `@cert-authority` (ignored: kbs does not do host certificates).
 */
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostEntry {
  file: string;
  line: number; // 1-based
  marker?: 'revoked' | 'cert-authority';
  /** the comma-separated host field, split */
  patterns: string[];
  keyType: string;
  /** the decoded key blob */
  key: Buffer;
}

export type HostKeyCheck =
  | { status: 'ok'; entry: KnownHostEntry }
  | { status: 'unknown'; otherTypes: KnownHostEntry[] }
  | { status: 'changed'; entry: KnownHostEntry }
  | { status: 'revoked'; entry: KnownHostEntry };

/** The name OpenSSH looks up and writes: `host` for port 22, `[host]:port` otherwise. */
export function knownHostName(host: string, port = 22): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (raw === '' || raw.startsWith('#')) continue;
    const fields = raw.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0].startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else continue; // unknown marker: OpenSSH skips the line
    }
    if (fields.length < 3) continue;
    const [hosts, keyType, b64] = fields;
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) continue;
    out.push({ file, line: i + 1, marker, patterns: hosts.split(','), keyType, key: Buffer.from(b64, 'base64') });
  }
  return out;
}

/** OpenSSH wildcard match (`*`, `?`), case-insensitive as for host names. */
export function wildcardMatch(name: string, pattern: string): boolean {
  const re = new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[\\^$.+()|{}[\]]/g, '\\$&')))
        .join('') +
      '$',
    'is',
  );
  return re.test(name);
}

function hashedMatch(name: string, field: string): boolean {
  // |1|base64(salt)|base64(HMAC-SHA1(salt, name))
  const parts = field.split('|');
  if (parts.length !== 4 || parts[1] !== '1') return false;
  const salt = Buffer.from(parts[2], 'base64');
  const want = Buffer.from(parts[3], 'base64');
  const got = createHmac('sha1', salt).update(name).digest();
  return want.length === got.length && want.equals(got);
}

/** Does the host field of ENTRY match NAME (as produced by knownHostName)? */
export function entryMatches(entry: KnownHostEntry, name: string): boolean {
  let positive = false;
  for (const p of entry.patterns) {
    if (p.startsWith('|')) {
      if (hashedMatch(name, p)) positive = true;
    } else if (p.startsWith('!')) {
      if (wildcardMatch(name, p.slice(1))) return false;
    } else if (wildcardMatch(name, p)) {
      positive = true;
    }
  }
  return positive;
}

/** The key type named inside an SSH public key blob (e.g. "ssh-ed25519"). */
export function blobKeyType(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const n = blob.readUInt32BE(0);
  if (n > blob.length - 4 || n > 64) return 'unknown';
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** "SHA256:" + unpadded base64 of sha256(blob), exactly as OpenSSH prints it. */
export function fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

/** "ED25519", "ECDSA", "RSA" ... as in OpenSSH's "ED25519 key fingerprint is ...". */
export function keyLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  if (keyType.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
  if (keyType.startsWith('sk-ecdsa')) return 'ECDSA-SK';
  return keyType.toUpperCase();
}

/**
 * Check the key a host offered against known_hosts entries.
 * - a matching @revoked entry with the same key -> revoked
 * - a matching entry with the same key -> ok
 * - a matching entry of the same key type but another key -> changed
 * - otherwise unknown (otherTypes: matching entries of other key types, for the caller to judge)
 */
export function checkHostKey(entries: KnownHostEntry[], name: string, blob: Buffer): HostKeyCheck {
  const type = blobKeyType(blob);
  const matching = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, name));
  const revoked = matching.find((e) => e.marker === 'revoked' && e.key.equals(blob));
  if (revoked) return { status: 'revoked', entry: revoked };
  const plain = matching.filter((e) => e.marker === undefined);
  const same = plain.find((e) => e.key.equals(blob));
  if (same) return { status: 'ok', entry: same };
  const changed = plain.find((e) => e.keyType === type || blobKeyType(e.key) === type);
  if (changed) return { status: 'changed', entry: changed };
  return { status: 'unknown', otherTypes: plain };
}

/** Key types known for NAME, in file order (used to prefer them during key exchange). */
export function knownKeyTypes(entries: KnownHostEntry[], name: string): string[] {
  const types: string[] = [];
  for (const e of entries) {
    if (e.marker !== undefined || !entryMatches(e, name)) continue;
    if (!types.includes(e.keyType)) types.push(e.keyType);
  }
  return types;
}
