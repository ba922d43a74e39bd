/** ansible.builtin.shell: run a command line through /bin/sh (or `executable`). */
import { KbsError } from '../errors.js';
import { shq } from '../transport/shell.js';
import type { ModuleDef } from './types.js';
import type { Planner } from './util/change.js';
import { COMMAND_ARGS, commandOptions, createsRemovesProbe, expandPaths, planCommand, runCommand, type CommandSpec } from './util/command.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs(COMMAND_ARGS);

type ShellArgs = ReturnType<typeof args.read>;

function shellSpec(a: ShellArgs): CommandSpec {
  const cmd = a._raw_params;
  if (cmd === undefined || cmd.trim() === '') throw new KbsError('TASK', 'no command given', { hint: 'write the command after "shell:" or use cmd:' });
  return { script: a.executable ? `exec ${shq(a.executable)} -c ${shq(cmd)}` : cmd, display: cmd, ...commandOptions(a) };
}

export const shellPlanner: Planner<ShellArgs> = {
  args,
  probe: (a) => createsRemovesProbe(shellSpec(a)),
  probeError: () => 'cannot check creates/removes',
  plan: (a, out, { check }) => planCommand(shellSpec(a), out, check ?? false),
};

export const shell: ModuleDef = {
  name: 'shell',
  freeForm: true,
  schema: args.schema,
  run: async (raw, ctx) => runCommand(ctx, await expandPaths(ctx, shellSpec(args.read(raw)))),
};
