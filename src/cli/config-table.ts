/**
 * The Ansible configuration settings kbs itself honours, by their Ansible names (what
 * `lookup('config', NAME)` asks for): where Ansible reads each (ini section and key, environment
 * variables, for plugin options the variables), its default and its type. This is kbs's own
 * table, written from ansible-core 2.14's documentation of these settings; other settings are
 * read from the ansible-core installed on the workstation, if any (./config-defs.ts).
 */

/** one setting: the fields of Ansible's definitions that decide its value */
export interface ConfigDef {
  /** bool/boolean, int/integer, float, list, path, pathspec, pathlist, tmppath, str/string, none; undefined: text */
  type?: string;
  default?: unknown;
  /** environment variables, lowest precedence first (the last one set wins) */
  env?: { name: string }[];
  /** ini entries, lowest precedence first */
  ini?: { section: string; key: string }[];
  /** variables (plugin options only), lowest precedence first */
  vars?: { name: string }[];
  choices?: unknown;
}

type Row = [type: string | undefined, dflt: unknown, env: string[], ini: string[], vars?: string[]];

const def = ([type, dflt, env, ini, vars]: Row): ConfigDef => ({
  type,
  default: dflt,
  env: env.map((name) => ({ name })),
  ini: ini.map((s) => {
    const [section, key] = s.split('.');
    return { section, key };
  }),
  ...(vars ? { vars: vars.map((name) => ({ name })) } : {}),
});

const rows = (t: Record<string, Row>): Record<string, ConfigDef> => Object.fromEntries(Object.entries(t).map(([k, r]) => [k, def(r)]));

/** the global settings kbs uses (docs/cli.md, "ansible.cfg") */
export const KBS_SETTINGS: Record<string, ConfigDef> = rows({
  ANSIBLE_HOME: ['path', '~/.ansible', ['ANSIBLE_HOME'], ['defaults.home']],
  DEFAULT_ROLES_PATH: ['pathspec', '{{ ANSIBLE_HOME ~ "/roles:/usr/share/ansible/roles:/etc/ansible/roles" }}', ['ANSIBLE_ROLES_PATH'], ['defaults.roles_path']],
  DEFAULT_MODULE_PATH: ['pathspec', '{{ ANSIBLE_HOME ~ "/plugins/modules:/usr/share/ansible/plugins/modules" }}', ['ANSIBLE_LIBRARY'], ['defaults.library']],
  DEFAULT_MODULE_UTILS_PATH: ['pathspec', '{{ ANSIBLE_HOME ~ "/plugins/module_utils:/usr/share/ansible/plugins/module_utils" }}', ['ANSIBLE_MODULE_UTILS'], ['defaults.module_utils']],
  DEFAULT_HOST_LIST: ['pathlist', '/etc/ansible/hosts', ['ANSIBLE_INVENTORY'], ['defaults.inventory']],
  DEFAULT_FORKS: ['integer', 5, ['ANSIBLE_FORKS'], ['defaults.forks']],
  DEFAULT_REMOTE_USER: [undefined, null, ['ANSIBLE_REMOTE_USER'], ['defaults.remote_user']],
  DEFAULT_TRANSPORT: [undefined, 'smart', ['ANSIBLE_TRANSPORT'], ['defaults.transport']],
  DEFAULT_PRIVATE_KEY_FILE: ['path', null, ['ANSIBLE_PRIVATE_KEY_FILE'], ['defaults.private_key_file']],
  HOST_KEY_CHECKING: ['boolean', true, ['ANSIBLE_HOST_KEY_CHECKING'], ['defaults.host_key_checking']],
  DEFAULT_PRIVATE_ROLE_VARS: ['boolean', false, ['ANSIBLE_PRIVATE_ROLE_VARS'], ['defaults.private_role_vars']],
  SHOW_CUSTOM_STATS: ['bool', false, ['ANSIBLE_SHOW_CUSTOM_STATS'], ['defaults.show_custom_stats']],
  ACTION_WARNINGS: ['boolean', true, ['ANSIBLE_ACTION_WARNINGS'], ['defaults.action_warnings']],
  DEPRECATION_WARNINGS: ['boolean', true, ['ANSIBLE_DEPRECATION_WARNINGS'], ['defaults.deprecation_warnings']],
  DEFAULT_TIMEOUT: ['integer', 10, ['ANSIBLE_TIMEOUT'], ['defaults.timeout']],
  DEFAULT_BECOME: ['boolean', false, ['ANSIBLE_BECOME'], ['privilege_escalation.become']],
  DEFAULT_BECOME_METHOD: [undefined, 'sudo', ['ANSIBLE_BECOME_METHOD'], ['privilege_escalation.become_method']],
  DEFAULT_BECOME_USER: [undefined, 'root', ['ANSIBLE_BECOME_USER'], ['privilege_escalation.become_user']],
  DEFAULT_BECOME_ASK_PASS: ['boolean', false, ['ANSIBLE_BECOME_ASK_PASS'], ['privilege_escalation.become_ask_pass']],
  DEFAULT_BECOME_FLAGS: [undefined, null, ['ANSIBLE_BECOME_FLAGS'], ['privilege_escalation.become_flags']],
  DEFAULT_BECOME_EXE: [undefined, null, ['ANSIBLE_BECOME_EXE'], ['privilege_escalation.become_exe']],
  DEFAULT_VAULT_PASSWORD_FILE: ['path', null, ['ANSIBLE_VAULT_PASSWORD_FILE'], ['defaults.vault_password_file']],
  DEFAULT_VAULT_IDENTITY_LIST: ['list', [], ['ANSIBLE_VAULT_IDENTITY_LIST'], ['defaults.vault_identity_list']],
  DEFAULT_VAULT_IDENTITY: [undefined, 'default', ['ANSIBLE_VAULT_IDENTITY'], ['defaults.vault_identity']],
});

/** plugin options kbs uses: plugin type -> plugin name -> option -> definition */
export const KBS_PLUGIN_SETTINGS: Record<string, Record<string, Record<string, ConfigDef>>> = {
  connection: {
    ssh: rows({
      remote_user: [undefined, null, ['ANSIBLE_REMOTE_USER'], ['defaults.remote_user'], ['ansible_user', 'ansible_ssh_user']],
      port: ['int', null, ['ANSIBLE_REMOTE_PORT'], ['defaults.remote_port'], ['ansible_port', 'ansible_ssh_port']],
      host_key_checking: [
        'boolean',
        true,
        ['ANSIBLE_HOST_KEY_CHECKING', 'ANSIBLE_SSH_HOST_KEY_CHECKING'],
        ['defaults.host_key_checking', 'ssh_connection.host_key_checking'],
        ['ansible_host_key_checking', 'ansible_ssh_host_key_checking'],
      ],
      private_key_file: [undefined, null, ['ANSIBLE_PRIVATE_KEY_FILE'], ['defaults.private_key_file'], ['ansible_private_key_file', 'ansible_ssh_private_key_file']],
      timeout: ['integer', 10, ['ANSIBLE_TIMEOUT', 'ANSIBLE_SSH_TIMEOUT'], ['defaults.timeout', 'ssh_connection.timeout'], ['ansible_ssh_timeout']],
    }),
  },
};
