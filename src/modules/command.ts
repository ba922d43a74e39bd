/** ansible.builtin.command: run a program with arguments, never through a shell. */
import { KbsError } from '../errors.js';
import type { ModuleDef } from './types.js';
import type { Planner } from './util/change.js';
import { COMMAND_ARGS, argWord, commandOptions, createsRemovesProbe, expandPaths, planCommand, runCommand, type CommandSpec } from './util/command.js';
import { declareArgs } from './util/declare.js';
import { LIST_OF_STR } from './util/schema.js';
import { shlexSplit } from './util/shlex.js';

const args = declareArgs({
  ...COMMAND_ARGS,
  argv: { type: 'any', schema: LIST_OF_STR },
  expand_argument_vars: { type: 'bool', default: true },
});

type CommandArgs = ReturnType<typeof args.read>;

/** The program and its arguments: argv, or the command line split as Python's shlex. */
function commandSpec(a: CommandArgs): CommandSpec {
  const raw = a._raw_params;
  if (raw !== undefined && raw.trim() !== '' && a.argv !== undefined) throw new KbsError('TASK', 'only command or argv can be given, not both');
  const argv = Array.isArray(a.argv) && a.argv.length ? a.argv.map((x) => String(x)) : shlexSplit(raw ?? '');
  if (argv.length === 0 || argv[0] === '') throw new KbsError('TASK', 'no command given', { hint: 'write the command after "command:" or use cmd:/argv:' });
  return { script: 'exec ' + argv.map((x) => argWord(x, a.expand_argument_vars)).join(' '), display: argv, ...commandOptions(a) };
}

export const commandPlanner: Planner<CommandArgs> = {
  args,
  probe: (a) => createsRemovesProbe(commandSpec(a)),
  probeError: () => 'cannot check creates/removes',
  plan: (a, out, { check }) => planCommand(commandSpec(a), out, check ?? false),
};

export const command: ModuleDef = {
  name: 'command',
  freeForm: true,
  schema: args.schema,
  run: async (raw, ctx) => runCommand(ctx, await expandPaths(ctx, commandSpec(args.read(raw)))),
};
