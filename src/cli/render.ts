/** Renders an error once for the user and maps it to the exit code (DESIGN.md §2). */
import { KbsError, EXIT, exitCodeFor } from '../errors.js';
import type { CliIO } from './io.js';

export function renderError(e: unknown, io: CliIO): number {
  if (e instanceof KbsError) {
    io.stderr(e.render() + '\n');
    return exitCodeFor(e);
  }
  const msg = e instanceof Error ? e.message : String(e);
  io.stderr(`error: internal error: ${msg}\n  hint: this is a bug in kbs; run with KBS_DEBUG=1 for details and report it\n`);
  if (io.env.KBS_DEBUG && e instanceof Error && e.stack) io.stderr(e.stack + '\n');
  return EXIT.INTERNAL;
}
