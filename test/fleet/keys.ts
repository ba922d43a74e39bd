/** SSH keys: the fleet's client key (cached, shared by all fleets) and per-machine host keys. */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CACHE_DIR } from './config.js';
import { runOk } from './exec.js';

export interface ClientKey {
  privateKey: string;
  publicKey: string;
}

/** /var/lib/kbs-fleet/ssh/id_ed25519 (+ .pub), created once, race-free (rename of a folder) */
export function clientKeyPath(): string {
  return join(CACHE_DIR, 'ssh', 'id_ed25519');
}

export async function ensureClientKey(): Promise<ClientKey> {
  const dir = join(CACHE_DIR, 'ssh');
  const key = clientKeyPath();
  if (!existsSync(`${key}.pub`)) {
    const tmp = `${dir}.tmp-${process.pid}`;
    rmSync(tmp, { recursive: true, force: true });
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'kbs-fleet', '-f', join(tmp, 'id_ed25519')]);
    try {
      renameSync(tmp, dir);
    } catch {
      rmSync(tmp, { recursive: true, force: true }); // someone else won the race: use theirs
    }
  }
  return { privateKey: key, publicKey: readFileSync(`${key}.pub`, 'utf8').trim() };
}

/** generate an ed25519 host key in ETC/ssh; returns the public key line ("ssh-ed25519 AAAA...") */
export async function makeHostKey(etcSsh: string, name: string): Promise<string> {
  mkdirSync(etcSsh, { recursive: true });
  const f = join(etcSsh, 'ssh_host_ed25519_key');
  rmSync(f, { force: true });
  rmSync(`${f}.pub`, { force: true });
  await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `root@${name}`, '-f', f]);
  const [type, blob] = readFileSync(`${f}.pub`, 'utf8').trim().split(/\s+/);
  return `${type} ${blob}`;
}
