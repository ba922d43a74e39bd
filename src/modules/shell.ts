/** ansible.builtin.shell: run a command line through /bin/sh (or `executable`). */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import { COMMAND_ARGS } from './command.js';
import type { ModuleDef } from './types.js';
import { optStr, toBool } from './util/args.js';
import { checkModeResult, createsRemoves, runAndReport, stdinOf } from './util/command.js';
import { STR, argsSchema } from './util/schema.js';

export const shell: ModuleDef = {
  name: 'shell',
  freeForm: true,
  schema: argsSchema({ ...COMMAND_ARGS, executable: STR }),
  async run(args, ctx) {
    const cmd = optStr(args, '_raw_params', 'cmd');
    if (cmd === undefined || cmd.trim() === '') throw new KbsError('TASK', 'no command given', { hint: 'write the command after "shell:" or use cmd:' });

    const skip = await createsRemoves(ctx, args);
    if (skip) return { ...skip, cmd };
    if (ctx.check) return checkModeResult(args, cmd);

    const exe = optStr(args, 'executable');
    return runAndReport(ctx, {
      script: exe ? `exec ${shq(exe)} -c ${shq(cmd)}` : cmd,
      display: cmd,
      stdin: stdinOf(args),
      strip: toBool(args.strip_empty_ends, true, 'strip_empty_ends'),
      chdir: optStr(args, 'chdir'),
    });
  },
};
