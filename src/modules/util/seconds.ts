/** A number of seconds as the waiting modules (wait_for, wait_for_connection, reboot) declare it. */
import { toNonNegNumber } from './args.js';
import type { ArgSpec } from './declare.js';
import { INT } from './schema.js';

/** a non-negative number of seconds (a numeric string too), DFLT when not given or empty */
export function secondsArg(dflt: number) {
  return { type: 'any', schema: INT, default: dflt, read: (v: unknown, n: string) => toNonNegNumber(v, dflt, n) } as const satisfies ArgSpec;
}
