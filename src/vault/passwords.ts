/**
 * Vault passwords from their sources, as ansible-core 2.14 reads them: `--vault-id label@source`
 * where source is a file (its content, surrounding whitespace removed), an executable (run with
 * no arguments, its stdout without trailing newlines; a name ending in "-client" is a client
 * script and gets `--vault-id label`), or `prompt` (asked without echo). The ids of
 * vault_identity_list come first, then --vault-id, then --vault-password-file and
 * vault_password_file (label "default"), then --ask-vault-pass. A source that fails is a warning
 * when another gave a password, else the error.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { KbsError } from '../errors.js';
import { isVaultText } from './format.js';
import { decryptVault, setVaultSecrets, type VaultSecret } from './keyring.js';

export interface VaultSources {
  /** --vault-id values, in order */
  vaultIds: string[];
  /** --vault-password-file values, in order */
  passwordFiles: string[];
  askVaultPass: boolean;
  /** vault_identity_list of ansible.cfg / ANSIBLE_VAULT_IDENTITY_LIST */
  identityList: string[];
  /** vault_password_file of ansible.cfg / ANSIBLE_VAULT_PASSWORD_FILE */
  configPasswordFile?: string;
  /** vault_identity: the label of passwords given without one (default "default") */
  defaultId: string;
}

/** asks for a password without echo (undefined: no terminal to ask on) */
export type AskSecret = ((prompt: string) => Promise<string>) | undefined;

/** "label@source" -> [label, source]; a bare source has no label */
export function splitVaultId(slug: string): [string | undefined, string] {
  const at = slug.indexOf('@');
  if (at < 0) return [undefined, slug];
  return [slug.slice(0, at) || undefined, slug.slice(at + 1)];
}

/** The slugs in Ansible's order (CLI.build_vault_ids with the configured identities first). */
export function vaultIdSlugs(s: VaultSources): string[] {
  const files = [...s.passwordFiles, ...(s.configPasswordFile ? [s.configPasswordFile] : [])];
  const slugs = [...s.identityList, ...s.vaultIds, ...files.map((f) => `${s.defaultId}@${f}`)];
  if (s.askVaultPass) slugs.push(`${s.defaultId}@prompt_ask_vault_pass`);
  return slugs;
}

const vaultError = (msg: string, hint?: string) => new KbsError('VAULT', msg, { hint });

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** Python's bytes.strip(): ASCII whitespace at both ends */
const stripWs = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g, ''), 'latin1');
const stripNl = (b: Buffer) => Buffer.from(b.toString('latin1').replace(/^[\r\n]+|[\r\n]+$/g, ''), 'latin1');

function runScript(path: string, label: string): Buffer {
  const client = basename(path, extname(path)).endsWith('-client');
  const args = client ? ['--vault-id', label] : [];
  const r = spawnSync(path, args, { stdio: ['inherit', 'pipe', client ? 'pipe' : 'inherit'], maxBuffer: 1024 * 1024 });
  if (r.error) throw vaultError(`cannot run the vault password script ${path}: ${(r.error as NodeJS.ErrnoException).code ?? r.error.message}`, 'if it is not a script, remove its executable bit (chmod -x)');
  const stderr = client && r.stderr ? `: ${r.stderr.toString('utf8').trim()}` : '';
  if (client && r.status === 2) throw vaultError(`the vault password client script ${path} did not find a secret for vault id "${label}"${stderr}`);
  if (r.status !== 0) throw vaultError(`the vault password script ${path} exited with ${r.status ?? r.signal}${stderr}`);
  const pass = stripNl(r.stdout);
  if (!pass.length) throw vaultError(`the vault password script ${path} printed an empty password`);
  return pass;
}

function readPasswordFile(path: string): Buffer {
  let raw: Buffer;
  try {
    raw = stripWs(readFileSync(path));
  } catch (e) {
    throw vaultError(`cannot read the vault password file ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  // a password file may itself be encrypted with a password given before it
  if (isVaultText(raw)) raw = decryptVault(raw.toString('latin1'), { file: path }, 'file');
  const pass = stripNl(raw);
  if (!pass.length) throw vaultError(`the vault password file ${path} is empty`, 'put the password on its first line');
  return pass;
}

async function prompt(ask: AskSecret, label: string, ansibleStyle: boolean): Promise<Buffer> {
  if (!ask) throw vaultError('a vault password must be typed (--ask-vault-pass or @prompt) but there is no terminal to ask on', 'give it with --vault-password-file FILE or --vault-id label@FILE');
  let text: string;
  try {
    text = await ask(ansibleStyle ? 'Vault password: ' : `Vault password (${label}): `);
  } catch (e) {
    throw vaultError(`no vault password was typed (vault id "${label}"): ${(e as Error).message}`);
  }
  const pass = stripWs(Buffer.from(text, 'utf8'));
  if (!pass.length) throw vaultError(`an empty vault password was typed (vault id "${label}")`);
  return pass;
}

/**
 * Read every source, set the run's vault passwords (keyring.ts) and return warnings for sources
 * that failed while others worked. No source: no passwords (vault data then fails where it is met).
 */
export async function loadVaultSecrets(s: VaultSources, ask: AskSecret, cwd = process.cwd()): Promise<string[]> {
  const found: VaultSecret[] = [];
  const warnings: string[] = [];
  let last: KbsError | undefined;
  setVaultSecrets([]);
  for (const slug of vaultIdSlugs(s)) {
    const [name, source] = splitVaultId(slug);
    const label = name ?? s.defaultId;
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      found.push({ id: label, password: await prompt(ask, label, source === 'prompt_ask_vault_pass'), source: 'prompt' });
      setVaultSecrets(found);
      continue;
    }
    const path = resolve(cwd, source);
    try {
      statSync(path);
    } catch {
      last = vaultError(`the vault password file ${path} was not found`, 'check the path given to --vault-password-file or --vault-id');
      warnings.push(`Error getting vault password file (${label}): ${last.message}`);
      continue;
    }
    try {
      found.push({ id: label, password: executable(path) ? runScript(path, label) : readPasswordFile(path), source: path });
      setVaultSecrets(found);
    } catch (e) {
      if (!(e instanceof KbsError)) throw e;
      last = e;
      warnings.push(`Error in vault password file loading (${label}): ${e.message}`);
    }
  }
  if (last && !found.length) throw last;
  return warnings;
}
