/** Everything shared by the plays of one run. */
import { randomUUID } from 'node:crypto';
import { dirname } from 'node:path';
import { inventoryHostnameShort } from '../inventory/shortname.js';
import { KbsError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { getHost, hostInventoryVarsSplit, magicVars } from '../inventory/vars.js';
import { resolvePattern } from '../inventory/pattern.js';
import type { Play, RoleContext, Vars } from '../load/model.js';
import { OMIT } from '../template/env.js';
import type { Templater } from '../template/types.js';
import { isHostList } from '../inventory/hostlist.js';
import type { Connection, ConnectionSpec, ExecOptions, ExecResult } from '../transport/types.js';
import { ownRoleLayers, playRoleLayers, roleNames } from '../vars/roles.js';
import { lazyMap, makeScope, mergeLayers, rawOf } from '../vars/scope.js';
import { markData } from '../template/unsafe.js';
import type { Emit } from './events.js';
import type { Inherited } from './inherit.js';
import { CONNECTION_VARS, connectionSpec, connectionVars, type ConnectionKeywords } from './connection-spec.js';
import type { RunOptions } from './options.js';
import { HostState } from './state.js';
import { aggregateStat } from './stats.js';
import { workstationPython } from '../util/workstation-python.js';

/** The transport pool, as the engine needs it. */
export interface Pool {
  get(spec: ConnectionSpec): Promise<Connection>;
  closeAll(): Promise<void>;
  totals(): { connects: number; execs: number; channels: number };
  /** drop a host's connection (meta: reset_connection) */
  reset?(name: string): Promise<void>;
  /** signal what the run started on the hosts (on interrupt); resolves with the groups signalled */
  interrupt?(sig: 'TERM' | 'KILL'): Promise<number>;
}

/** The ansible-core release whose behaviour kbs follows (ansible_version); docs/variables.md says so. */
export const ANSIBLE_CORE_VERSION = '2.14.18';
const [major, minor, revision] = ANSIBLE_CORE_VERSION.split('.').map(Number);
const ANSIBLE_VERSION = Object.freeze({ string: ANSIBLE_CORE_VERSION, full: ANSIBLE_CORE_VERSION, major, minor, revision });

export class RunContext {
  readonly hosts = new Map<string, HostState>();
  /** set_stats: owner (a host, or '_run') → key → value */
  readonly customStats: Record<string, Vars> = {};
  /** module warnings already shown: Ansible's display shows each text once a run */
  readonly shownWarnings = new Set<string>();
  /** current play, for play vars / play_hosts */
  play?: Play;
  playVars: Vars = {};
  /** the play's roles (Ansible's play.roles): static ones, then public include_role'd ones */
  private playRoles: RoleContext[] = [];
  /** defaults and vars of the play's roles, as every task of the play sees them */
  private roleLayers: { defaults: Vars; vars: Vars } = { defaults: {}, vars: {} };
  private roleNameVars: Vars = {};
  playHosts: string[] = [];
  batchHosts: string[] = [];
  /** the play's host pattern (rendered) and the --limit hosts */
  playPattern?: { pattern: string; limited?: Set<string> };
  /**
   * ansible_play_hosts_all, as Ansible's strategy keeps it (_hosts_cache_all): the play's pattern
   * within --limit, failed hosts included, made again at each serial batch; a host add_host adds
   * is appended (group_by changes nothing)
   */
  playHostsAll: string[] = [];
  private specs = new Map<string, ConnectionSpec>();
  /** set when the run is interrupted (the signal's name): no task starts after it */
  interrupted?: string;
  /** aborted with the interruption: waits between loop items and retries end at once */
  readonly stopping = new AbortController();
  /** task id → the task and the hosts it is running on right now */
  readonly running = new Map<number, { task: string; hosts: Set<string> }>();

  constructor(
    readonly inv: Inventory,
    readonly opts: RunOptions,
    readonly templater: Templater,
    readonly pool: Pool,
    readonly emit: Emit,
    readonly playbookDir: string,
  ) {
    for (const name of inv.hosts.keys()) this.hosts.set(name, new HostState(name));
  }

  /** groups and group_names, as the inventory is now (add_host and group_by change it) */
  get magic(): ReturnType<typeof magicVars> {
    return magicVars(this.inv);
  }

  /** set_stats: set a custom stat, or aggregate it with the value kept (numbers add, lists and text join, mappings merge) */
  setCustomStat(owner: string, key: string, value: unknown, aggregate: boolean): void {
    const mine = (this.customStats[owner] ??= {});
    const old = mine[key];
    if (!aggregate || !(key in mine)) mine[key] = value;
    else mine[key] = aggregateStat(old, value);
  }

  host(name: string): HostState {
    let h = this.hosts.get(name);
    if (!h) {
      h = new HostState(name);
      this.hosts.set(name, h);
    }
    return h;
  }

  /**
   * Host-level variables: what hostvars[name] shows (inventory, facts, set_fact, registered, extra
   * vars; not the play's vars, as in Ansible), and with `withPlayVars` what a connection is made from.
   */
  hostLevel(name: string, withPlayVars = false): Vars {
    const h = this.host(name);
    const inv = this.inventoryLayers(name);
    const play = withPlayVars ? this.playVars : undefined;
    const out = mergeLayers([...inv, h.factVars(), play, h.includeVars, h.setFacts, h.registered, this.opts.extraVars, this.magicFor(name)]);
    // templates in these values may read hostvars, but hostvars[name] does not list it (as in Ansible): no cycle for to_json
    Object.defineProperty(out, 'hostvars', { value: out.hostvars, enumerable: false });
    return out;
  }

  /** All variables a task sees on a host, in the documented precedence order (docs/variables.md). */
  taskVars(name: string, role: RoleContext | undefined, inh: Inherited, own?: { vars?: Vars; environment?: unknown }, extra?: Vars): Vars {
    const h = this.host(name);
    const mine = role ? ownRoleLayers(role) : undefined;
    const layers: (Vars | undefined)[] = [
      this.roleLayers.defaults,
      mine?.defaults,
      ...this.inventoryLayers(name),
      h.factVars(),
      this.playVars,
      this.roleLayers.vars,
      mine?.vars,
      ...inh.vars,
      own?.vars,
      h.includeVars,
      h.setFacts,
      h.registered,
      mine?.params,
      inh.includeParams,
      this.opts.extraVars,
      this.magicFor(name, role),
    ];
    const all = mergeLayers(layers);
    // as Ansible's VariableManager: the task's environment list (play, blocks, task; unrendered),
    // then `vars`, the variables so far as data (not templated when read through it)
    all.environment = [this.play?.environment, ...inh.environment, own?.environment].filter((e) => e !== undefined && e !== null);
    const names = Object.keys(all);
    let copy: Vars | undefined;
    Object.defineProperty(all, 'vars', {
      enumerable: true,
      configurable: true,
      get: () => (copy ??= markData(Object.fromEntries(names.map((k) => [k, all[k]])))),
    });
    // the strategy's view (after `vars` in Ansible): the play's hosts still running, and those that failed
    all.ansible_current_hosts = this.runningHosts();
    all.ansible_failed_hosts = this.playHosts.filter((n) => this.host(n).failed);
    return makeScope(Object.assign(all, extra), { templater: this.templater });
  }

  /**
   * A host's inventory layers in Ansible's order: its groups' vars, inventory_file/inventory_dir,
   * its own vars, then inventory_hostname, inventory_hostname_short and group_names.
   */
  private inventoryLayers(name: string): (Vars | undefined)[] {
    const split = getHost(this.inv, name) ? hostInventoryVarsSplit(this.inv, name) : undefined;
    return [split?.groups, this.sourceVars(name), split?.host, this.hostMagic(name)];
  }

  /** inventory_hostname, its short form and group_names: host variables in Ansible (after the host's own) */
  private hostMagic(name: string): Vars {
    return { inventory_hostname: name, inventory_hostname_short: inventoryHostnameShort(name), group_names: this.magic.group_names[name] ?? [] };
  }

  /** the play's hosts that have not failed or ended */
  private runningHosts(): string[] {
    return this.playHosts.filter((n) => this.host(n).active);
  }

  /** The magic variables of a task, in the order Ansible adds them (varnames lists them so). */
  private magicFor(name: string, role?: RoleContext): Vars {
    const r = this.roleNameVars;
    const all = this.playHostsAll;
    const batch = this.batchHosts.filter((n) => this.host(n).active);
    const m: Vars = {
      playbook_dir: this.playbookDir,
      ansible_playbook_python: workstationPython(),
      ansible_config_file: this.opts.configFile ?? null,
      ansible_role_names: r.ansible_role_names,
      ansible_play_role_names: r.ansible_play_role_names,
      ansible_dependent_role_names: r.ansible_dependent_role_names,
      role_names: r.role_names,
      ansible_play_name: this.play?.name,
    };
    if (role) {
      m.role_name = role.name;
      m.role_path = role.path;
      m.role_uuid = roleUuid(role);
      // a role from a path, not from a collection
      m.ansible_collection_name = null;
      m.ansible_role_name = role.name;
      if (role.parentRoleNames) {
        m.ansible_parent_role_names = role.parentRoleNames;
        m.ansible_parent_role_paths = role.parentRolePaths;
      }
    }
    Object.assign(m, {
      groups: this.magic.groups,
      ansible_play_hosts_all: all,
      // the play's hosts that have not failed (Ansible's play._removed_hosts), batch or all
      ansible_play_hosts: all.filter((n) => this.host(n).active),
      ansible_play_batch: batch,
      // (deprecated: ansible_play_batch)
      play_hosts: batch,
      omit: OMIT,
      ansible_version: ANSIBLE_VERSION,
      ansible_check_mode: this.opts.check,
      ansible_diff_mode: this.opts.diff,
      ansible_forks: this.opts.forks,
      ansible_inventory_sources: this.opts.inventorySources ?? this.inv.sources,
      ansible_skip_tags: this.opts.skipTags,
    });
    if (this.opts.limit !== undefined) m.ansible_limit = this.opts.limit;
    m.ansible_run_tags = this.opts.tags.length ? this.opts.tags : ['all'];
    m.ansible_verbosity = this.opts.verbosity;
    m.hostvars = this.hostvars;
    return m;
  }

  /**
   * inventory_file and inventory_dir: where the host was first listed (Ansible sets them as host
   * vars); None for a host add_host made. The implicit localhost has neither.
   */
  private sourceVars(name: string): Vars | undefined {
    const h = getHost(this.inv, name);
    if (!h || h.implicit) return undefined;
    const file = h.pos?.file;
    if (file === undefined) return { inventory_file: null, inventory_dir: null };
    return isHostList(file) ? { inventory_file: file, inventory_dir: null } : { inventory_file: file, inventory_dir: dirname(file) };
  }

  private _hostvars?: Vars;
  get hostvars(): Vars {
    if (!this._hostvars) {
      this._hostvars = lazyMap(this.hosts.keys(), (n) => makeScope(this.hostLevel(n), { templater: this.templater }));
    }
    return this._hostvars;
  }

  /** Call whenever facts/set_fact/registered change so hostvars is rebuilt lazily. */
  invalidate(): void {
    this._hostvars = undefined;
  }

  /** ansible_play_hosts_all made again from the play's pattern (at each serial batch, as Ansible's strategy does) */
  resetPlayHostsAll(): void {
    const p = this.playPattern;
    if (!p) return;
    const hosts = resolvePattern(this.inv, p.pattern).hosts;
    this.playHostsAll = p.limited ? hosts.filter((h) => p.limited!.has(h)) : hosts;
  }

  /** Start a play: its connection / remote_user defaults apply to specs made from now on. */
  startPlay(play: Play): void {
    this.play = play;
    this.specs.clear();
    this.playRoles = [...(play.playRoles ?? [])];
    this.updateRoleLayers();
  }

  /** include_role with public: true: the role joins the play's roles from now on */
  addPlayRole(role: RoleContext): void {
    this.playRoles.push(role);
    this.updateRoleLayers();
    this.invalidate();
  }

  private updateRoleLayers(): void {
    this.roleLayers = playRoleLayers(this.playRoles, this.opts.privateRoleVars === true);
    const names = roleNames(this.playRoles);
    this.roleNameVars = { ansible_play_role_names: names.play, role_names: names.play, ansible_dependent_role_names: names.dependent, ansible_role_names: names.all };
  }

  /**
   * Connection spec of a host, from its (templated) variables, with the play's `connection` and
   * `remote_user` as defaults. Cached per play. The pool keeps a connection per host and login
   * user for the whole run.
   */
  spec(name: string): ConnectionSpec {
    const cached = this.specs.get(name);
    if (cached) return cached;
    const s = this.specFrom(name, () => this.hostScope(name), {});
    this.specs.set(name, s);
    return s;
  }

  /**
   * The connection spec of a task on a host, as Ansible's PlayContext sets it per task: the
   * connection variables from all the variables the task sees (role, block and task `vars:`, facts
   * set by set_fact included), with the `remote_user` and `port` keywords as defaults. The same as
   * spec(name) unless one of those differs.
   */
  taskSpec(name: string, scope: Vars | undefined, kw: ConnectionKeywords): ConnectionSpec {
    const added = scope && addedVars(scope);
    if (scope && added?.size) scope = Object.fromEntries(CONNECTION_VARS.map((k) => [k, added.has(k) ? undefined : scope![k]]));
    const base = this.spec(name);
    if (base.type === 'local' && !this.inv.hosts.has(name)) return base;
    // a delegate's own variables (its host level), with the task's keywords
    if (!scope) return kw.remoteUser === undefined && kw.port === undefined ? base : this.specFrom(name, () => this.hostScope(name), kw);
    const sig = JSON.stringify([kw.remoteUser, kw.port, ...CONNECTION_VARS.map((k) => scope[k])]);
    const key = `${name}\0${sig}`;
    const cached = this.specs.get(key);
    if (cached) return cached;
    const s = this.specFrom(name, () => scope, kw);
    // the host-level spec when nothing differs: one pool key, one memo
    const same = JSON.stringify(s) === JSON.stringify(base) ? base : s;
    this.specs.set(key, same);
    return same;
  }

  /**
   * The connection variables Ansible's PlayContext gives a task (connectionVars) where its scope
   * has none of that name, added to the scope for the task's conditions and arguments. A spec that
   * cannot be made adds nothing (the module call reports the problem).
   */
  addConnectionVars(name: string, scope: Vars, kw: () => ConnectionKeywords & { connection?: string }): void {
    let vars: Vars;
    try {
      const k = kw();
      const local = k.connection === 'local' && scope.ansible_connection === undefined;
      vars = connectionVars(this.taskSpec(name, scope, k), this.opts, !!getHost(this.inv, name)?.implicit, local, scope.ansible_port ?? scope.ansible_ssh_port);
    } catch (e) {
      if (e instanceof KbsError) return;
      throw e;
    }
    addMissing(rawOf(scope), vars);
  }

  /**
   * A delegated task's scope: the connection variables Ansible's PlayContext adds come from the
   * delegate (its address, else its name; its user, else the remote_user keyword or the play's; its
   * port), where the task's variables have none of that name. A copy; `scope` is left as it is.
   */
  delegatedScope(scope: Vars, delegate: string, kw: ConnectionKeywords & { connection?: string }): Vars {
    const base = mergeLayers([rawOf(scope)]);
    for (const k of addedVars(scope) ?? []) delete base[k];
    let vars: Vars = {};
    try {
      const spec = this.taskSpec(delegate, undefined, kw);
      const dv = this.inv.hosts.has(delegate) ? this.hostScope(delegate) : {};
      const local = kw.connection === 'local' && base.ansible_connection === undefined;
      vars = connectionVars(spec, this.opts, !!getHost(this.inv, delegate)?.implicit, local, dv.ansible_port ?? dv.ansible_ssh_port);
    } catch (e) {
      if (!(e instanceof KbsError)) throw e;
    }
    addMissing(base, vars);
    return makeScope(base, { templater: this.templater });
  }

  /** A variable of the task as the task gave it: undefined when only the connection variables added it. */
  userVar(scope: Vars, name: string): unknown {
    return addedVars(scope)?.has(name) ? undefined : scope[name];
  }

  /** a host's own variables with the play's, templated as read (connection specs) */
  private hostScope(name: string): Vars {
    return makeScope(this.hostLevel(name, true), { templater: this.templater });
  }

  private specFrom(name: string, scopeOf: () => Vars, kw: ConnectionKeywords): ConnectionSpec {
    return connectionSpec(name, scopeOf, kw, { inInventory: this.inv.hosts.has(name), play: this.play, opts: this.opts, templater: this.templater });
  }

  private memos = new Map<string, Map<string, unknown>>();

  /**
   * Values modules may keep between tasks for one target and one identity (WHO: the login user and
   * the become user), e.g. the umask and groups. Cleared when the target reconnects.
   */
  memo(target: string, who: string): Map<string, unknown> {
    const key = `${target}\0${who}`;
    let m = this.memos.get(key);
    if (!m) this.memos.set(key, (m = new Map()));
    return m;
  }

  forgetMemos(target: string): void {
    for (const k of [...this.memos.keys()]) if (k.startsWith(`${target}\0`)) this.memos.delete(k);
  }

  /** A connection that opens on first use (so debug/set_fact-only plays never connect); `local`: on the workstation. */
  lazyConnection(name: string, local = false, spec?: ConnectionSpec): Connection {
    const ctx = this;
    let real: Connection | undefined;
    const open = async () => {
      // a connection dropped by pool.reset (wait_for_connection) is dialed again
      if (!real || (real as { alive?: boolean }).alive === false) {
        // `connection: local` on a task: the workstation, with the host's become password
        const s = spec ?? ctx.spec(name);
        real = await ctx.pool.get(local ? { name, type: 'local', address: name, becomePassword: s.becomePassword } : s);
      }
      return real;
    };
    return {
      host: name,
      get stats() {
        return real?.stats ?? { connects: 0, execs: 0, channels: 0 };
      },
      async exec(cmd: string, o?: ExecOptions): Promise<ExecResult> {
        // nothing new starts on a host once the run is interrupted
        if (ctx.interrupted !== undefined) throw new KbsError('TASK', `the run was interrupted (${ctx.interrupted})`, { host: name });
        const c = await open();
        if (ctx.interrupted !== undefined) throw new KbsError('TASK', `the run was interrupted (${ctx.interrupted})`, { host: name });
        return c.exec(cmd, o);
      },
      async close() {},
    };
  }
}

/**
 * Where a scope keeps the names addConnectionVars added (the connection is still made from the
 * task's own variables). A symbol key: merging the scope into a loop item's copies it along.
 */
const ADDED = Symbol('kbs.connection-vars');

/** `vars` added to `raw` where it has none of that name, remembered as added */
function addMissing(raw: Vars, vars: Vars): void {
  const added = new Set<string>();
  for (const [k, v] of Object.entries(vars)) {
    if (Object.prototype.hasOwnProperty.call(raw, k)) continue;
    raw[k] = v;
    added.add(k);
  }
  (raw as Record<symbol, unknown>)[ADDED] = added;
}

function addedVars(scope: Vars): Set<string> | undefined {
  return (rawOf(scope) as Record<symbol, Set<string> | undefined>)[ADDED];
}

const uuids = new WeakMap<RoleContext, string>();
/** role_uuid: one random UUID per role instance, as Ansible's Role._uuid */
function roleUuid(role: RoleContext): string {
  let u = uuids.get(role);
  if (!u) uuids.set(role, (u = randomUUID()));
  return u;
}
