/**
 * ansible.builtin.tempfile: a new temporary file (0600) or directory (0700) on the host, named
 * PREFIX + random characters + SUFFIX in `path` (default: the host's $TMPDIR, else /tmp). Always
 * changed; no check mode (Ansible's module has none), so the task is skipped under --check.
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef } from './types.js';
import { failed, optStr } from './util/args.js';
import { formatMode } from './util/mode.js';
import { expandPath } from './util/paths.js';
import { probe } from './util/remote.js';
import { STR, argsSchema, oneOfStr } from './util/schema.js';

export const tempfile: ModuleDef = {
  name: 'tempfile',
  noCheckMode: true,
  schema: argsSchema({ state: oneOfStr('file', 'directory'), path: STR, prefix: STR, suffix: STR }),
  async run(args, ctx) {
    const state = optStr(args, 'state') ?? 'file';
    const dir = await expandPath(ctx, optStr(args, 'path'));
    const prefix = optStr(args, 'prefix') ?? 'ansible.';
    const suffix = optStr(args, 'suffix') ?? '';
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
