/**
 * The one runner of planning tables, as pyinfra's operation fixtures: each row is a module's
 * args + the probe's recorded output → the changes it plans (descriptions, commands, files) or
 * none, and the result keys it reports. No host is needed.
 */
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';

export interface PlanRow {
  what: string;
  module: string;
  args: Record<string, unknown>;
  probe: string;
  /** each change as "description" plus ": command" or " <- data" for a file */
  changes: string[];
  /** keys of the reported result that must have these values */
  result?: Record<string, unknown>;
  /** plan as in check mode (default: a real run) */
  check?: boolean;
}

/** Plan every row with its module's planner and compare with what the row expects. */
export function checkPlanRows(planners: Record<string, Planner<never>>, rows: PlanRow[]): void {
  for (const row of rows) {
    const p = planners[row.module];
    assert.ok(p, `${row.what}: no planner for ${row.module}`);
    const a = p.args.read(row.args);
    const plan = p.plan(a, row.probe, { diff: false, check: row.check ?? false });
    const got = plan.changes.map((c) => (c.write ? `${c.description} <- ${c.write.data}` : `${c.description}: ${c.command}`));
    assert.deepEqual(got, row.changes, row.what);
    for (const [k, v] of Object.entries(row.result ?? {})) assert.deepEqual(plan.result[k], v, `${row.what}: ${k}`);
  }
}
