/**
 * ansible.builtin.getent: entries of a name service database (passwd, group, hosts, services...)
 * as the fact getent_DATABASE: {key: [fields]}, a key seen twice holding a list of them. passwd,
 * shadow, group and gshadow split at ":", the others at blanks, unless `split` says. Reads only.
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs({
  database: { type: 'str', required: true },
  key: { type: 'str' },
  service: { type: 'str' },
  split: { type: 'str' },
  fail_key: { type: 'bool', default: true },
});

const COLON = ['passwd', 'shadow', 'group', 'gshadow'];

/** Python's str.split(sep): at SEP (empty fields kept), or at runs of blanks with none */
function pySplit(line: string, sep: string | undefined): string[] {
  if (sep !== undefined) return line.split(sep);
  return line.split(/\s+/).filter(Boolean);
}

/** the getent_DATABASE mapping of getent's output */
export function getentFacts(out: string, split: string | undefined): Record<string, unknown> {
  const tree: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  const lines = out === '' ? [] : out.replace(/(\r\n|\n|\r)$/, '').split(/\r\n|\n|\r/);
  for (const line of lines) {
    const record = pySplit(line, split);
    const key = record[0] ?? '';
    const n = seen.get(key) ?? 0;
    if (n === 0) tree[key] = record.slice(1);
    else {
      if (n === 1) tree[key] = [tree[key]];
      (tree[key] as unknown[]).push(record.slice(1));
    }
    seen.set(key, n + 1);
  }
  return tree;
}

export const getent: ModuleDef = {
  name: 'getent',
  schema: args.schema,
  hostFacts: true,
  async run(raw, ctx) {
    const a = args.read(raw);
    const cmd = ['getent', a.database, ...(a.key === undefined ? [] : [a.key]), ...(a.service === undefined ? [] : ['-s', a.service])].map(shq).join(' ');
    const r = await ctx.run(`command -v getent >/dev/null 2>&1 || exit 127; exec ${cmd}`);
    const db = `getent_${a.database}`;
    const split = a.split ?? (COLON.includes(a.database) ? ':' : undefined);
    if (r.rc === 0) {
      const facts = { [db]: getentFacts(r.stdout, split) };
      ctx.setFacts?.(facts);
      return { changed: false, ansible_facts: facts } as ModuleResult;
    }
    if (r.rc === 127) return failed('Failed to find required executable "getent" in paths: /usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
    if (r.rc === 2 && !a.fail_key) {
      const facts = { [db]: { [a.key ?? 'null']: null } };
      ctx.setFacts?.(facts);
      return { changed: false, ansible_facts: facts, msg: 'One or more supplied key could not be found in the database.' } as ModuleResult;
    }
    const msg =
      r.rc === 1 ? 'Missing arguments, or database unknown.'
      : r.rc === 2 ? 'One or more supplied key could not be found in the database.'
      : r.rc === 3 ? 'Enumeration not supported on this database.'
      : 'Unexpected failure!';
    return failed(msg);
  },
};
