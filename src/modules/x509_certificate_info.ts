/**
 * community.crypto.x509_certificate_info: a certificate's fields, as the collection's module
 * returns them. The certificate (`path` on the host, PEM or DER; or `content`, PEM) is read in one
 * exec and parsed on the workstation (x509/cert.ts): no Python and no `cryptography` library are
 * needed on the host. Read-only, so it runs in check mode.
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef } from './types.js';
import { failed } from './util/args.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';
import { certificateDer, certificateInfo, relativeTime } from './x509/cert.js';

const args = declareArgs(
  {
    path: { type: 'str' },
    content: { type: 'str' },
    valid_at: { type: 'any', schema: { type: ['object', 'string'] } },
    name_encoding: { type: 'str', choices: ['ignore', 'idna', 'unicode'] },
    select_crypto_backend: { type: 'str', choices: ['auto', 'cryptography'] },
  },
  { exclusive: [['path', 'content']], requiredOneOf: [['path', 'content']] },
);

export const x509_certificate_info: ModuleDef = {
  name: 'x509_certificate_info',
  aliases: ['community.crypto.x509_certificate_info'],
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    const { content, path: rawPath } = a;
    const validAt = a.valid_at ?? {};
    if (typeof validAt !== 'object' || validAt === null || Array.isArray(validAt)) return failed(`argument 'valid_at' is of type ${typeof validAt} and we were unable to convert to dict`);
    const now = new Date();
    const points: Record<string, Date> = {};
    for (const [k, v] of Object.entries(validAt as Record<string, unknown>)) {
      if (typeof v !== 'string') return failed(`The value for valid_at.${k} must be of type string (got <class '${pyType(v)}'>)`);
      const t = relativeTime(v, now);
      if (!t) return failed(`The time spec "${v}" for valid_at.${k} is invalid`);
      points[k] = t;
    }
    let data: Buffer;
    if (content !== undefined) data = Buffer.from(content, 'utf8');
    else {
      const path = await expandPath(ctx, rawPath!);
      const r = await ctx.run(`exec cat -- ${shq(path)}`);
      if (r.rc !== 0) return failed(`Error while reading certificate file from disk: ${osError(r.stderr, path)}`);
      data = r.stdoutBuf ?? Buffer.from(r.stdout, 'utf8');
    }
    let parsed;
    try {
      const der = content !== undefined && !data.includes('-----BEGIN CERTIFICATE-----') ? undefined : certificateDer(data);
      if (!der) return failed('Error while deserializing certificate: not a PEM certificate');
      parsed = certificateInfo(der, now);
    } catch (e) {
      return failed(`Error while deserializing certificate: ${(e as Error).message}`);
    }
    const valid: Record<string, boolean> = {};
    for (const [k, t] of Object.entries(points)) valid[k] = parsed.notBefore.getTime() <= t.getTime() && t.getTime() <= parsed.notAfter.getTime();
    return { changed: false, ...parsed.info, valid_at: valid };
  },
};

/** cat's complaint as Python's OSError text */
function osError(stderr: string, path: string): string {
  const errno: [RegExp, string][] = [
    [/No such file or directory/, '[Errno 2] No such file or directory'],
    [/Permission denied/, '[Errno 13] Permission denied'],
    [/Is a directory/, '[Errno 21] Is a directory'],
  ];
  for (const [re, text] of errno) if (re.test(stderr)) return `${text}: '${path}'`;
  return stderr.trim().replace(/^cat: /, '');
}

function pyType(v: unknown): string {
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (Array.isArray(v)) return 'list';
  if (v === null) return 'NoneType';
  return typeof v === 'object' ? 'dict' : 'str';
}
