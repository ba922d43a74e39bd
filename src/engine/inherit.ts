/** Keywords that blocks, imports and roles pass down to the tasks inside them. */
import type { Node, TaskKeywords, Vars } from '../load/model.js';
import type { TemplateContext, Templater } from '../template/types.js';

export interface Inherited {
  /** conditions of enclosing blocks/imports; all must hold */
  when: unknown[];
  /** vars of enclosing blocks, outermost first */
  vars: Vars[];
  tags: string[];
  become?: unknown;
  becomeUser?: string;
  becomeFlags?: string;
  becomeExe?: string;
  remoteUser?: string;
  port?: unknown;
  environment: unknown[];
  ignoreErrors?: unknown;
  delegateTo?: string;
  runOnce?: unknown;
  noLog?: unknown;
  checkMode?: unknown;
  /** the diff keyword: diff mode on (or off) for the tasks inside, whatever --diff says */
  diff?: unknown;
  anyErrorsFatal?: unknown;
  throttle?: unknown;
  timeout?: unknown;
  connection?: string;
  delegateFacts?: unknown;
  /** notify: of enclosing blocks (a task's own notify: wins) */
  notify?: string[];
  /** module_defaults of the play and enclosing blocks, outermost first */
  moduleDefaults?: unknown[];
  /** params of include_tasks / include_role */
  includeParams?: Vars;
  /** include_tasks / include_role running inside each other, outermost first */
  includes?: string[];
  /** running handlers */
  handler?: boolean;
  /** inside a block that has a rescue section: a failure counts as rescued */
  rescuable?: boolean;
}

export function rootInherited(tags: string[], environment?: unknown): Inherited {
  return { when: [], vars: [], tags, environment: environment === undefined ? [] : [environment] };
}

/** The keywords of `node` layered on top of `inh` (what a block's children see). */
export function inherit(inh: Inherited, kw: TaskKeywords): Inherited {
  return {
    when: kw.when === undefined ? inh.when : [...inh.when, kw.when],
    vars: kw.vars ? [...inh.vars, kw.vars] : inh.vars,
    tags: kw.tags?.length ? [...inh.tags, ...kw.tags] : inh.tags,
    become: kw.become ?? inh.become,
    becomeUser: kw.become_user ?? inh.becomeUser,
    becomeFlags: kw.become_flags ?? inh.becomeFlags,
    becomeExe: kw.become_exe ?? inh.becomeExe,
    remoteUser: kw.remote_user ?? inh.remoteUser,
    port: kw.port ?? inh.port,
    environment: kw.environment === undefined ? inh.environment : [...inh.environment, kw.environment],
    ignoreErrors: kw.ignore_errors ?? inh.ignoreErrors,
    delegateTo: kw.delegate_to ?? inh.delegateTo,
    runOnce: kw.run_once ?? inh.runOnce,
    noLog: kw.no_log ?? inh.noLog,
    checkMode: kw.check_mode ?? inh.checkMode,
    diff: kw.diff ?? inh.diff,
    anyErrorsFatal: kw.any_errors_fatal ?? inh.anyErrorsFatal,
    throttle: kw.throttle ?? inh.throttle,
    timeout: kw.timeout ?? inh.timeout,
    connection: kw.connection ?? inh.connection,
    delegateFacts: kw.delegate_facts ?? inh.delegateFacts,
    notify: kw.notify ?? inh.notify,
    moduleDefaults: kw.module_defaults === undefined ? inh.moduleDefaults : [...(inh.moduleDefaults ?? []), kw.module_defaults],
    includeParams: inh.includeParams,
    includes: inh.includes,
    handler: inh.handler,
    rescuable: inh.rescuable,
  };
}

export function nodeName(n: Node): string {
  if (n.kw.name) return n.kw.name;
  // an unnamed task is named by its module as written (`ansible.builtin.copy`), as in Ansible
  if (n.kind === 'task') return n.action ?? n.module;
  // Ansible's IncludeRole.get_name: the action and the role
  if (n.kind === 'include_role' && 'args' in n) return `include_role : ${String(n.args.name ?? n.args.role ?? '')}`;
  return n.kind;
}

/**
 * Whether a task, include or meta runs on a host: the `when:` of its enclosing blocks, imports and
 * roles and its own, each an Ansible conditional (Templater.conditional), all holding.
 */
export function whenHolds(tpl: Templater, inh: Inherited, kw: TaskKeywords, vars: Vars, where?: TemplateContext): boolean {
  return tpl.conditional([...inh.when, kw.when], vars, where);
}
