/**
 * ansible.cfg, read as ansible-core 2.14 reads it, for the settings kbs honours. The file is the
 * first that exists of: $ANSIBLE_CONFIG (a folder means FOLDER/ansible.cfg), ./ansible.cfg
 * (skipped in a world-writable folder, with Ansible's warning), ~/.ansible.cfg,
 * /etc/ansible/ansible.cfg. An ANSIBLE_* environment variable wins over the file. Paths in the
 * file are relative to the file's folder, paths in the environment to the current folder; `~`
 * and $VARS are expanded. Other settings and sections are ignored without a word.
 */
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { KbsError } from '../errors.js';

export interface AnsibleConfig {
  /** the file read (Ansible's ansible_config_file); undefined when none */
  file?: string;
  /** roles_path (default ~/.ansible/roles, /usr/share/ansible/roles, /etc/ansible/roles) */
  rolesPath: string[];
  /** library: folders of custom modules (default ~/.ansible/plugins/modules, /usr/share/ansible/plugins/modules) */
  library: string[];
  /** module_utils: folders of custom module_utils (default ~/.ansible/plugins/module_utils, /usr/share/…) */
  moduleUtils: string[];
  /** inventory, when set */
  inventory?: string[];
  forks?: number;
  remoteUser?: string;
  privateKeyFile?: string;
  /** transport: the default connection (smart, ssh, local...) */
  transport?: string;
  hostKeyChecking: boolean;
  privateRoleVars: boolean;
  /** show_custom_stats: the recap shows set_stats data (CUSTOM STATS) */
  showCustomStats: boolean;
  /** action_warnings: modules' warnings are shown (default true) */
  actionWarnings: boolean;
  /** deprecation_warnings: modules' deprecations are shown (default true) */
  deprecationWarnings: boolean;
  /** timeout: the SSH connect timeout in seconds */
  timeout?: number;
  become: boolean;
  becomeMethod: string;
  becomeUser?: string;
  becomeFlags?: string;
  becomeExe?: string;
  becomeAskPass: boolean;
  /** vault_password_file, vault_identity_list, vault_identity */
  vaultPasswordFile?: string;
  vaultIdentityList: string[];
  vaultIdentity: string;
  /** warnings to print before the run, worded as Ansible's */
  warnings: string[];
}

export interface ConfigWhere {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  home?: string;
  /** /etc/ansible/ansible.cfg (tests point it elsewhere) */
  systemFile?: string;
}

type Kind = 'string' | 'bool' | 'int' | 'path' | 'pathspec' | 'pathlist' | 'list';
interface Setting {
  section: string;
  key: string;
  env: string;
  kind: Kind;
}

const SETTINGS = {
  rolesPath: { section: 'defaults', key: 'roles_path', env: 'ANSIBLE_ROLES_PATH', kind: 'pathspec' },
  library: { section: 'defaults', key: 'library', env: 'ANSIBLE_LIBRARY', kind: 'pathspec' },
  moduleUtils: { section: 'defaults', key: 'module_utils', env: 'ANSIBLE_MODULE_UTILS', kind: 'pathspec' },
  inventory: { section: 'defaults', key: 'inventory', env: 'ANSIBLE_INVENTORY', kind: 'pathlist' },
  forks: { section: 'defaults', key: 'forks', env: 'ANSIBLE_FORKS', kind: 'int' },
  remoteUser: { section: 'defaults', key: 'remote_user', env: 'ANSIBLE_REMOTE_USER', kind: 'string' },
  transport: { section: 'defaults', key: 'transport', env: 'ANSIBLE_TRANSPORT', kind: 'string' },
  privateKeyFile: { section: 'defaults', key: 'private_key_file', env: 'ANSIBLE_PRIVATE_KEY_FILE', kind: 'path' },
  hostKeyChecking: { section: 'defaults', key: 'host_key_checking', env: 'ANSIBLE_HOST_KEY_CHECKING', kind: 'bool' },
  privateRoleVars: { section: 'defaults', key: 'private_role_vars', env: 'ANSIBLE_PRIVATE_ROLE_VARS', kind: 'bool' },
  showCustomStats: { section: 'defaults', key: 'show_custom_stats', env: 'ANSIBLE_SHOW_CUSTOM_STATS', kind: 'bool' },
  actionWarnings: { section: 'defaults', key: 'action_warnings', env: 'ANSIBLE_ACTION_WARNINGS', kind: 'bool' },
  deprecationWarnings: { section: 'defaults', key: 'deprecation_warnings', env: 'ANSIBLE_DEPRECATION_WARNINGS', kind: 'bool' },
  timeout: { section: 'defaults', key: 'timeout', env: 'ANSIBLE_TIMEOUT', kind: 'int' },
  become: { section: 'privilege_escalation', key: 'become', env: 'ANSIBLE_BECOME', kind: 'bool' },
  becomeMethod: { section: 'privilege_escalation', key: 'become_method', env: 'ANSIBLE_BECOME_METHOD', kind: 'string' },
  becomeUser: { section: 'privilege_escalation', key: 'become_user', env: 'ANSIBLE_BECOME_USER', kind: 'string' },
  becomeAskPass: { section: 'privilege_escalation', key: 'become_ask_pass', env: 'ANSIBLE_BECOME_ASK_PASS', kind: 'bool' },
  becomeFlags: { section: 'privilege_escalation', key: 'become_flags', env: 'ANSIBLE_BECOME_FLAGS', kind: 'string' },
  becomeExe: { section: 'privilege_escalation', key: 'become_exe', env: 'ANSIBLE_BECOME_EXE', kind: 'string' },
  vaultPasswordFile: { section: 'defaults', key: 'vault_password_file', env: 'ANSIBLE_VAULT_PASSWORD_FILE', kind: 'path' },
  vaultIdentityList: { section: 'defaults', key: 'vault_identity_list', env: 'ANSIBLE_VAULT_IDENTITY_LIST', kind: 'list' },
  vaultIdentity: { section: 'defaults', key: 'vault_identity', env: 'ANSIBLE_VAULT_IDENTITY', kind: 'string' },
} satisfies Record<string, Setting>;

const readable = (p: string) => {
  try {
    accessSync(p, constants.R_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
};

/** The config file Ansible would read, and the warnings it would give. */
export function findConfigFile(w: ConfigWhere): { file?: string; warnings: string[] } {
  const home = w.home ?? homedir();
  const cwd = w.cwd ?? process.cwd();
  const tries: string[] = [];
  const warnings: string[] = [];
  const fromEnv = w.env.ANSIBLE_CONFIG;
  let envPath: string | undefined;
  if (fromEnv !== undefined) {
    envPath = expandPath(fromEnv, cwd, w.env, home);
    if (existsSync(envPath) && statSync(envPath).isDirectory()) envPath = join(envPath, 'ansible.cfg');
    tries.push(envPath);
  }
  let worldWritable = false;
  try {
    if (statSync(cwd).mode & 0o002) worldWritable = existsSync(join(cwd, 'ansible.cfg'));
    else tries.push(join(cwd, 'ansible.cfg'));
  } catch {
    // an unreadable current folder is no config source
  }
  tries.push(join(home, '.ansible.cfg'), w.systemFile ?? '/etc/ansible/ansible.cfg');
  const file = tries.find(readable);
  if (worldWritable && file !== envPath) {
    warnings.push(`Ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source.`);
  }
  return { file, warnings };
}

/** Python configparser's INI dialect as Ansible uses it: section -> key (lower case) -> value. */
export function parseIni(text: string, file: string): Record<string, Record<string, { value: string; line: number }>> {
  const out: Record<string, Record<string, { value: string; line: number }>> = {};
  let section: string | undefined;
  let last: { value: string; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    if (/^\s*([#;].*)?$/.test(raw)) {
      last = undefined;
      return;
    }
    if (/^\s/.test(raw) && last) {
      last.value += '\n' + stripComment(raw).trim(); // continuation line
      return;
    }
    const head = /^\[([^\]]+)\]/.exec(raw);
    if (head) {
      section = head[1];
      out[section] ??= {};
      last = undefined;
      return;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw);
    if (!kv || section === undefined) {
      throw new KbsError('USAGE', section === undefined ? 'ansible.cfg: a setting before any [section]' : `ansible.cfg: cannot read "${raw.trim()}"`, {
        pos: { file, line, col: 1 },
        hint: 'write settings as key = value under a section such as [defaults]',
      });
    }
    last = { value: stripComment(kv[2]).trim(), line };
    out[section][kv[1].trim().toLowerCase()] = last;
  });
  return out;
}

/** configparser's inline_comment_prefixes=(';',): a ';' after whitespace starts a comment */
function stripComment(v: string): string {
  const m = /\s;/.exec(v);
  return m ? v.slice(0, m.index) : v;
}

function expandPath(p: string, base: string, env: NodeJS.ProcessEnv, home: string): string {
  let v = p.replace(/\$(\w+)|\$\{(\w+)\}/g, (all, a: string | undefined, b: string | undefined) => env[(a ?? b)!] ?? all);
  if (v === '~' || v.startsWith('~/')) v = home + v.slice(1);
  return isAbsolute(v) ? resolve(v) : resolve(base, v);
}

const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);

/** Read the settings kbs honours; a value that is not of its type is an error naming the file and line. */
export function readAnsibleConfig(w: ConfigWhere): AnsibleConfig {
  const home = w.home ?? homedir();
  const cwd = w.cwd ?? process.cwd();
  const found = findConfigFile(w);
  const ini = found.file ? parseIni(readFileSync(found.file, 'utf8'), found.file) : {};
  const get = (s: Setting): unknown => {
    const fromEnv = w.env[s.env];
    const fromFile = ini[s.section]?.[s.key];
    const raw = fromEnv ?? fromFile?.value;
    if (raw === undefined) return undefined;
    const base = fromEnv !== undefined ? cwd : dirname(found.file!);
    const where = fromEnv !== undefined ? `environment variable ${s.env}` : `${s.key} in [${s.section}]`;
    const pos = fromEnv !== undefined ? undefined : { file: found.file!, line: fromFile!.line, col: 1 };
    switch (s.kind) {
      case 'bool':
        return TRUE.has(raw.trim().toLowerCase());
      case 'int': {
        if (!/^\s*-?\d+\s*$/.test(raw)) throw new KbsError('USAGE', `${where} must be an integer, got "${raw}"`, { pos, hint: 'Ansible refuses it too' });
        return parseInt(raw, 10);
      }
      case 'path':
        return expandPath(raw.trim(), base, w.env, home);
      case 'pathspec':
        return raw.split(':').filter((x) => x.trim() !== '').map((x) => expandPath(x.trim(), base, w.env, home));
      case 'pathlist':
        return raw.split(',').filter((x) => x.trim() !== '').map((x) => expandPath(x.trim(), base, w.env, home));
      case 'list':
        return raw.split(',').map((x) => x.trim()).filter(Boolean);
      default:
        return raw.trim();
    }
  };
  const ansibleHome = w.env.ANSIBLE_HOME ? expandPath(w.env.ANSIBLE_HOME, cwd, w.env, home) : join(home, '.ansible');
  return {
    file: found.file,
    rolesPath: (get(SETTINGS.rolesPath) as string[] | undefined) ?? [join(ansibleHome, 'roles'), '/usr/share/ansible/roles', '/etc/ansible/roles'],
    library: (get(SETTINGS.library) as string[] | undefined) ?? [join(ansibleHome, 'plugins', 'modules'), '/usr/share/ansible/plugins/modules'],
    moduleUtils: (get(SETTINGS.moduleUtils) as string[] | undefined) ?? [join(ansibleHome, 'plugins', 'module_utils'), '/usr/share/ansible/plugins/module_utils'],
    inventory: get(SETTINGS.inventory) as string[] | undefined,
    forks: get(SETTINGS.forks) as number | undefined,
    remoteUser: get(SETTINGS.remoteUser) as string | undefined,
    transport: get(SETTINGS.transport) as string | undefined,
    privateKeyFile: get(SETTINGS.privateKeyFile) as string | undefined,
    hostKeyChecking: (get(SETTINGS.hostKeyChecking) as boolean | undefined) ?? true,
    privateRoleVars: (get(SETTINGS.privateRoleVars) as boolean | undefined) ?? false,
    showCustomStats: (get(SETTINGS.showCustomStats) as boolean | undefined) ?? false,
    actionWarnings: (get(SETTINGS.actionWarnings) as boolean | undefined) ?? true,
    deprecationWarnings: (get(SETTINGS.deprecationWarnings) as boolean | undefined) ?? true,
    timeout: get(SETTINGS.timeout) as number | undefined,
    become: (get(SETTINGS.become) as boolean | undefined) ?? false,
    becomeMethod: (get(SETTINGS.becomeMethod) as string | undefined) ?? 'sudo',
    becomeUser: get(SETTINGS.becomeUser) as string | undefined,
    becomeAskPass: (get(SETTINGS.becomeAskPass) as boolean | undefined) ?? false,
    becomeFlags: get(SETTINGS.becomeFlags) as string | undefined,
    becomeExe: get(SETTINGS.becomeExe) as string | undefined,
    vaultPasswordFile: get(SETTINGS.vaultPasswordFile) as string | undefined,
    vaultIdentityList: (get(SETTINGS.vaultIdentityList) as string[] | undefined) ?? [],
    vaultIdentity: (get(SETTINGS.vaultIdentity) as string | undefined) || 'default',
    warnings: found.warnings,
  };
}

/** become settings kbs cannot follow: refused before any host is touched */
export function checkBecomeConfig(cfg: AnsibleConfig): void {
  const where = cfg.file ?? 'the environment';
  if (cfg.becomeMethod !== 'sudo') {
    throw new KbsError('USAGE', `become_method "${cfg.becomeMethod}" (${where}) is not supported`, {
      hint: 'kbs becomes another user with sudo only; set become_method = sudo or remove it (ANSIBLE_BECOME_METHOD)',
    });
  }
  if (cfg.becomeAskPass) {
    throw new KbsError('USAGE', `become_ask_pass (${where}): kbs does not prompt for the become password`, {
      hint: 'give it as ansible_become_password (e.g. -e @secrets.yml), or set become_ask_pass = false',
    });
  }
}
