/**
 * The crypt(3) password hashes that Ansible's password_hash writes: SHA-512 crypt ($6$), SHA-256
 * crypt ($5$) (Ulrich Drepper's specification) and MD5 crypt ($1$), computed with node's hash
 * functions. Output as passlib writes it: "rounds=N$" only when N is not the implicit 5000.
 */
import { createHash } from 'node:crypto';

const B64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SALT_CHARS = B64;

function b64From24(b2: number, b1: number, b0: number, n: number): string {
  let w = (b2 << 16) | (b1 << 8) | b0;
  let out = '';
  for (let i = 0; i < n; i++) {
    out += B64[w & 0x3f];
    w >>= 6;
  }
  return out;
}

const ORDER_512 = [
  [0, 21, 42], [22, 43, 1], [44, 2, 23], [3, 24, 45], [25, 46, 4], [47, 5, 26], [6, 27, 48], [28, 49, 7], [50, 8, 29], [9, 30, 51], [31, 52, 10],
  [53, 11, 32], [12, 33, 54], [34, 55, 13], [56, 14, 35], [15, 36, 57], [37, 58, 16], [59, 17, 38], [18, 39, 60], [40, 61, 19], [62, 20, 41],
];
const ORDER_256 = [[0, 10, 20], [21, 1, 11], [12, 22, 2], [3, 13, 23], [24, 4, 14], [15, 25, 5], [6, 16, 26], [27, 7, 17], [18, 28, 8], [9, 19, 29]];

/** SHA-crypt: algo sha512 ($6$) or sha256 ($5$). */
export function shaCrypt(algo: 'sha512' | 'sha256', password: string, salt: string, rounds = 5000): string {
  const H = (...parts: Buffer[]) => {
    const h = createHash(algo);
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const len = algo === 'sha512' ? 64 : 32;
  const pw = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 16), 'utf8');
  const repeat = (src: Buffer, n: number) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) out[i] = src[i % src.length];
    return out;
  };
  const B = H(pw, s, pw);
  const aParts: Buffer[] = [pw, s, repeat(B, pw.length)];
  for (let i = pw.length; i > 0; i >>= 1) aParts.push(i & 1 ? B : pw);
  const A = H(...aParts);
  const DP = H(...Array<Buffer>(pw.length).fill(pw));
  const P = repeat(DP, pw.length);
  const DS = H(...Array<Buffer>(16 + A[0]).fill(s));
  const S = repeat(DS, s.length);
  let C = A;
  for (let i = 0; i < rounds; i++) {
    const parts: Buffer[] = [i & 1 ? P : C];
    if (i % 3) parts.push(S);
    if (i % 7) parts.push(P);
    parts.push(i & 1 ? C : P);
    C = H(...parts);
  }
  let out = '';
  if (algo === 'sha512') {
    for (const [a, b, c] of ORDER_512) out += b64From24(C[a], C[b], C[c], 4);
    out += b64From24(0, 0, C[63], 2);
  } else {
    for (const [a, b, c] of ORDER_256) out += b64From24(C[a], C[b], C[c], 4);
    out += b64From24(0, C[31], C[30], 3);
  }
  void len;
  const head = algo === 'sha512' ? '$6$' : '$5$';
  return `${head}${rounds === 5000 ? '' : `rounds=${rounds}$`}${salt.slice(0, 16)}$${out}`;
}

/** MD5-crypt ($1$, Poul-Henning Kamp's). */
export function md5Crypt(password: string, salt: string): string {
  const md5 = (...parts: Buffer[]) => {
    const h = createHash('md5');
    for (const p of parts) h.update(p);
    return h.digest();
  };
  const pw = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 8), 'utf8');
  const magic = Buffer.from('$1$');
  const fin = md5(pw, s, pw);
  const parts: Buffer[] = [pw, magic, s];
  for (let pl = pw.length; pl > 0; pl -= 16) parts.push(fin.subarray(0, Math.min(16, pl)));
  for (let i = pw.length; i; i >>= 1) parts.push(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let f = md5(...parts);
  for (let i = 0; i < 1000; i++) {
    const p: Buffer[] = [i & 1 ? pw : f];
    if (i % 3) p.push(s);
    if (i % 7) p.push(pw);
    p.push(i & 1 ? f : pw);
    f = md5(...p);
  }
  let out = '';
  for (const [a, b, c] of [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]]) out += b64From24(f[a], f[b], f[c], 4);
  out += b64From24(0, 0, f[11], 2);
  return `$1$${salt.slice(0, 8)}$${out}`;
}
