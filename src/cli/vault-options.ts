/**
 * The vault options every verb takes (--vault-id, --vault-password-file, --ask-vault-pass), read
 * with vault_password_file / vault_identity_list of ansible.cfg before the verb loads anything.
 */
import type { Command } from 'commander';
import { loadVaultSecrets } from '../vault/passwords.js';
import { clearSecrets } from '../vault/redact.js';
import { readAnsibleConfig } from './ansible-config.js';
import type { CliIO } from './io.js';

export interface VaultFlags {
  vaultId?: string[];
  vaultPasswordFile?: string[];
  askVaultPass?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addVaultOptions(cmd: Command): Command {
  return cmd
    .option('--vault-id <[label@]source>', 'a vault password: label@FILE, label@SCRIPT or label@prompt (repeatable)', collect)
    .option('--vault-password-file <file>', 'a file holding the vault password, or a script printing it (repeatable)', collect)
    .option('-J, --ask-vault-pass', 'ask for the vault password');
}

/** Set the vault passwords of this run (none when no option or setting names one). */
export async function setupVault(flags: VaultFlags, io: CliIO): Promise<void> {
  clearSecrets();
  const cfg = readAnsibleConfig({ env: io.env });
  const warnings = await loadVaultSecrets(
    {
      vaultIds: flags.vaultId ?? [],
      passwordFiles: flags.vaultPasswordFile ?? [],
      askVaultPass: !!flags.askVaultPass,
      identityList: cfg.vaultIdentityList,
      configPasswordFile: cfg.vaultPasswordFile,
      defaultId: cfg.vaultIdentity,
    },
    io.askSecret,
  );
  for (const w of warnings) io.stderr(`[WARNING]: ${w}\n`);
}
