/** ansible.builtin.raw: the command line as is, through the login shell of the connection (/bin/sh here). */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef } from './types.js';
import { RUN_ARGS, runAndReport } from './util/command.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs({ _raw_params: { type: 'str' }, executable: RUN_ARGS.executable });

export const raw: ModuleDef = {
  name: 'raw',
  freeForm: true,
  // Ansible's raw has no check mode: the engine skips it under --check.
  noCheckMode: true,
  checkModeResult: { changed: false, failed: false, skipped: true },
  schema: args.schema,
  async run(given, ctx) {
    const { _raw_params: cmd, executable: exe } = args.read(given);
    if (cmd === undefined || cmd.trim() === '') throw new KbsError('TASK', 'no command given', { hint: 'write the command after "raw:"' });
    const r = await runAndReport(ctx, { script: exe ? `exec ${shq(exe)} -c ${shq(cmd)}` : cmd, display: cmd, strip: false });
    if (!r) return { changed: false, skipped: true };
    // raw returns rc, stdout, stderr and their lines only (no cmd/start/end/delta)
    const { cmd: _c, start: _s, end: _e, delta: _d, ...rest } = r;
    if (!rest.failed) delete rest.msg;
    return rest;
  },
};
