/** `kbs` entry: parse the verb, run it, render a KbsError once, return the exit code. */
import { Command, CommanderError } from 'commander';
import { EXIT } from '../errors.js';
import { renderError } from './render.js';
import type { CliIO } from './io.js';
import { registerRun } from './run.js';
import { registerApply } from './apply.js';
import { registerPlan } from './plan.js';
import { registerVersions } from './versions.js';
import { registerKubeconfig } from './kubeconfig.js';
import { registerValidate } from './validate.js';
import { addVaultOptions, setupVault } from './vault-options.js';
import { registerVault } from './vault.js';
import { redactText } from '../vault/redact.js';
import './config-lookup.js'; // hands lookup('config') to the templates

export async function main(argv: string[], raw: CliIO): Promise<number> {
  // decrypted vault values are masked in everything printed
  const io: CliIO = { ...raw, stdout: (s) => raw.stdout(redactText(s)), stderr: (s) => raw.stderr(redactText(s)) };
  let code: number = EXIT.OK;
  const program = new Command('kbs')
    .description('Kubernetes clusters with kubeadm over SSH, on a fast Ansible-compatible engine')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  const setCode = (c: number) => {
    code = c;
  };
  registerRun(program, io, setCode);
  registerApply(program, io, setCode);
  registerPlan(program, io, setCode);
  registerVersions(program, io, setCode);
  registerKubeconfig(program, io, setCode);
  registerValidate(program, io, setCode);
  for (const c of program.commands) addVaultOptions(c);
  registerVault(program, io, setCode);
  program.hook('preAction', (_p, cmd) => setupVault(cmd.opts(), io));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return code;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.OK;
      return EXIT.INVALID;
    }
    return renderError(e, io);
  }
}
