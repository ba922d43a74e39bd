/**
 * Client authentication: which credentials to offer and in what order (an ssh2 authHandler).
 * Order: private key files, ssh-agent, password, keyboard-interactive (answered with the password).
 * Private keys come from the given files, or (as OpenSSH does when none is configured) from the
 * default ~/.ssh/id_ed25519, id_ecdsa, id_rsa that exist. Secrets never appear in messages.
 */
import { promises as fsp, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseKey } from './ssh2.js';
import { unprotectedHint, unprotectedKey } from '../util/keyperms.js';
import type { AnyAuthMethod, AuthHandlerMiddleware, AuthenticationType } from 'ssh2';


export function defaultKeyFiles(): string[] {
  return ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((f) => join(homedir(), '.ssh', f));
}

export interface AuthInput {
  user: string;
  /** key files to offer; empty -> the defaults that exist */
  keyFiles: string[];
  password?: string;
  /** ssh-agent socket path, if any */
  agentSocket?: string;
}

interface Candidate {
  label: string;
  method: AnyAuthMethod;
  /** server-side method name, to filter on the methods the server still accepts */
  serverMethod: string;
}

export interface AuthPlan {
  handler: AuthHandlerMiddleware;
  /** labels of the methods actually tried, in order (for the failure message) */
  tried: string[];
  /** problems met while preparing credentials (encrypted or unreadable keys...) */
  notes: string[];
  /** nothing at all to offer */
  empty: boolean;
}

export async function prepareAuth(input: AuthInput): Promise<AuthPlan> {
  const notes: string[] = [];
  const cands: Candidate[] = [];
  const explicit = input.keyFiles.length > 0;
  const files = explicit ? input.keyFiles : defaultKeyFiles();
  for (const f of files) {
    const open = existsSync(f) ? unprotectedKey(f) : undefined;
    if (open) {
      notes.push(`${open}; the key is ignored (${unprotectedHint(f)})`);
      continue;
    }
    let data: Buffer;
    try {
      data = await fsp.readFile(f);
    } catch (e) {
      if (explicit) notes.push(`key file ${f}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : (e as Error).message}`);
      continue;
    }
    const parsed = parseKey(data);
    if (parsed instanceof Error) {
      if (/passphrase/i.test(parsed.message)) {
        notes.push(`key file ${f} is encrypted and kbs cannot ask for its passphrase: load it into ssh-agent (ssh-add ${f})`);
      } else {
        notes.push(`key file ${f} is not a usable private key (${parsed.message})`);
      }
      continue;
    }
    cands.push({
      label: `publickey ${f}`,
      serverMethod: 'publickey',
      method: { type: 'publickey', username: input.user, key: data },
    });
  }
  if (input.agentSocket && existsSync(input.agentSocket)) {
    cands.push({
      label: 'ssh-agent',
      serverMethod: 'publickey',
      method: { type: 'agent', username: input.user, agent: input.agentSocket },
    });
  }
  const pw = input.password;
  if (pw !== undefined) {
    cands.push({
      label: 'password',
      serverMethod: 'password',
      method: { type: 'password', username: input.user, password: pw },
    });
    cands.push({
      label: 'keyboard-interactive',
      serverMethod: 'keyboard-interactive',
      method: {
        type: 'keyboard-interactive',
        username: input.user,
        prompt: (_name, _instr, _lang, prompts, finish) => finish(prompts.map(() => pw)),
      },
    });
  }
  const tried: string[] = [];
  // no 'none' request first (it costs the server a PAM round, ~7 ms of each login on the fleet): the
  // first credential goes at once, and a refusal names the methods the server accepts
  let i = 0;
  const handler: AuthHandlerMiddleware = (methodsLeft, _partial, next) => {
    const left = (methodsLeft ?? []) as AuthenticationType[] | null;
    while (i < cands.length) {
      const c = cands[i++];
      if (left && left.length > 0 && !left.includes(c.serverMethod as AuthenticationType)) continue;
      tried.push(c.label);
      next(c.method);
      return;
    }
    (next as unknown as (v: false) => void)(false);
  };
  return { handler, tried, notes, empty: cands.length === 0 };
}
