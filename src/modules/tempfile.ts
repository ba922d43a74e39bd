/**
 * ansible.builtin.tempfile: a new temporary file (0600) or directory (0700) on the host, named
 * PREFIX + random characters + SUFFIX in `path` (default: the host's $TMPDIR, else /tmp). Always
 * changed; no check mode (Ansible's module has none), so the task is skipped under --check.
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef } from './types.js';
import { failed } from './util/args.js';
import { declareArgs } from './util/declare.js';
import { formatMode } from './util/mode.js';
import { expandPath } from './util/paths.js';
import { probe } from './util/remote.js';

const args = declareArgs({
  state: { type: 'str', choices: ['file', 'directory'], default: 'file' },
  path: { type: 'str' },
  prefix: { type: 'str', default: 'ansible.' },
  suffix: { type: 'str', default: '' },
});

export const tempfile: ModuleDef = {
  name: 'tempfile',
  noCheckMode: true,
  schema: args.schema,
  async run(raw, ctx) {
    const { state, path: dirArg, prefix, suffix } = args.read(raw);
    const dir = await expandPath(ctx, dirArg);
    if (prefix.includes('/') || suffix.includes('/')) return failed('prefix and suffix must not contain "/"');
    const where = dir === undefined ? '"${TMPDIR:-/tmp}"' : shq(dir);
    const cmd = `p=$(mktemp ${state === 'directory' ? '-d ' : ''}--suffix=${shq(suffix)} -p ${where} -- ${shq(`${prefix}XXXXXXXX`)}) && printf '%s' "$p"`;
    const r = await ctx.run(cmd);
    if (r.rc !== 0) return failed(r.stderr.trim() || `mktemp failed (rc=${r.rc})`);
    const path = r.stdout;
    // Ansible adds the path's attributes to any result that has `path`
    const i = (await probe(ctx, [{ tag: 't', path }])).files.t;
    return {
      changed: true,
      path,
      uid: i.uid,
      gid: i.gid,
      owner: i.owner,
      group: i.group,
      mode: formatMode(i.mode),
      state: state === 'directory' ? 'directory' : 'file',
      size: i.size,
    };
  },
};
