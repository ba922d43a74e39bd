/** Argument readers of the package modules (the list and integer readers are util/args.ts's). */
import { KbsError } from '../../errors.js';

export { intArg, listArg } from '../util/args.js';

/** one of the allowed values, with Ansible's message */
export function choiceArg<T extends string>(v: string | undefined, name: string, choices: readonly T[], dflt: T): T {
  if (v === undefined) return dflt;
  if (!(choices as readonly string[]).includes(v)) throw new KbsError('TASK', `value of ${name} must be one of: ${choices.join(', ')}, got: ${v}`);
  return v as T;
}

/** the last lines of a command's stderr, for a one-line message */
export function tailOf(s: string, n = 4): string {
  return s.trim().split('\n').slice(-n).join('\n');
}
