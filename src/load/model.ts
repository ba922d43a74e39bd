/**
 * The loaded, validated form of playbooks and roles. The loader (src/load) builds it from YAML;
 * the engine (src/engine) runs it. Static imports (import_tasks, import_role, import_playbook,
 * role dependencies) are already expanded here; dynamic includes stay as IncludeNodes.
 */
import type { Position } from '../errors.js';

import type { Vars } from '../inventory/types.js';

export type { Vars };

/** Keywords that may appear on tasks, blocks, includes (and partly on plays). Values are raw (untemplated). */
export interface TaskKeywords {
  name?: string;
  when?: unknown; // string | string[] | boolean
  loop?: unknown;
  with_items?: unknown;
  /** `with_<lookup>:` loops: the lookup's name (its terms are in `loop`) */
  loop_with?: string;
  loop_control?: { loop_var?: string; label?: string; index_var?: string; pause?: number; extended?: unknown; extended_allitems?: unknown };
  register?: string;
  changed_when?: unknown;
  failed_when?: unknown;
  ignore_errors?: unknown;
  notify?: string[];
  tags?: string[];
  become?: unknown;
  become_user?: string;
  /** sudo options in place of -H (kbs adds -n, or -S -p with a password, itself) */
  become_flags?: string;
  /** the sudo program */
  become_exe?: string;
  /** the login user, unless the host's variables name one (ansible_user) */
  remote_user?: string;
  /** the SSH port, unless the host's variables name one (ansible_port) */
  port?: unknown;
  environment?: unknown;
  retries?: unknown;
  until?: unknown;
  delay?: unknown;
  run_once?: unknown;
  delegate_to?: string;
  no_log?: unknown;
  check_mode?: unknown;
  vars?: Vars;
  any_errors_fatal?: unknown;
  /** show the task's diff (with --diff); `diff: false` hides it */
  diff?: unknown;
  /** an unreachable host does not stop the play for this task */
  ignore_unreachable?: unknown;
  /** seconds the module may run on a host (each attempt); then the task fails (Ansible 2.10+) */
  timeout?: unknown;
  /** at most this many hosts run the task at once */
  throttle?: unknown;
  /** with delegate_to: facts the task sets go to the delegated host */
  delegate_facts?: unknown;
  /** `local` runs the task on the workstation (unless the host sets ansible_connection) */
  connection?: string;
  /** run the module in the background for at most this many seconds */
  async?: unknown;
  /** with async: 0 starts it and goes on (async_status checks it); N waits for it */
  poll?: unknown;
  /** default arguments per module name (a mapping, or a list of mappings) */
  module_defaults?: unknown;
}

export interface RoleContext {
  name: string;
  /** absolute path of the role folder */
  path: string;
  defaults: Vars;
  vars: Vars;
  /** params given where the role was used (roles: - role: x, vars...) */
  params: Vars;
  /** the `vars:` keyword where the role was used: part of the role's vars, as in Ansible */
  entryVars?: Vars;
  /** direct dependencies (meta/main.yml) in order, those that run only once included */
  deps?: RoleContext[];
  /** the role that depends on, imports or includes this one */
  parent?: RoleContext;
  /** imported or included from a role: that role's name, then its own parents' (ansible_parent_role_names) */
  parentRoleNames?: string[];
  /** ... and their paths (ansible_parent_role_paths) */
  parentRolePaths?: string[];
}

interface NodeBase {
  pos: Position;
  kw: TaskKeywords;
  /** the role whose file this node comes from, if any */
  role?: RoleContext;
}

export interface TaskNode extends NodeBase {
  kind: 'task';
  /** canonical module name (short) */
  module: string;
  /** the module as the task names it (`ansible.builtin.copy`), when that differs: the name of an unnamed task, as Ansible's */
  action?: string;
  /** module args, untemplated; free-form strings are in _raw_params */
  args: Record<string, unknown>;
  /** a custom module from a library/ folder: its file and the module_utils folders (load/library.ts) */
  library?: { file: string; utilsDirs: string[] };
  /** handler only: listen topics */
  listen?: string[];
}

export interface BlockNode extends NodeBase {
  kind: 'block';
  /**
   * The tasks of a role from roles: or a dependency (not allow_duplicates): as in Ansible, they
   * are skipped on a host where an earlier use of the same role (name, params, when, tags, vars)
   * ran a task and reached its end. Each use is listed; the choice is made when the play runs.
   */
  roleOnce?: boolean;
  block: Node[];
  rescue: Node[];
  always: Node[];
}

export interface IncludeNode extends NodeBase {
  kind: 'include_tasks' | 'include_role';
  /** include_tasks: file (may be templated); include_role: name, tasks_from... */
  args: Record<string, unknown>;
  /** include_tasks: folder of the including file; a relative `file` is looked up there first */
  baseDir?: string;
}

export type Node = TaskNode | BlockNode | IncludeNode;

export interface Play {
  name: string;
  hosts: string; // raw pattern (may be templated)
  pos: Position;
  /** folder of the playbook file the play comes from */
  baseDir: string;
  vars: Vars;
  /** absolute paths (may be templated: resolved at run time) */
  varsFiles: string[];
  /** where each vars_files entry is written */
  varsFilesPos?: Position[];
  gatherFacts: boolean;
  become?: unknown;
  becomeUser?: string;
  serial?: (number | string)[];
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
  tags: string[];
  environment?: unknown;
  preTasks: Node[];
  /** roles: expanded into blocks with role context, run after pre_tasks and before tasks */
  roles: Node[];
  /**
   * The play's roles as Ansible's play.roles holds them: the roles: entries, then each
   * import_role'd role (load order). Their defaults and vars are seen by the whole play.
   */
  playRoles?: RoleContext[];
  tasks: Node[];
  postTasks: Node[];
  handlers: TaskNode[];
  /** optional play keywords (absent when not given) */
  connection?: string;
  /** remote_user: the ssh user unless the host sets ansible_user */
  remoteUser?: string;
  checkMode?: unknown;
  diff?: unknown;
  noLog?: unknown;
  ignoreErrors?: unknown;
  ignoreUnreachable?: unknown;
  forceHandlers?: boolean;
  gatherSubset?: string[];
  /** play keywords the tasks inherit (run_once, throttle, timeout, module_defaults, a templated any_errors_fatal) */
  keywords?: TaskKeywords;
  /** a templated strategy: rendered when the play starts, must be linear */
  strategy?: string;
  /** vars_prompt entries (raw: prompt and default are templated when the play starts) */
  varsPrompt?: VarsPrompt[];
  /** conditions of the import_playbook entries that imported this play (also on its fact gathering) */
  importWhen?: unknown[];
}

/** a vars_prompt entry as written */
export interface VarsPrompt {
  name: string;
  prompt?: unknown;
  default?: unknown;
  private?: unknown;
  confirm?: unknown;
  encrypt?: string;
  salt_size?: number;
  salt?: string;
  unsafe?: unknown;
  pos: Position;
}

export interface Playbook {
  file: string;
  plays: Play[];
}
