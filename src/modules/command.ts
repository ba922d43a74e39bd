/** ansible.builtin.command: run a program with arguments, never through a shell. */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import { optStr, toBool } from './util/args.js';
import { argWord, checkModeResult, createsRemoves, runAndReport, stdinOf } from './util/command.js';
import { BOOL, LIST_OF_STR, STR, argsSchema } from './util/schema.js';
import { shlexSplit } from './util/shlex.js';

export const COMMAND_ARGS = {
  _raw_params: STR,
  cmd: STR,
  chdir: STR,
  creates: STR,
  removes: STR,
  stdin: STR,
  stdin_add_newline: BOOL,
  strip_empty_ends: BOOL,
};

export const command: ModuleDef = {
  name: 'command',
  freeForm: true,
  schema: argsSchema({ ...COMMAND_ARGS, argv: LIST_OF_STR, expand_argument_vars: BOOL, executable: STR }),
  async run(args, ctx) {
    const raw = optStr(args, '_raw_params', 'cmd');
    const argvArg = args.argv;
    if (raw !== undefined && raw.trim() !== '' && argvArg !== undefined && argvArg !== null) {
      throw new KbsError('TASK', 'only command or argv can be given, not both');
    }
    let argv: string[];
    if (Array.isArray(argvArg) && argvArg.length) argv = argvArg.map((a) => String(a));
    else argv = shlexSplit(raw ?? '');
    if (argv.length === 0 || argv[0] === '') throw new KbsError('TASK', 'no command given', { hint: 'write the command after "command:" or use cmd:/argv:' });

    const skip = await createsRemoves(ctx, args);
    if (skip) return { ...skip, cmd: argv };
    if (ctx.check) return checkModeResult(args, argv);

    const expand = toBool(args.expand_argument_vars, true, 'expand_argument_vars');
    const script = 'exec ' + argv.map((a) => argWord(a, expand)).join(' ');
    return runAndReport(ctx, {
      script,
      display: argv,
      stdin: stdinOf(args),
      strip: toBool(args.strip_empty_ends, true, 'strip_empty_ends'),
      chdir: optStr(args, 'chdir'),
    });
  },
};
