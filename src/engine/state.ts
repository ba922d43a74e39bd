/** Per-host state for one run: facts, set_fact and registered vars persist across plays. */
import type { Vars } from '../load/model.js';
import { emptyStats, type HostStats } from './events.js';
import { markAllUnsafeAt, markUnsafe } from '../template/unsafe.js';

export class HostState {
  private _facts: Vars = {};
  /** factVars() of the current facts; dropped when they change */
  private factView?: Vars;

  /** ansible_facts (without prefix); changed by replacing it or with addFacts */
  get facts(): Vars {
    return this._facts;
  }
  set facts(f: Vars) {
    this._facts = f;
    this.factView = undefined;
  }
  addFacts(f: Vars): void {
    Object.assign(this._facts, f);
    this.factView = undefined;
  }
  /** set_fact results */
  setFacts: Vars = {};
  /** include_vars results (below set_fact, above task vars, as in Ansible) */
  includeVars: Vars = {};
  /** register: results */
  registered: Vars = {};
  stats: HostStats = emptyStats();
  /** failed in this play: leaves the play */
  failed = false;
  unreachable = false;
  /** refused by a safety check (host key) */
  refused = false;
  /** meta: end_host */
  ended = false;
  /** handler names notified and not yet run */
  notified = new Set<string>();
  /** roles (RoleContext) of which a task ran here, not skipped (Ansible's _had_task_run) */
  rolesRan = new Set<object>();
  /** roles whose block this host finished after one of their tasks ran: not run again (unless allow_duplicates) */
  rolesDone = new Set<object>();

  constructor(readonly name: string) {}

  /** still taking tasks in the current play */
  get active(): boolean {
    return !this.failed && !this.unreachable && !this.ended;
  }

  /**
   * facts as Ansible exposes them: ansible_facts.x and ansible_x. Built once for each set of facts
   * (every task of every host reads it as a variable layer); a layer is only read, never changed.
   */
  factVars(): Vars {
    if (this.factView) return this.factView;
    // facts are a module's result: unsafe, as Ansible marks every module result (src/template/unsafe.ts)
    const out: Vars = { ansible_facts: markUnsafe(this._facts) };
    for (const [k, v] of Object.entries(this._facts)) out[k.startsWith('ansible_') ? k : `ansible_${k}`] = v;
    markAllUnsafeAt(out, out);
    this.factView = out;
    return out;
  }
}
