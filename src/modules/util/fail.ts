/**
 * fail_json for modules that call a tool on the host step by step (git, helm, subversion,
 * rpm_key): thrown anywhere in the module's run, it ends the run with its result (resultOf). And
 * the output of one such call.
 */
import type { ModuleResult } from '../types.js';

/** A module failure: stops the run of the module with this result. */
export class ModuleFail extends Error {
  constructor(readonly result: ModuleResult) {
    super(String(result.msg));
  }
}

/** the exit code and output of one call of the tool */
export interface ToolOut {
  rc: number;
  out: string;
  err: string;
}

/** The module's result: what `run` returns, or the result of the ModuleFail it throws. */
export async function resultOf(run: () => Promise<ModuleResult>): Promise<ModuleResult> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof ModuleFail) return e.result;
    throw e;
  }
}
