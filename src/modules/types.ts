/**
 * The module contract. A module gathers the current state with as few remote round trips as
 * possible, compares it with the wanted state, and acts only when they differ. In check mode it
 * stops after the comparison and reports what it would change.
 */
import type { TemplateSyntax } from '../template/types.js';
import type { ResolvedTarget } from '../transport/resolve.js';
import type { Connection, ExecOptions, ExecResult } from '../transport/types.js';

export interface DiffEntry {
  before?: string;
  after?: string;
  before_header?: string;
  after_header?: string;
  /** a diff already rendered as text (kubernetes.core.helm's helm-diff output) */
  prepared?: string;
  /** in place of a side: Ansible's notes (binary, or larger than max_diff_size bytes) */
  dst_binary?: number;
  src_binary?: number;
  dst_larger?: number;
  src_larger?: number;
}

/** As in Ansible, so that register / changed_when / failed_when work the same. */
/**
 * Set (true) on a result whose action Ansible marks `_ansible_verbose_always` (assert without
 * `quiet`): the views show it as they show debug's. A symbol: never registered, printed or
 * serialised, and kept by the spreads that copy a result.
 */
export const VERBOSE_ALWAYS = Symbol.for('kbs.verboseAlways');

export interface ModuleResult {
  changed: boolean;
  failed?: boolean;
  skipped?: boolean;
  msg?: string;
  rc?: number;
  stdout?: string;
  stderr?: string;
  stdout_lines?: string[];
  stderr_lines?: string[];
  diff?: DiffEntry | DiffEntry[];
  [VERBOSE_ALWAYS]?: boolean;
  [key: string]: unknown;
}

export interface ModuleContext {
  /** inventory_hostname of the target */
  host: string;
  /** connection to the target (for delegate_to: to the delegate) */
  conn: Connection;
  /** run a command with the task's become/environment applied */
  run(cmd: string, opts?: Omit<ExecOptions, 'become' | 'becomeUser'>): Promise<ExecResult>;
  /**
   * Optional: values kept between tasks for this target and the task's become user (the engine
   * clears them on reconnect). util/remote.ts keeps the remote identity (umask, user, group) here.
   */
  memo?: Map<string, unknown>;
  check: boolean;
  diff: boolean;
  /** all variables visible to the task (hostvars of the host, facts, play vars...) */
  vars: Record<string, unknown>;
  /** render a Jinja2 template string with the task's variables (template module) */
  render(source: string, extraVars?: Record<string, unknown>, syntax?: TemplateSyntax): string;
  /**
   * Optional: evaluate a bare Jinja2 expression to a native value (debug's var:). Without it,
   * debug falls back to render('{{ expr }}'), which gives a string.
   */
  evaluate?(expr: string): unknown;
  /** evaluate a Jinja2 condition (assert's that) with the task's variables */
  condition(expr: unknown): boolean;
  /** verbosity of the run (-v = 1 ...), for debug's verbosity */
  verbosity: number;
  /** the task's no_log (custom modules get it as _ansible_no_log) */
  noLog?: boolean;
  /**
   * Find a workstation file for `src:` of copy/template: searches the role's files/ or
   * templates/ folder, then the playbook folder's files/ / templates/, then relative to the
   * playbook folder. Returns an absolute path or throws KbsError NOT_FOUND.
   */
  findFile(kind: 'files' | 'templates', src: string): string;
  /**
   * Optional: the task's module_defaults (play, blocks, task) for another module NAME, rendered;
   * the package module applies its backend's, as Ansible's package action does.
   */
  moduleDefaults?(name: string): Record<string, unknown>;
  /** Ask the engine to stop: meta's end_host / end_play / flush_handlers. */
  meta?(action: string): void;
  /**
   * Optional: drop the target's connection so that the next run() dials again (wait_for_connection
   * after a reboot). Without it a lost connection stays lost for the run.
   */
  reconnect?(): Promise<void>;
  /**
   * Optional: how kbs reaches the target over ssh (address, port, user, keys, jump hosts, host key
   * policy), for modules that run their own ssh client on the workstation (synchronize's rsync).
   * Undefined for a local connection.
   */
  sshTarget?(): ResolvedTarget | undefined;
  /** Optional: the task's privilege escalation (become_user), when the task has become. */
  become?: { user: string };
  /**
   * set_fact / the setup module hand facts back to the engine; `unsafe`: the facts whose value a
   * template made from unsafe data (a registered result, a lookup), never templated when read again
   */
  setFacts?(facts: Record<string, unknown>, cacheable?: boolean, unsafe?: Iterable<string>): void;
  /** the top-level arguments whose rendered value came from unsafe data (set_fact's) */
  unsafeArgs?: ReadonlySet<string>;
  /** what the flow modules (include_vars, group_by, add_host) need from the engine */
  flow?: FlowContext;
}

/** The run as the flow modules see it; they run in kbs, never on the host. */
export interface FlowContext {
  /** the folders include_vars searches, as Ansible's task search path: the role (and the roles it comes from), then the task file's folder */
  searchPath: string[];
  /** the folder of the task's file (include_vars `dir:` outside a role is relative to it) */
  taskDir: string;
  /** the playbook's folder (the last place a relative vars file is looked for) */
  playbookDir: string;
  /** the task's role folder, if any */
  rolePath?: string;
  /** add_host: the host (created when new) joins the groups and gets the vars; true when the inventory changed */
  addHost(name: string, groups: string[], vars: Record<string, unknown>): boolean;
  /** group_by: the task's host joins `group` (created under `parents` when new); true when the inventory changed */
  groupBy(group: string, parents: string[]): boolean;
}

export type JsonSchema = Record<string, unknown>;

export interface ModuleDef {
  /** short name, e.g. 'copy'; 'ansible.builtin.copy' and 'ansible.legacy.copy' resolve to it */
  name: string;
  /** other accepted names, e.g. systemd_service for systemd */
  aliases?: string[];
  /** 'free form' modules (command, shell, raw) accept a string: it becomes args._raw_params */
  freeForm?: boolean;
  /** the module runs on the workstation only (debug, set_fact, assert, fail, meta) */
  local?: boolean;
  /** JSON Schema of args, checked before any host is contacted (additionalProperties false) */
  schema: JsonSchema;
  /** a module from a library/ folder: its file (modules/python/module.ts) */
  source?: string;
  /** The module has no check-mode support: in check mode the task is skipped. */
  noCheckMode?: boolean;
  /** the facts it sets (setFacts) are host facts, ansible_facts.NAME and NAME, as a *_facts module's */
  hostFacts?: boolean;
  /** runs once for the batch, on its first host, as Ansible's BYPASS_HOST_LOOP (add_host); a loop makes it iterate */
  bypassHostLoop?: boolean;
  /**
   * The skipped result in check mode as Ansible gives it for this module; default (a module
   * without check mode): changed false, failed false, skipped, msg "remote module (NAME) does
   * not support check mode"
   */
  checkModeResult?: ModuleResult;
  run(args: Record<string, unknown>, ctx: ModuleContext): Promise<ModuleResult>;
}
