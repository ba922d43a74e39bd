/** get_url's checksum arg: `ALGO:HEX` or `ALGO:URL` (a checksum file fetched on the host). */
import { KbsError } from '../../errors.js';

export const ALGOS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
export type ChecksumAlgo = (typeof ALGOS)[number];

export interface ChecksumSpec {
  algo: ChecksumAlgo;
  /** the hex digest, or undefined when it is to be read from `url` */
  hex?: string;
  url?: string;
}

export function parseChecksum(s: string): ChecksumSpec {
  const i = s.indexOf(':');
  if (i < 0) throw new KbsError('TASK', `The checksum parameter has to be in format <algorithm>:<checksum>, got ${JSON.stringify(s)}`);
  const algo = s.slice(0, i).trim().toLowerCase();
  if (!(ALGOS as readonly string[]).includes(algo)) {
    throw new KbsError('TASK', `Could not hash file with ${algo}, the algorithm must be one of ${ALGOS.join(', ')}`);
  }
  const rest = s.slice(i + 1).trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) return { algo: algo as ChecksumAlgo, url: rest };
  return { algo: algo as ChecksumAlgo, hex: normHex(rest) };
}

/** Ansible strips every non-word character and lowercases; the rest must be hex. */
export function normHex(s: string): string {
  const h = s.replace(/\W+/g, '').toLowerCase();
  if (!/^[0-9a-f]+$/.test(h)) throw new KbsError('TASK', 'The checksum format is invalid', { hint: 'give ALGO:HEX or ALGO:URL of a checksum file' });
  return h;
}

/**
 * Ansible's lookup in a checksum file: a single lone word is the checksum; else the first line
 * "HASH  NAME" / "HASH *NAME" whose name (without a leading ./) is the file name.
 */
export function findChecksum(text: string, filename: string): string | undefined {
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 1 && lines[0].trim().split(/\s+/).length === 1) return lines[0].trim();
  for (const line of lines) {
    const sp = line.indexOf(' ');
    if (sp < 0) continue;
    let name = line.slice(sp + 1);
    if (name.startsWith(' ') || name.startsWith('*')) name = name.slice(1);
    name = name.replace(/^[./]+/, '');
    if (name === filename) return line.slice(0, sp);
  }
  return undefined;
}
