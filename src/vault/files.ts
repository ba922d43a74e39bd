/**
 * Workstation files a task sends (copy's and template's `src`) that are vault-encrypted: decrypted
 * before the upload (Ansible's `decrypt: true`), their text registered as a secret, and their
 * --diff content replaced by a note (the old content on the host may hold an earlier secret).
 */
import { isVaultText } from './format.js';
import { decryptVault } from './keyring.js';
import { addSecret } from './redact.js';

/** the shape of a module's --diff entry (modules/types.ts; vault/ stays below modules/) */
interface DiffEntry {
  before?: string;
  after?: string;
  before_header?: string;
  after_header?: string;
}

export const VAULTED_DIFF = '(content not shown: the source is vault-encrypted)\n';

/** The bytes of a file, decrypted when vault-encrypted (a wrong password fails the task, exit 4 at load for literal paths). */
export function unvaultFileData(file: string, data: Buffer): { data: Buffer; vaulted: boolean } {
  if (!isVaultText(data)) return { data, vaulted: false };
  const plain = decryptVault(data.toString('latin1'), { file }, 'file');
  addSecret(plain.toString('utf8'));
  return { data: plain, vaulted: true };
}

/** The result with the before/after text of its content diffs replaced (headers and file attribute diffs kept). */
export function hideVaultedDiff<R extends { diff?: DiffEntry | DiffEntry[] }>(r: R): R {
  if (!r.diff) return r;
  const attrs = (d: DiffEntry) => d.after_header?.endsWith('(file attributes)') ?? false;
  const hide = (d: DiffEntry): DiffEntry => (attrs(d) || (d.before === undefined && d.after === undefined) ? d : { ...d, before: d.before === undefined ? undefined : '', after: VAULTED_DIFF });
  return { ...r, diff: Array.isArray(r.diff) ? r.diff.map(hide) : hide(r.diff) };
}
