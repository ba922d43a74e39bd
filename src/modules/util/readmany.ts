/** Several remote files' bytes in one exec (size-prefixed), for find's `contains` and assemble. */
import { shq } from '../../transport/shell.js';
import type { ModuleContext } from '../types.js';
import { remoteError } from './remote.js';

/** path → bytes, or undefined for a path that is not a readable regular file (links followed). */
export async function readFiles(ctx: ModuleContext, paths: string[]): Promise<Map<string, Buffer | undefined>> {
  const out = new Map<string, Buffer | undefined>();
  if (!paths.length) return out;
  const r = await ctx.run(
    `for f in ${paths.map(shq).join(' ')}; do if [ -f "$f" ] && [ -r "$f" ]; then printf '%s\\n' "$(wc -c < "$f")"; cat -- "$f" || exit 1; else echo -1; fi; done`,
  );
  if (r.rc !== 0) throw remoteError('cannot read the files', r);
  const buf = r.stdoutBuf ?? Buffer.from(r.stdout);
  let at = 0;
  for (const p of paths) {
    const nl = buf.indexOf(10, at);
    if (nl < 0) break;
    const n = Number(buf.subarray(at, nl).toString());
    at = nl + 1;
    if (n < 0) out.set(p, undefined);
    else {
      out.set(p, Buffer.from(buf.subarray(at, at + n)));
      at += n;
    }
  }
  return out;
}
