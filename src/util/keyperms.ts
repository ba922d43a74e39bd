/** OpenSSH's permission rule for private key files, shared by the inventory check and the transport. */
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { resolve } from 'node:path';

/**
 * OpenSSH's rule for private key files: a key owned by the user and readable or writable by group
 * or others is refused ("UNPROTECTED PRIVATE KEY FILE"). A message, or undefined when the file is
 * fine or absent (a missing file is reported when connecting).
 */
export function unprotectedKey(file: string): string | undefined {
  const path = resolve(file.replace(/^~(?=\/|$)/, homedir()));
  let st;
  try {
    st = statSync(path);
  } catch {
    return undefined;
  }
  if (!st.isFile() || st.uid !== process.getuid?.() || (st.mode & 0o077) === 0) return undefined;
  return `UNPROTECTED PRIVATE KEY FILE: permissions 0${(st.mode & 0o777).toString(8)} for '${path}' are too open`;
}

export function unprotectedHint(file: string): string {
  return `chmod 600 ${file}: a private key file must not be accessible by others (OpenSSH ignores such a key too)`;
}
