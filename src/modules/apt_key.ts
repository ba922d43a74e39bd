/**
 * ansible.builtin.apt_key (deprecated upstream, still widely used): an OpenPGP key added to or
 * removed from apt's keyring (or `keyring`), through the host's `apt-key` and `gpg` as Ansible's
 * module does: the key id from `id` or read from the key itself (`gpg --with-colons`), present
 * keys from `apt-key adv --list-public-keys`, then `apt-key add` / `adv --recv` / `del`. A `url`
 * is fetched by the host with curl; `data` travels on stdin.
 */
import { shq } from '../transport/shell.js';
import type { ExecResult } from '../transport/types.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { change } from './util/change.js';
import { declareArgs } from './util/declare.js';
import { expandPath } from './util/paths.js';

const LANG = 'LANG=C LC_ALL=C LC_MESSAGES=C';

/** Ansible's parse_key_id: [short id, fingerprint (last 16), id], or undefined when invalid. */
export function parseKeyId(id: string): [string, string, string] | undefined {
  let k = id.toUpperCase();
  if (k.startsWith('0X')) k = k.slice(2);
  if (!/^[0-9A-F]+$/.test(k)) return undefined;
  if (k.length !== 8 && k.length !== 16 && k.length <= 16) return undefined;
  return [k.slice(-8), k.length > 16 ? k.slice(-16) : k, k];
}

/** Ansible's parse_output_for_keys: key ids of pub/sub lines (not expired), long or colon format. */
export function parseKeys(out: string, short = false): string[] {
  const found: string[] = [];
  for (const line of out.split('\n')) {
    if (!(line.startsWith('pub') || line.startsWith('sub')) || line.includes('expired')) continue;
    const code = line.split(/\s+/)[1];
    const slash = code?.split('/');
    if (slash && slash.length === 2) found.push(slash[1]);
    else {
      const t = line.split(':');
      if (t.length > 4) found.push(t[4]);
    }
  }
  return short ? found.map((k) => k.slice(-8)) : found;
}

const args = declareArgs(
  {
    id: { type: 'str' },
    url: { type: 'str' },
    data: { type: 'str' },
    file: { type: 'str' },
    keyring: { type: 'str' },
    validate_certs: { type: 'bool', default: true },
    keyserver: { type: 'str' },
    state: { type: 'str', choices: ['absent', 'present'], default: 'present' },
  },
  { exclusive: [['data', 'file', 'keyserver', 'url']] },
);

export const apt_key: ModuleDef = {
  name: 'apt_key',
  schema: args.schema,
  async run(raw, ctx) {
    const a = args.read(raw);
    let keyId = a.id;
    const { url, keyserver, state } = a;
    let data = a.data;
    const file = await expandPath(ctx, a.file);
    const keyring = await expandPath(ctx, a.keyring);
    const insecure = !a.validate_certs;
    const bins = await ctx.run('command -v apt-key >/dev/null || echo apt-key; command -v gpg >/dev/null || echo gpg');
    const missing = bins.stdout.trim().split('\n').filter(Boolean);
    if (missing.length) return failed(`Failed to find required executable "${missing[0]}" in paths: ${'/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'}`);
    const aptKey = `apt-key${keyring ? ` --keyring ${shq(keyring)}` : ''}`;
    const download = async (u: string): Promise<string | ModuleResult> => {
      const r = await ctx.run(`curl -fsSL ${insecure ? '-k ' : ''}-- ${shq(u)}`);
      return r.rc === 0 ? r.stdout : failed(`Failed to download key at ${u}: ${r.stderr.trim()}`);
    };
    const r: ModuleResult = { changed: false };
    if (!keyId) {
      if (keyserver) return failed('Missing key_id, required with keyserver.');
      if (url) {
        const d = await download(url);
        if (typeof d !== 'string') return d;
        data = d;
      }
      const g = file ? await ctx.run(`${LANG} gpg --with-colons ${shq(file)}`) : data ? await ctx.run(`${LANG} gpg --with-colons -`, { stdin: data }) : undefined;
      if (g) {
        if (g.rc !== 0) return failed(`Unable to extract key from '${file ? file : 'inline data'}'`, { stdout: g.stdout, stderr: g.stderr });
        keyId = parseKeys(g.stdout)[0];
      }
    }
    r.id = keyId ?? null;
    const parsed = keyId ? parseKeyId(keyId) : undefined;
    if (!parsed) return failed('Invalid key_id', r);
    const [shortId, fingerprint, fullId] = parsed;
    Object.assign(r, { short_id: shortId, fp: fingerprint, key_id: fullId });
    const short = fullId.length === 8;
    const list = async (): Promise<string[] | ModuleResult> => {
      const cmd = `${aptKey} adv --list-public-keys --keyid-format=long`;
      const x = await ctx.run(cmd);
      return x.rc === 0 ? parseKeys(x.stdout, short) : failed('Unable to list public keys', { cmd, rc: x.rc, stdout: x.stdout, stderr: x.stderr });
    };
    const keys = await list();
    if (!Array.isArray(keys)) return keys;
    r.before = keys;
    const has = (l: string[]) => (short ? l.includes(shortId) : l.includes(fingerprint));
    const noError = (what: string) => failed(`apt-key did not return an error, but ${what} (check that the id is correct and *not* a subkey)`, r);
    if (state === 'present') {
      if (has(keys)) return r;
      r.changed = true;
      // as Ansible's module: check mode stops before the key is fetched
      if (ctx.check) return r;
      let cmd: string;
      let stdin: string | undefined;
      if (file) cmd = `${aptKey} add ${shq(file)}`;
      else if (keyserver) cmd = `${LANG} ${aptKey} adv --no-tty --keyserver ${shq(keyserver)} --recv ${shq(fullId)}`;
      else if (data !== undefined || url) {
        if (data === undefined) {
          const d = await download(url!);
          if (typeof d !== 'string') return d;
          data = d;
        }
        cmd = `${aptKey} add -`;
        stdin = data;
      } else return failed('No key to add ... how did i get here?!?!', r);
      const add = await addKey(ctx, cmd, stdin, keyserver ? 5 : 1);
      if (!add) return r;
      if (add.rc !== 0) return failed(keyserver ? `Error fetching key ${fullId} from keyserver: ${keyserver}` : file ? `Unable to add a key from file ${file}` : 'Unable to add a key from binary data', { ...r, cmd, rc: add.rc, stdout: add.stdout, stderr: add.stderr });
      const after = await list();
      if (!Array.isArray(after)) return after;
      r.after = after;
      if (!has(after)) return noError('failed to add the key');
      return r;
    }
    if (!keys.includes(fingerprint)) return r;
    r.changed = true;
    const del = await change(ctx, `remove the key ${shortId}`, `${aptKey} del ${shq(shortId)}`, { keepFailure: true });
    if (!del) return r;
    if (del.rc !== 0) return failed(`Unable to remove a key with id ${shortId}`, { ...r, rc: del.rc, stdout: del.stdout, stderr: del.stderr });
    const after = await list();
    if (!Array.isArray(after)) return after;
    r.after = after;
    if (after.includes(fingerprint)) return noError('the key was not removed');
    return r;
  },
};

/** apt-key add through the seam (nothing in check mode), tried again up to `tries` times (a keyserver) */
async function addKey(ctx: ModuleContext, cmd: string, stdin: string | undefined, tries: number): Promise<ExecResult | undefined> {
  const once = () => change(ctx, 'add the key', cmd, { keepFailure: true, ...(stdin === undefined ? {} : { stdin }) });
  let x = await once();
  for (let i = 1; x && i < tries && x.rc !== 0; i++) x = await once();
  return x;
}
