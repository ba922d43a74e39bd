/**
 * `kbs vault encrypt|decrypt|view|encrypt_string`: ansible-vault's everyday verbs, writing and
 * reading the same format (src/vault/format.ts). Files are rewritten atomically, keeping their
 * mode (new files 0600). The password comes from the usual vault options; encryption uses the
 * first one given, and its vault id as the label (1.2 header) unless it is "default".
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { EXIT, KbsError } from '../errors.js';
import { writeFileAtomic } from '../util/atomic.js';
import { encryptVault, isVaultText } from '../vault/format.js';
import { decryptVault, vaultSecrets } from '../vault/keyring.js';
import type { CliIO } from './io.js';
import { renderError } from './render.js';
import { addVaultOptions } from './vault-options.js';

interface Flags {
  output?: string;
  name?: string;
  encryptVaultId?: string;
}

function encryptSecret(flags: Flags) {
  const all = vaultSecrets();
  if (!all.length) throw new KbsError('VAULT', 'no vault password was given to encrypt with', { hint: 'give one with --vault-id [label@]FILE|prompt, --vault-password-file FILE or --ask-vault-pass' });
  if (!flags.encryptVaultId) return all[0];
  const s = all.find((x) => x.id === flags.encryptVaultId);
  if (!s) throw new KbsError('VAULT', `no vault password with vault id "${flags.encryptVaultId}" was given`, { hint: `add --vault-id ${flags.encryptVaultId}@FILE` });
  return s;
}

function read(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new KbsError('NOT_FOUND', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`, { pos: { file } });
  }
}

function modeOf(file: string): number {
  try {
    return statSync(file).mode & 0o7777;
  } catch {
    return 0o600;
  }
}

/** write to --output (- for stdout) or back to the file itself */
function emit(io: CliIO, file: string, data: Buffer | string, flags: Flags): void {
  if (flags.output === '-') io.stdout(data.toString());
  else {
    const dest = resolve(flags.output ?? file);
    writeFileAtomic(dest, data, modeOf(dest));
  }
}

function plain(file: string): Buffer {
  const data = read(file);
  if (!isVaultText(data)) throw new KbsError('VAULT', 'this file is not vault-encrypted', { pos: { file }, hint: 'nothing to decrypt' });
  return decryptVault(data.toString('latin1'), { file }, 'file');
}

export function registerVault(program: Command, io: CliIO, setCode: (c: number) => void): void {
  const vault = program.command('vault').description('encrypt and decrypt Ansible Vault files and values (as ansible-vault)');
  const run = (fn: () => void) => {
    try {
      fn();
      setCode(EXIT.OK);
    } catch (e) {
      setCode(renderError(e, io));
    }
  };
  addVaultOptions(vault.command('encrypt').argument('<files...>', 'files to encrypt in place').description('encrypt files'))
    .option('--output <file>', 'write the result here instead (- for stdout; one input file)')
    .option('--encrypt-vault-id <label>', 'the vault id whose password encrypts')
    .action((files: string[], flags: Flags) =>
      run(() => {
        const s = encryptSecret(flags);
        for (const f of files) {
          const data = read(f);
          if (isVaultText(data)) throw new KbsError('VAULT', 'this file is already vault-encrypted', { pos: { file: f } });
          emit(io, f, encryptVault(data, s.password, { label: s.id }), flags);
        }
      }),
    );
  addVaultOptions(vault.command('decrypt').argument('<files...>', 'files to decrypt in place').description('decrypt files'))
    .option('--output <file>', 'write the result here instead (- for stdout; one input file)')
    .action((files: string[], flags: Flags) => run(() => files.forEach((f) => emit(io, f, plain(f), flags))));
  addVaultOptions(vault.command('view').argument('<files...>', 'files to show').description('print decrypted files'))
    .action((files: string[]) => run(() => files.forEach((f) => io.stdout(plain(f).toString('utf8')))));
  addVaultOptions(vault.command('encrypt_string').alias('encrypt-string').argument('<string>', 'the text to encrypt').description('encrypt a value for a YAML file (!vault)'))
    .option('-n, --name <name>', 'print it as "name: !vault |"')
    .option('--encrypt-vault-id <label>', 'the vault id whose password encrypts')
    .action((text: string, flags: Flags) =>
      run(() => {
        const s = encryptSecret(flags);
        const lines = encryptVault(text, s.password, { label: s.id }).trimEnd().split('\n');
        const block = ['!vault |', ...lines.map((l) => `          ${l}`)].join('\n');
        io.stdout(`${flags.name ? `${flags.name}: ` : ''}${block}\n`);
      }),
    );
}
