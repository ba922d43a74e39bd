/**
 * ansible.builtin.pause: wait seconds/minutes on the workstation. kbs runs non-interactively: a
 * `prompt` is never read; with a time it just waits, without one it returns at once with a
 * warning. Hosts of a batch run it concurrently, so the play waits once (not once per host).
 */
import { KbsError } from '../errors.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { pyDateTime } from './util/args.js';
import { declareArgs } from './util/declare.js';
import { floatRepr } from '../template/float.js';

const NUM = { anyOf: [{ type: 'number' }, { type: 'string' }] };

/** a duration: a non-negative number ('' is none) */
function duration(v: unknown, name: string): number | undefined {
  if (v === '') return undefined;
  const x = Number(v);
  if (!Number.isFinite(x) || x < 0) throw new KbsError('TASK', `non-integer value given for prompt duration: ${name}=${JSON.stringify(v)}`);
  return x;
}

const args = declareArgs(
  {
    seconds: { type: 'any', schema: NUM, read: duration },
    minutes: { type: 'any', schema: NUM, read: duration },
    prompt: { type: 'str' },
    echo: { type: 'bool', default: true },
  },
  { exclusive: [['minutes', 'seconds']] },
);

export const pause: ModuleDef = {
  name: 'pause',
  local: true,
  schema: args.schema,
  async run(raw, _ctx) {
    const { seconds, minutes, prompt, echo } = args.read(raw);
    const secs = seconds ?? (minutes !== undefined ? minutes * 60 : undefined);
    const start = new Date();
    const result: ModuleResult = { changed: false, rc: 0, stderr: '', stdout: '', user_input: '', echo };
    if (secs === undefined) {
      result.warnings = [`pause: not waiting for input in a non-interactive run${prompt ? ` (prompt: ${prompt})` : ''}`];
    } else {
      // a timer may fire a millisecond early against the wall clock; as Python's sleep, never return before the time
      while (Date.now() - start.getTime() < secs * 1000) {
        await new Promise((r) => setTimeout(r, Math.max(1, secs * 1000 - (Date.now() - start.getTime()))));
      }
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
