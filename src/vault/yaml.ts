/**
 * Vault data in the YAML (and INI) files kbs reads: a whole file encrypted with ansible-vault is
 * decrypted when it is read, and `!vault |` values are decrypted when their file is parsed, each
 * at its own file:line:col. Decrypted text is registered for masking (./redact.ts).
 */
import { isMap, isScalar, isSeq, visit, type Document, type LineCounter, type Node } from 'yaml';
import { KbsError } from '../errors.js';
import { isVaultText } from './format.js';
import { decryptVault } from './keyring.js';
import { addSecret, addSecretsIn } from './redact.js';

/** the `!vault` tag: the scalar's text is kept, to be decrypted with its position by decryptVaultNodes */
export const vaultTag = {
  tag: '!vault',
  resolve: (s: string) => s,
};

/** files read in plain text after decryption: file -> that text */
const decrypted = new Map<string, string>();

/** The text of `file` as read: decrypted when it is vault-encrypted. */
export function unvaultFileText(file: string, text: string): string {
  if (!isVaultText(text)) return text;
  const plain = decryptVault(text, { file }, 'file').toString('utf8');
  decrypted.set(file, plain);
  return plain;
}

/** Decrypt every `!vault` scalar of a parsed document in place (wrong password: exit 4 at the value). */
export function decryptVaultNodes(doc: Document, file: string, lc: LineCounter): void {
  visit(doc, {
    Node(_key, node) {
      if ((node as { tag?: string }).tag !== '!vault') return undefined;
      const at = lc.linePos((node as Node).range?.[0] ?? 0);
      const pos = { file, line: at.line, col: at.col };
      if (!isScalar(node) || isMap(node) || isSeq(node) || typeof node.value !== 'string') {
        throw new KbsError('VAULT', '!vault must tag a string (the text ansible-vault encrypt_string prints)', { pos, hint: 'write key: !vault | followed by the indented $ANSIBLE_VAULT lines' });
      }
      const plain = decryptVault(node.value, pos, 'value').toString('utf8');
      addSecret(plain);
      node.value = plain;
      return undefined;
    },
  });
}

/** Was this text (of `file`) decrypted from a vault-encrypted file? */
export function wasDecrypted(file: string, text: string): boolean {
  return decrypted.get(file) === text;
}

/** After a document is turned into values: a file that was decrypted as a whole has every string registered. */
export function registerDecryptedDocument(file: string, text: string, value: unknown): void {
  if (decrypted.get(file) === text) addSecretsIn(value);
}
