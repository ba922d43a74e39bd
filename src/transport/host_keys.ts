/**
 * Host key verification policy over known_hosts files: ok, refuse (unknown/changed/revoked) or,
 * with accept-new, record an unknown key. A key is never accepted silently: unknown keys are only
 * recorded when the user asked for accept-new, and changed or revoked keys always fail.
 */
import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { homedir } from 'node:os';
import { randomBytes } from 'node:crypto';
import { KbsError } from '../errors.js';
import {
  blobKeyType,
  checkHostKey,
  fingerprint,
  keyLabel,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
  type KnownHostEntry,
} from './known_hosts.js';

export function defaultKnownHostsFile(): string {
  return join(homedir(), '.ssh', 'known_hosts');
}

export async function readKnownHosts(files: string[]): Promise<KnownHostEntry[]> {
  const out: KnownHostEntry[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await fsp.readFile(f, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw new KbsError('HOST_KEY', `cannot read known_hosts file ${f}: ${(e as Error).message}`);
    }
    out.push(...parseKnownHosts(text, f));
  }
  return out;
}

/** Writes to one file are serialized in-process so concurrent accepts never lose a line. */
const writeQueues = new Map<string, Promise<unknown>>();

/** Append "NAME TYPE BASE64" to FILE atomically (temp + rename); creates ~/.ssh 0700 / file 0600. */
export function appendKnownHost(file: string, name: string, blob: Buffer): Promise<void> {
  const prev = writeQueues.get(file) ?? Promise.resolve();
  const next = prev.catch(() => undefined).then(() => doAppend(file, name, blob));
  writeQueues.set(file, next);
  return next;
}

async function doAppend(file: string, name: string, blob: Buffer): Promise<void> {
  let existing = '';
  let mode = 0o600;
  try {
    const st = await fsp.stat(file);
    if (!st.isFile()) {
      throw new KbsError('HOST_KEY', `cannot record the host key of ${name} in ${file}: not a regular file`, {
        hint: 'kbs never disables host key verification; point UserKnownHostsFile at a real file',
      });
    }
    mode = st.mode & 0o777;
    existing = await fsp.readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof KbsError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    await fsp.mkdir(dirname(file), { recursive: true, mode: 0o700 });
  }
  // another accept in this run may have recorded it already
  if (checkHostKey(parseKnownHosts(existing, file), name, blob).status === 'ok') return;
  const line = `${name} ${blobKeyType(blob)} ${blob.toString('base64')}\n`;
  const text = existing === '' || existing.endsWith('\n') ? existing + line : existing + '\n' + line;
  const tmp = `${file}.kbs-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fsp.writeFile(tmp, text, { mode });
    await fsp.chmod(tmp, mode);
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw new KbsError('HOST_KEY', `cannot write known_hosts file ${file}: ${(e as Error).message}`);
  }
}

export interface HostKeyPolicy {
  /** files read; the first one is where accepted keys are written */
  files: string[];
  acceptNew: boolean;
}

/** ssh2 serverHostKey algorithms, ordered to prefer the key types already known for the host. */
export function preferredHostKeyAlgorithms(knownTypes: string[]): string[] {
  const all = [
    'ssh-ed25519',
    'ecdsa-sha2-nistp256',
    'ecdsa-sha2-nistp384',
    'ecdsa-sha2-nistp521',
    'rsa-sha2-512',
    'rsa-sha2-256',
    'ssh-rsa',
  ];
  const first: string[] = [];
  for (const t of knownTypes) {
    const algs = t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t];
    for (const a of algs) if (all.includes(a) && !first.includes(a)) first.push(a);
  }
  return [...first, ...all.filter((a) => !first.includes(a))];
}

export async function knownTypesFor(policy: HostKeyPolicy, host: string, port: number): Promise<string[]> {
  const entries = await readKnownHosts(policy.files);
  return knownKeyTypes(entries, knownHostName(host, port));
}

/**
 * Verify BLOB offered by HOST:PORT. Resolves when the key is trusted (possibly after recording it
 * under accept-new); throws KbsError HOST_KEY otherwise. INVENTORY names the host in errors.
 */
export async function verifyHostKey(
  policy: HostKeyPolicy,
  inventoryName: string,
  host: string,
  port: number,
  blob: Buffer,
): Promise<'ok' | 'accepted'> {
  const name = knownHostName(host, port);
  const entries = await readKnownHosts(policy.files);
  const res = checkHostKey(entries, name, blob);
  const type = blobKeyType(blob);
  const fp = `${keyLabel(type)} ${fingerprint(blob)}`;
  const removeHint = (file: string) =>
    `if the host was reinstalled, verify the new fingerprint out of band, then remove the old key with: ssh-keygen -f ${file} -R '${name}'`;
  switch (res.status) {
    case 'ok':
      return 'ok';
    case 'revoked':
      throw new KbsError(
        'HOST_KEY',
        `the host key of ${name} (${fp}) is marked @revoked in ${res.entry.file}:${res.entry.line}; refusing to connect`,
        { host: inventoryName, hint: 'a revoked key must never be accepted; replace the host key on the host' },
      );
    case 'changed':
      throw new KbsError(
        'HOST_KEY',
        `REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}: it offered ${fp}, ` +
          `but ${res.entry.file}:${res.entry.line} has a different ${keyLabel(res.entry.keyType)} key ` +
          `(someone could be eavesdropping, or the host key was just changed)`,
        { host: inventoryName, hint: removeHint(res.entry.file) },
      );
    case 'unknown': {
      if (res.otherTypes.length > 0) {
        // The host used to present another key type and no longer offers it: as suspicious as a change.
        const e = res.otherTypes[0];
        throw new KbsError(
          'HOST_KEY',
          `REMOTE HOST IDENTIFICATION HAS CHANGED for ${name}: it offered ${fp}, but ${e.file}:${e.line} ` +
            `has a ${keyLabel(e.keyType)} key for it and the host no longer offers that type`,
          { host: inventoryName, hint: removeHint(e.file) },
        );
      }
      if (!policy.acceptNew) {
        throw new KbsError('HOST_KEY', `unknown host key for ${name} (${fp})`, {
          host: inventoryName,
          hint: 'verify the fingerprint, then run with --accept-new-host-keys or add it with ssh-keyscan',
          detail: { fingerprint: fingerprint(blob), keyType: type, knownHosts: policy.files[0] },
        });
      }
      await appendKnownHost(policy.files[0], name, blob);
      return 'accepted';
    }
  }
}
