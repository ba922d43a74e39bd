/** ansible.builtin.slurp: a remote file's bytes, base64-encoded (binary safe). */
import { expandPath } from './util/paths.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef } from './types.js';
import { failed } from './util/args.js';
import { REQUIRED_STR_EMPTY_OK, declareArgs } from './util/declare.js';

// an empty src is a file that is not found, as Ansible's: only a missing one is refused
const args = declareArgs({ src: { ...REQUIRED_STR_EMPTY_OK, aliases: ['path'] } });

export const slurp: ModuleDef = {
  name: 'slurp',
  schema: args.schema,
  async run(given, ctx) {
    const src = await expandPath(ctx, args.read(given).src ?? '');
    const q = shq(src);
    const r = await ctx.run(`[ -e ${q} ] || exit 44; [ -d ${q} ] && exit 45; [ -r ${q} ] || exit 46; exec cat -- ${q}`);
    if (r.rc === 44) return failed(`file not found: ${src}`);
    if (r.rc === 45) return failed(`source is a directory and must be a file: ${src}`);
    if (r.rc === 46) return failed(`file is not readable: ${src}`);
    if (r.rc !== 0) return failed(`unable to slurp file: ${src}: ${r.stderr.trim()}`, { rc: r.rc });
    const buf = r.stdoutBuf ?? Buffer.from(r.stdout, 'utf8');
    return { changed: false, content: buf.toString('base64'), encoding: 'base64', source: src };
  },
};
