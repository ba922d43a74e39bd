/** ansible.builtin.raw: the command line as is, through the login shell of the connection (/bin/sh here). */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef } from './types.js';
import { optStr } from './util/args.js';
import { runAndReport } from './util/command.js';
import { STR, argsSchema } from './util/schema.js';

export const raw: ModuleDef = {
  name: 'raw',
  freeForm: true,
  // Ansible's raw has no check mode: the engine skips it under --check.
  noCheckMode: true,
  checkModeResult: { changed: false, failed: false, skipped: true },
  schema: argsSchema({ _raw_params: STR, executable: STR }),
  async run(args, ctx) {
    const cmd = optStr(args, '_raw_params');
    if (cmd === undefined || cmd.trim() === '') throw new KbsError('TASK', 'no command given', { hint: 'write the command after "raw:"' });
    if (ctx.check) return { changed: false, skipped: true };
    const exe = optStr(args, 'executable');
    const r = await runAndReport(ctx, { script: exe ? `exec ${shq(exe)} -c ${shq(cmd)}` : cmd, display: cmd, strip: false });
    // raw returns rc, stdout, stderr and their lines only (no cmd/start/end/delta)
    const { cmd: _c, start: _s, end: _e, delta: _d, ...rest } = r;
    if (!rest.failed) delete rest.msg;
    return rest;
  },
};
