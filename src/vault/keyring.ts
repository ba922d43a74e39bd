/**
 * The vault passwords of this run (set once by the CLI before anything is loaded) and decryption
 * with them, as Ansible chooses: the password whose vault id matches the header's label first,
 * then every other one in the order given. Failures are KbsError VAULT (exit 4) naming where the
 * vault data was written and the vault ids tried, never a password.
 */
import { KbsError, type Position } from '../errors.js';
import { decryptEnvelope, parseEnvelope, VaultFormatError } from './format.js';

export interface VaultSecret {
  /** the vault id (label); "default" when none was given */
  id: string;
  password: Buffer;
  /** where it came from, for messages: a file, a script, "prompt" */
  source: string;
}

let secrets: VaultSecret[] = [];
let generation = 0;

export function setVaultSecrets(list: VaultSecret[]): void {
  secrets = [...list];
  generation++;
}

/** changes whenever the passwords are set: what was decrypted (and cached) before is stale */
export function vaultGeneration(): number {
  return generation;
}

export function vaultSecrets(): readonly VaultSecret[] {
  return secrets;
}

const NO_PASSWORD_HINT = 'give the password with --ask-vault-pass, --vault-password-file FILE or --vault-id [label@]FILE|prompt (or vault_password_file in ansible.cfg)';

/** Decrypt vault text written at `pos` (`what`: "file" for a whole file, "value" for a !vault value). */
export function decryptVault(text: string, pos: Position, what: 'file' | 'value'): Buffer {
  const subject = what === 'file' ? 'this file is vault-encrypted' : 'this !vault value is encrypted';
  if (what === 'file' && pos.line === undefined) pos = { ...pos, line: 1, col: 1 };
  let env;
  try {
    env = parseEnvelope(text);
  } catch (e) {
    if (!(e instanceof VaultFormatError)) throw e;
    throw new KbsError('VAULT', `${subject} but its vault data is malformed: ${e.message}`, { pos, hint: 'encrypt it again with ansible-vault or kbs vault' });
  }
  const label = env.label ? ` (vault id "${env.label}")` : '';
  if (!secrets.length) throw new KbsError('VAULT', `${subject}${label} but no vault password was given`, { pos, hint: NO_PASSWORD_HINT });
  const order = [...secrets.filter((s) => s.id === env.label), ...secrets.filter((s) => s.id !== env.label)];
  for (const s of order) {
    let plain: Buffer | undefined;
    try {
      plain = decryptEnvelope(env, s.password);
    } catch (e) {
      if (!(e instanceof VaultFormatError)) throw e;
      throw new KbsError('VAULT', `${subject}${label} but its vault data is malformed: ${e.message}`, { pos, hint: 'encrypt it again with ansible-vault or kbs vault' });
    }
    if (plain) return plain;
  }
  const tried = [...new Set(order.map((s) => s.id))].join(', ');
  throw new KbsError('VAULT', `${subject}${label} and no vault password given decrypts it (vault ids tried: ${tried})`, {
    pos,
    hint: env.label && !secrets.some((s) => s.id === env.label) ? `give the password of vault id "${env.label}" with --vault-id ${env.label}@FILE or ${env.label}@prompt` : 'check the vault password (the file, script or what was typed at the prompt)',
  });
}
