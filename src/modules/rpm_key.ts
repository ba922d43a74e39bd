/**
 * ansible.builtin.rpm_key: a GPG key in the host's rpm database (gpg-pubkey), as Ansible 2.14's
 * module does it: the key given as a file on the host, a URL (downloaded with curl, refused when
 * it is not an armored public key) or a key id; its id read with gpg, compared with the ids of the
 * imported keys, `fingerprint` checked before an import; `rpm --import` and `rpm --erase
 * --allmatches gpg-pubkey-ID` through change(). Failures are gpg's or rpm's stderr, as Ansible's.
 */
import { shq } from '../transport/shell.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed, splitLines } from './util/args.js';
import { change } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { ModuleFail, resultOf } from './util/fail.js';
import { findBin } from './util/paths.js';

const args = declareArgs({
  state: { type: 'str', default: 'present', choices: ['absent', 'present'] },
  key: { type: 'str', required: true },
  fingerprint: { type: 'str' },
  validate_certs: { type: 'bool', default: true },
});
type Args = ReturnType<typeof args.read>;

const PUBKEY = /-----BEGIN PGP PUBLIC KEY BLOCK-----[\s\S]*?-----END PGP PUBLIC KEY BLOCK-----/;
const GPG_LIST = ['--no-tty', '--batch', '--with-colons', '--fixed-list-mode'];

/** normalize_keyid: no 0x, no surrounding blanks, upper case */
export const normalizeKeyid = (id: string): string => id.trim().toUpperCase().replace(/^0X/, '');

/** the field of the first `TAG:` line of gpg's --with-colons output (pub: the key id, fpr: the fingerprint) */
export function colonField(out: string, tag: string, field: number): string | undefined {
  for (const line of splitLines(out)) {
    const l = line.trim();
    if (l.startsWith(`${tag}:`)) return l.split(':')[field];
  }
  return undefined;
}

async function rpmKey(a: Args, ctx: ModuleContext): Promise<ModuleResult> {
  const rpmBin = await findBin(ctx, 'rpm');
  if ('missing' in rpmBin) return failed(rpmBin.missing);
  let gpgBin = await findBin(ctx, 'gpg');
  if ('missing' in gpgBin) gpgBin = await findBin(ctx, 'gpg2');
  if ('missing' in gpgBin) return failed(gpgBin.missing);
  const rpm = rpmBin.bin;
  const gpg = gpgBin.bin;
  // execute_command: a failure is the module's, with gpg's or rpm's stderr as its message
  const exec = async (cmd: string): Promise<string> => {
    const r = await ctx.run(cmd);
    if (r.rc !== 0) throw new ModuleFail(failed(r.stderr));
    return r.stdout;
  };
  const fingerprint = a.fingerprint ? a.fingerprint.replace(/ /g, '').toUpperCase() : undefined;
  let keyfile: string | undefined;
  let temp = false;
  let keyid: string;
  const idOf = async (file: string) => {
    const id = colonField(await exec([gpg, ...GPG_LIST, file].map(shq).join(' ')), 'pub', 4);
    if (id === undefined) throw new ModuleFail(failed('Unexpected gpg output'));
    return id;
  };
  try {
    if (a.key.includes('://')) {
      // fetch_key: downloaded to a temporary file, which must hold an armored public key
      const r = await ctx.run(
        `t=$(mktemp) || exit 1; if curl -fsSL ${a.validate_certs ? '' : '-k '}-o "$t" -- ${shq(a.key)} 2>&1; then printf '@@file\\n%s\\n' "$t"; cat -- "$t"; else rm -f -- "$t"; exit 22; fi`,
      );
      if (r.rc !== 0) return failed(`failed to fetch key at ${a.key} , error was: ${r.stdout.trim() || r.stderr.trim()}`);
      const [head, ...body] = r.stdout.split('\n');
      keyfile = head === '@@file' ? body[0] : undefined;
      temp = true;
      if (!keyfile || !PUBKEY.test(body.slice(1).join('\n'))) return failed(`Not a public key: ${a.key}`);
      keyid = await idOf(keyfile);
    } else if (/^(0x)?[0-9a-f]{8}/i.test(a.key)) keyid = a.key;
    else if ((await ctx.run(`[ -f ${shq(a.key)} ]`)).rc === 0) {
      keyfile = a.key;
      keyid = await idOf(keyfile);
    } else return failed(`Not a valid key ${a.key}`);
    keyid = normalizeKeyid(keyid);

    // is_key_imported: the ids of the keys rpm holds, read back with gpg
    const imported = async () => {
      if ((await ctx.run(`${shq(rpm)} -q gpg-pubkey >/dev/null 2>&1`)).rc !== 0) return false;
      const out = await exec(`${shq(rpm)} -q  gpg-pubkey --qf "%{description}" | ${[gpg, ...GPG_LIST, '-'].map(shq).join(' ')}`);
      return splitLines(out).some((l) => (l.split(':')[4] ?? '').includes(keyid));
    };
    const run = async (what: string, cmd: string) => {
      const r = await change(ctx, what, cmd, { keepFailure: true });
      if (r && r.rc !== 0) throw new ModuleFail(failed(r.stderr));
    };
    if (a.state === 'present') {
      if (await imported()) return { changed: false };
      if (!keyfile) return failed('When importing a key, a valid file must be given');
      if (fingerprint) {
        const has = colonField(await exec([gpg, ...GPG_LIST, '--with-fingerprint', keyfile].map(shq).join(' ')), 'fpr', 9);
        if (has === undefined) return failed('Unexpected gpg output');
        if (fingerprint !== has) return failed(`The specified fingerprint, '${fingerprint}', does not match the key fingerprint '${has}'`);
      }
      await run(`import the key ${keyid}`, `${shq(rpm)} --import ${shq(keyfile)}`);
      return { changed: true };
    }
    if (!(await imported())) return { changed: false };
    await run(`remove the key ${keyid}`, `${shq(rpm)} --erase --allmatches ${shq(`gpg-pubkey-${keyid.slice(-8).toLowerCase()}`)}`);
    return { changed: true };
  } finally {
    if (temp && keyfile) await ctx.run(`rm -f -- ${shq(keyfile)}`);
  }
}

export const rpm_key: ModuleDef = {
  name: 'rpm_key',
  schema: args.schema,
  async run(raw, ctx) {
    return resultOf(() => rpmKey(args.read(raw), ctx));
  },
};
