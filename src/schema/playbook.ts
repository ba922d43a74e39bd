/**
 * JSON Schemas of playbooks: plays, task/block keywords, import_playbook entries, include/import
 * arguments. `expect` (a kbs annotation, ignored by ajv) words the error when a value is wrong.
 */

/** a string holding Jinja2 markup: accepted wherever a value may be computed at run time */
export const TEMPLATE = { type: 'string', pattern: '\\{\\{|\\{%' } as const;

const cond = { type: ['string', 'boolean', 'array'], items: { type: ['string', 'boolean'] }, expect: 'a condition (string, boolean or list)' };
const flag = { type: ['boolean', 'string'], expect: 'a boolean or a template' };
const strList = { type: ['string', 'array'], items: { type: 'string' }, expect: 'a string or a list of strings' };
const tagList = { type: ['string', 'number', 'array'], items: { type: ['string', 'number'] }, expect: 'a string or a list of strings' };
const mapping = { type: ['object', 'null'], expect: 'a mapping (key: value lines)' };
const intOrTemplate = { anyOf: [{ type: 'integer', minimum: 0 }, TEMPLATE], expect: 'a whole number or a template' };
const numOrTemplate = { anyOf: [{ type: 'number', minimum: 0 }, TEMPLATE], expect: 'a number or a template' };

/** `with_<lookup>:` loops kbs runs (besides with_items / with_list): each names a lookup plugin */
export const WITH_LOOKUPS = [
  'dict', 'sequence', 'together', 'nested', 'subelements', 'first_found', 'fileglob', 'indexed_items',
  'inventory_hostnames', 'flattened', 'file', 'env', 'template', 'vars', 'password', 'varnames', 'pipe', 'lines',
  'random_choice', 'ini', 'csvfile', 'url',
] as const;

/** keywords plays and tasks share with the same form */
const becomeFlagsKw = { type: 'string', expect: 'sudo options, e.g. "-E"' };
const becomeExeKw = { type: 'string', expect: 'the path of sudo' };
const debuggerKw = { type: 'string', enum: ['always', 'never', 'on_failed', 'on_unreachable', 'on_skipped'], expect: 'always, never, on_failed, on_unreachable or on_skipped' };

/** Keywords of tasks (and of blocks/includes/imports, which allow a subset). */
export const taskKeywordProps: Record<string, object> = {
  name: { type: ['string', 'number'], expect: 'a string' },
  when: cond,
  loop: { type: ['string', 'array'], expect: 'a list or a template' },
  with_items: { type: ['string', 'array'], expect: 'a list or a template' },
  with_list: { type: ['string', 'array'], expect: 'a list or a template' },
  ...Object.fromEntries(WITH_LOOKUPS.map((l) => [`with_${l}`, { type: ['string', 'array', 'object', 'number'], expect: 'the terms of the lookup (a string, a list or a mapping)' }])),
  loop_control: {
    type: 'object',
    additionalProperties: false,
    properties: {
      loop_var: { type: 'string' },
      index_var: { type: 'string' },
      label: { type: ['string', 'number'] },
      pause: numOrTemplate,
      extended: flag,
      extended_allitems: flag,
    },
  },
  // Ansible's isidentifier(): a Python identifier that is not a keyword (ASCII only)
  register: {
    type: 'string',
    pattern: '^(?!(?:False|None|True|and|as|assert|async|await|break|class|continue|def|del|elif|else|except|finally|for|from|global|if|import|in|is|lambda|nonlocal|not|or|pass|raise|return|try|while|with|yield)$)[A-Za-z_][A-Za-z0-9_]*$',
    expect: 'a variable name (letters, digits and _, not starting with a digit, not a Python keyword such as "as" or "None")',
  },
  changed_when: cond,
  failed_when: cond,
  until: cond,
  retries: intOrTemplate,
  delay: numOrTemplate,
  timeout: intOrTemplate,
  ignore_errors: flag,
  ignore_unreachable: flag,
  notify: strList,
  tags: tagList,
  become: flag,
  become_user: { type: 'string' },
  become_method: { type: 'string' },
  become_flags: becomeFlagsKw,
  become_exe: becomeExeKw,
  remote_user: { type: 'string', expect: 'a user name or a template' },
  port: intOrTemplate,
  collections: { type: 'array', items: { type: 'string' }, expect: 'a list of collection names' },
  debugger: debuggerKw,
  environment: { type: ['object', 'string'], expect: 'a mapping or a template' },
  run_once: flag,
  delegate_to: { type: 'string' },
  no_log: flag,
  check_mode: flag,
  diff: flag,
  vars: mapping,
  any_errors_fatal: flag,
  throttle: intOrTemplate,
  delegate_facts: flag,
  connection: { type: 'string', expect: 'a connection type (local, ssh) or a template' },
  async: intOrTemplate,
  poll: intOrTemplate,
  module_defaults: { type: ['object', 'array', 'string'], expect: 'a mapping of module name to default arguments (or a list of them)' },
  listen: strList,
  args: { type: ['object', 'string'], expect: 'a mapping' },
  action: { type: ['string', 'object'], expect: 'a module name with arguments' },
  local_action: { type: ['string', 'object'], expect: 'a module name with arguments' },
};

/** Validates the keyword part of a task (module keys are checked separately). */
export const taskKeywordsSchema = { type: 'object', properties: taskKeywordProps };

/** Keywords allowed on block:, import_tasks:, import_role: and roles: entries. */
export const BLOCK_KEYWORDS = [
  'name', 'when', 'become', 'become_user', 'become_method', 'tags', 'vars', 'environment', 'ignore_errors',
  'ignore_unreachable', 'any_errors_fatal', 'delegate_to', 'run_once', 'no_log', 'check_mode', 'diff',
  'notify', 'delegate_facts', 'throttle', 'timeout', 'module_defaults', 'connection',
  'remote_user', 'port', 'become_flags', 'become_exe', 'collections', 'debugger',
] as const;

const serialItem = { anyOf: [{ type: 'integer', minimum: 0 }, { type: 'string', pattern: '^\\s*(\\d+(\\.\\d+)?\\s*%?|.*\\{\\{.*)\\s*$' }], expect: 'a number, a percentage ("30%") or a template' };

export const playSchema = {
  type: 'object',
  required: ['hosts'],
  additionalProperties: false,
  properties: {
    name: { type: ['string', 'number'], expect: 'a string' },
    hosts: { type: ['string', 'array'], items: { type: 'string' }, expect: 'a host pattern or a list of patterns' },
    vars: { anyOf: [mapping, { type: 'array', items: { type: 'object' } }], expect: 'a mapping (key: value lines) or a list of mappings' },
    vars_files: { type: ['string', 'array', 'null'], items: { type: 'string' }, expect: 'a list of file names' },
    vars_prompt: {
      type: 'array',
      expect: 'a list of prompts (name, prompt, default, private, confirm, encrypt, salt_size, salt, unsafe)',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name'],
        properties: {
          name: { type: 'string' },
          prompt: { type: ['string', 'number'] },
          default: {},
          private: flag,
          confirm: flag,
          encrypt: { type: 'string' },
          salt_size: { type: 'integer', minimum: 1 },
          salt: { type: 'string' },
          unsafe: flag,
        },
      },
    },
    gather_facts: { type: 'boolean', expect: 'a boolean (true/false)' },
    gather_subset: strList,
    gather_timeout: { type: 'number' },
    become: flag,
    become_user: { type: 'string' },
    become_method: { type: 'string' },
    become_flags: becomeFlagsKw,
    become_exe: becomeExeKw,
    port: intOrTemplate,
    debugger: debuggerKw,
    serial: { anyOf: [serialItem, { type: 'array', items: serialItem }], expect: 'a number, a percentage or a list of them' },
    any_errors_fatal: flag,
    run_once: flag,
    throttle: intOrTemplate,
    timeout: intOrTemplate,
    module_defaults: { type: ['object', 'array', 'string'], expect: 'a mapping of module name to default arguments (or a list of them)' },
    max_fail_percentage: { anyOf: [{ type: 'number', minimum: 0, maximum: 100 }, { type: 'string', pattern: '^\\s*\\d+(\\.\\d+)?\\s*%?\\s*$' }], expect: 'a number from 0 to 100' },
    roles: { type: ['array', 'null'], expect: 'a list of roles' },
    pre_tasks: { type: ['array', 'null'], expect: 'a list of tasks' },
    tasks: { type: ['array', 'null'], expect: 'a list of tasks' },
    post_tasks: { type: ['array', 'null'], expect: 'a list of tasks' },
    handlers: { type: ['array', 'null'], expect: 'a list of handlers' },
    tags: tagList,
    environment: { type: ['object', 'string'], expect: 'a mapping or a template' },
    strategy: { type: 'string' },
    connection: { type: 'string', enum: ['ssh', 'smart', 'local', 'paramiko'] },
    remote_user: { type: 'string' },
    check_mode: flag,
    diff: flag,
    no_log: flag,
    ignore_errors: flag,
    ignore_unreachable: flag,
    force_handlers: { type: 'boolean', expect: 'a boolean (true/false)' },
    collections: { type: 'array', items: { type: 'string' } },
  },
};

export const importPlaybookSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['import_playbook'],
  properties: {
    import_playbook: { type: 'string', expect: 'a file name' },
    name: { type: 'string' },
    vars: mapping,
    tags: tagList,
    when: cond,
  },
};

export const includeTasksArgsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['file'],
  properties: {
    file: { type: 'string', expect: 'a file name' },
    apply: { type: 'object', expect: 'a mapping of keywords' },
  },
};

export const importTasksArgsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['file'],
  properties: { file: { type: 'string', expect: 'a file name' } },
};

const roleArgProps = {
  name: { type: 'string', expect: 'a role name' },
  tasks_from: { type: 'string' },
  vars_from: { type: 'string' },
  defaults_from: { type: 'string' },
  handlers_from: { type: 'string' },
  public: flag,
  allow_duplicates: flag,
  rolespec_validate: flag,
};

export const includeRoleArgsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { ...roleArgProps, apply: { type: 'object', expect: 'a mapping of keywords' } },
};

export const importRoleArgsSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: roleArgProps,
};
