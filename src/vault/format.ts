/**
 * The Ansible Vault format, 1.1 and 1.2 with the AES256 cipher, as ansible-vault writes it:
 *
 *   $ANSIBLE_VAULT;1.1;AES256            (1.2 adds ";label", the vault id)
 *   hex(hex(salt) "\n" hex(hmac) "\n" hex(ciphertext)) in lines of 80 characters
 *
 * The keys come from PBKDF2-HMAC-SHA256(password, salt, 10000 iterations, 80 bytes): the AES-256
 * key, the HMAC-SHA256 key and the 16-byte CTR counter block. The plaintext is PKCS#7-padded to
 * 16 bytes, encrypted with AES-256-CTR, and the HMAC covers the ciphertext. Every primitive is
 * node:crypto's (OpenSSL); this file only arranges the bytes. Pure: no state, no I/O.
 */
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';
const ITERATIONS = 10000;
const KEY_LEN = 32;
const IV_LEN = 16;
const BLOCK = 16;

/** a malformed envelope (not a wrong password) */
export class VaultFormatError extends Error {}

export interface Envelope {
  version: string;
  cipher: string;
  /** the vault id of a 1.2 header */
  label?: string;
  /** the hexlified payload, lines joined */
  body: string;
}

/** Text (or bytes) that starts with the vault header, as Ansible's is_encrypted tests it. */
export function isVaultText(data: string | Buffer): boolean {
  const head = typeof data === 'string' ? data.slice(0, VAULT_HEADER.length) : data.subarray(0, VAULT_HEADER.length).toString('latin1');
  return head === VAULT_HEADER;
}

/** The header and the payload of vault text (whitespace around lines ignored, as Ansible's parser). */
export function parseEnvelope(text: string): Envelope {
  const lines = text.split(/\r?\n|\r/);
  const head = lines[0].trim().split(';');
  if (head[0] !== VAULT_HEADER || head.length < 3) throw new VaultFormatError('the first line is not a vault header ($ANSIBLE_VAULT;1.1;AES256)');
  const [, version, cipher, label] = head.map((s) => s.trim());
  if (version !== '1.1' && version !== '1.2') throw new VaultFormatError(`vault format version ${version} is not supported (1.1 and 1.2 are)`);
  if (cipher !== 'AES256') throw new VaultFormatError(`the ${cipher} cipher is not supported (AES256 is)`);
  const body = lines.slice(1).map((l) => l.trim()).join('');
  return { version, cipher, label: head.length >= 4 ? label : undefined, body };
}

function unhex(s: string, what: string): Buffer {
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) throw new VaultFormatError(`the ${what} is not hexadecimal`);
  return Buffer.from(s, 'hex');
}

function keys(password: Buffer, salt: Buffer): { aes: Buffer; mac: Buffer; iv: Buffer } {
  const k = pbkdf2Sync(password, salt, ITERATIONS, 2 * KEY_LEN + IV_LEN, 'sha256');
  return { aes: k.subarray(0, KEY_LEN), mac: k.subarray(KEY_LEN, 2 * KEY_LEN), iv: k.subarray(2 * KEY_LEN) };
}

const bytes = (v: string | Buffer) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

/**
 * Decrypt with one password: the plaintext, or undefined when the HMAC does not match (a wrong
 * password). A malformed payload throws VaultFormatError.
 */
export function decryptEnvelope(env: Envelope, password: string | Buffer): Buffer | undefined {
  const inner = unhex(env.body, 'vault payload').toString('latin1');
  const parts = inner.split('\n');
  if (parts.length < 3) throw new VaultFormatError('the vault payload does not hold salt, HMAC and ciphertext');
  const salt = unhex(parts[0], 'salt');
  const hmac = unhex(parts[1], 'HMAC');
  const ciphertext = unhex(parts.slice(2).join('\n'), 'ciphertext');
  const k = keys(bytes(password), salt);
  const mine = createHmac('sha256', k.mac).update(ciphertext).digest();
  if (hmac.length !== mine.length || !timingSafeEqual(hmac, mine)) return undefined;
  const d = createDecipheriv('aes-256-ctr', k.aes, k.iv);
  const padded = Buffer.concat([d.update(ciphertext), d.final()]);
  const pad = padded.length ? padded[padded.length - 1] : 0;
  if (pad < 1 || pad > BLOCK || pad > padded.length || padded.subarray(padded.length - pad).some((b) => b !== pad)) {
    throw new VaultFormatError('the decrypted data has no valid PKCS#7 padding');
  }
  return padded.subarray(0, padded.length - pad);
}

/**
 * Encrypt as ansible-vault does: 1.1 without a label (or with "default"), 1.2 with one; a random
 * 32-byte salt unless given. Returns the envelope with its trailing newline.
 */
export function encryptVault(plaintext: string | Buffer, password: string | Buffer, opts: { label?: string; salt?: Buffer } = {}): string {
  const salt = opts.salt ?? randomBytes(32);
  const k = keys(bytes(password), salt);
  const data = bytes(plaintext);
  const pad = BLOCK - (data.length % BLOCK);
  const c = createCipheriv('aes-256-ctr', k.aes, k.iv);
  const ciphertext = Buffer.concat([c.update(Buffer.concat([data, Buffer.alloc(pad, pad)])), c.final()]);
  const hmac = createHmac('sha256', k.mac).update(ciphertext).digest();
  const inner = [salt.toString('hex'), hmac.toString('hex'), ciphertext.toString('hex')].join('\n');
  const body = Buffer.from(inner, 'latin1').toString('hex');
  const label = opts.label && opts.label !== 'default' ? opts.label : undefined;
  const header = label ? `${VAULT_HEADER};1.2;AES256;${label}` : `${VAULT_HEADER};1.1;AES256`;
  const lines = [header];
  for (let i = 0; i < body.length; i += 80) lines.push(body.slice(i, i + 80));
  return lines.join('\n') + '\n';
}
