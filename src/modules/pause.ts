/**
 * ansible.builtin.pause: wait seconds/minutes on the workstation. kbs runs non-interactively: a
 * `prompt` is never read; with a time it just waits, without one it returns at once with a
 * warning. Hosts of a batch run it concurrently, so the play waits once (not once per host).
 */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { optStr, pyDateTime, toBool } from './util/args.js';
import { BOOL, STR, argsSchema } from './util/schema.js';
import { floatRepr } from '../template/float.js';

const NUM = { anyOf: [{ type: 'number' }, { type: 'string' }] };

export const pause: ModuleDef = {
  name: 'pause',
  local: true,
  schema: argsSchema({ seconds: NUM, minutes: NUM, prompt: STR, echo: BOOL }),
  async run(args, _ctx) {
    const n = (k: string) => {
      const v = args[k];
      if (v === undefined || v === null || v === '') return undefined;
      const x = Number(v);
      if (!Number.isFinite(x) || x < 0) throw new KbsError('TASK', `non-integer value given for prompt duration: ${k}=${JSON.stringify(v)}`);
      return x;
    };
    const seconds = n('seconds');
    const minutes = n('minutes');
    if (seconds !== undefined && minutes !== undefined) throw new KbsError('TASK', 'parameters are mutually exclusive: minutes|seconds');
    const prompt = optStr(args, 'prompt');
    const echo = toBool(args.echo, true, 'echo');
    const secs = seconds ?? (minutes !== undefined ? minutes * 60 : undefined);
    const start = new Date();
    const result: ModuleResult = { changed: false, rc: 0, stderr: '', stdout: '', user_input: '', echo };
    if (secs === undefined) {
      result.warnings = [`pause: not waiting for input in a non-interactive run${prompt ? ` (prompt: ${prompt})` : ''}`];
    } else {
      await new Promise((r) => setTimeout(r, secs * 1000));
    }
    const stop = new Date();
    // as Ansible: the time really paused, whole seconds in delta, rounded to 2 places (a Python float) in stdout
    const elapsed = (stop.getTime() - start.getTime()) / 1000;
    const unit = minutes !== undefined ? 'minutes' : 'seconds';
    const shown = Math.round((unit === 'minutes' ? elapsed / 60 : elapsed) * 100) / 100;
    Object.assign(result, { start: pyDateTime(start), stop: pyDateTime(stop), delta: Math.trunc(elapsed), stdout: `Paused for ${floatRepr(shown)} ${unit}` });
    return result;
  },
};
