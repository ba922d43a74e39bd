/** Options of one engine run (what `kbs run` flags become). */
import type { Vars } from '../load/model.js';
import type { TransportOptions } from '../transport/types.js';

/** one vars_prompt question as the terminal shows it */
export interface PromptQuestion {
  /** the text shown: "PROMPT [DEFAULT]: " as Ansible writes it */
  msg: string;
  /** no echo (the default, as in Ansible) */
  private: boolean;
  /** ask twice until both answers match */
  confirm: boolean;
}

export interface RunOptions {
  check: boolean;
  diff: boolean;
  /** concurrent hosts per task, default 50 */
  forks: number;
  limit?: string;
  tags: string[];
  skipTags: string[];
  extraVars: Vars;
  startAtTask?: string;
  verbosity: number;
  transport: TransportOptions;
  rolesPath: string[];
  /** Ansible's private_role_vars: a role's vars are seen only by its own tasks (its defaults stay shared) */
  privateRoleVars?: boolean;
  /** Ansible's action_warnings / deprecation_warnings: show modules' warnings / deprecations (default true) */
  actionWarnings?: boolean;
  deprecationWarnings?: boolean;
  /** the -i sources as given, made absolute (ansible_inventory_sources) */
  inventorySources?: string[];
  /** the ansible.cfg read (ansible_config_file) */
  configFile?: string;
  /** ansible.cfg defaults for hosts and plays that set none: remote_user, private_key_file, become, become_user */
  remoteUser?: string;
  privateKeyFile?: string;
  become?: boolean;
  becomeUser?: string;
  /** ansible.cfg become_flags / become_exe: how sudo is called when the task and the host say nothing */
  becomeFlags?: string;
  becomeExe?: string;
  /** -c / ansible.cfg transport: the connection of hosts and plays that set none ('local'; else ssh) */
  connection?: 'local';
  /**
   * Asks the person at the terminal for a vars_prompt value (the CLI's; the engine has no terminal):
   * undefined when there is no one to ask (not interactive), as Ansible then does not prompt.
   */
  prompter?: (q: PromptQuestion) => Promise<string | undefined>;
  /** how often a running task reports the hosts still working (task_progress), default 10 s; 0: never */
  progressIntervalMs?: number;
  /**
   * Facts this process gathered on these hosts moments ago (kbs apply reads the nodes before the
   * playbook): a play's fact gathering uses them instead of gathering again, as Ansible's `smart`
   * gathering does with a fact cache.
   */
  knownFacts?: Record<string, Vars>;
  /** the views show set_stats data after the recap (ansible.cfg show_custom_stats); the engine ignores it */
  showCustomStats?: boolean;
}

export function defaultRunOptions(): RunOptions {
  return {
    check: false,
    diff: false,
    forks: 50,
    tags: [],
    skipTags: [],
    extraVars: {},
    verbosity: 0,
    transport: {},
    rolesPath: [],
  };
}
