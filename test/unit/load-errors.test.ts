import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import '../fixtures/playbooks/fake-modules.js';
import { KbsError } from '../../src/errors.js';
import { loadPlaybook } from '../../src/load/playbook.js';

/** Write `files` into a fresh folder, load site.yml; return [code, where (relative), message, hint]. */
function failure(files: Record<string, string>, opts = {}): [string, string, string, string | undefined] {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-load-err-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, name)), { recursive: true });
      writeFileSync(join(dir, name), text);
    }
    try {
      loadPlaybook(join(dir, 'site.yml'), opts);
    } catch (e) {
      if (!(e instanceof KbsError)) throw e;
      const strip = (s: string | undefined) => s?.split(dir + '/').join('').split(dir).join('.');
      return [e.code, strip(e.where())!, strip(e.message)!, strip(e.hint)];
    }
    assert.fail('the playbook loaded without error');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const play = (tasks: string) => `- hosts: all\n  tasks:\n${tasks}`;

test('unknown module: did you mean, at the key', () => {
  assert.deepEqual(failure({ 'site.yml': play('    - name: edit\n      lineinfil:\n        path: /x\n') }), [
    'SCHEMA',
    'site.yml:4:7',
    'unknown module or keyword "lineinfil"',
    'did you mean lineinfile?',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - debug: msg=x\n      registr: out\n') }), [
    'SCHEMA',
    'site.yml:4:7',
    'unknown module or keyword "registr"',
    'did you mean register?',
  ]);
});

test('unknown play keyword: did you mean, at the key', () => {
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n  gather_fact: no\n  tasks: []\n' }), [
    'SCHEMA',
    'site.yml:2:3',
    'unknown key "gather_fact" in play',
    'did you mean gather_facts?',
  ]);
});

test('wrong keyword types, at the value', () => {
  assert.deepEqual(failure({ 'site.yml': play('    - debug: msg=x\n      register: 1bad\n') }), [
    'SCHEMA',
    'site.yml:4:17',
    '"register" in task must be a variable name (letters, digits and _, not starting with a digit, not a Python keyword such as "as" or "None")',
    undefined,
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - debug: msg=x\n      retries: many\n') }), [
    'SCHEMA',
    'site.yml:4:16',
    '"retries" in task must be a whole number or a template',
    undefined,
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - debug: msg=x\n      when:\n        a: 1\n') }), [
    'SCHEMA',
    'site.yml:5:9',
    '"when" in task must be a condition (string, boolean or list)',
    undefined,
  ]);
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n  serial: lots\n' }), [
    'SCHEMA',
    'site.yml:2:11',
    '"serial" in play must be a number, a percentage or a list of them',
    undefined,
  ]);
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n  vars: [a, b]\n' }), [
    'SCHEMA',
    'site.yml:2:10',
    '"vars" in play must be a mapping (key: value lines) or a list of mappings',
    'write name: value pairs under vars:',
  ]);
});

test('YAML syntax errors point at the line', () => {
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n  tasks:\n    - debug: msg=a\n     - debug: msg=b\n' }), [
    'YAML',
    'site.yml:4:6',
    'YAML syntax error: All sequence items must start at the same column',
    'check the indentation and the ":" after keys',
  ]);
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n  hosts: web\n' }), [
    'YAML',
    'site.yml:2:3',
    'YAML syntax error: Map keys must be unique',
    'a key appears twice in the same mapping; remove one',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - debug:\n        msg: {{ x }}\n') }), [
    'YAML',
    'site.yml:4:14',
    'YAML syntax error: a value starting with "{{" was read as a mapping',
    'quote the whole value: key: "{{ var }}"',
  ]);
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n\ttasks: []\n' }), [
    'YAML',
    'site.yml:2:2',
    'YAML syntax error: Unexpected scalar at node end',
    'indent with spaces: YAML does not allow tabs for indentation',
  ]);
  // errors in files read later (task files, role files) point into them
  assert.deepEqual(failure({ 'site.yml': play('    - import_tasks: t.yml\n'), 't.yml': '- debug: msg=a\n  debug: msg=b\n' }).slice(0, 2), [
    'YAML',
    't.yml:2:3',
  ]);
});

test('missing role: searched folders and did you mean', () => {
  assert.deepEqual(
    failure({ 'site.yml': '- hosts: all\n  roles:\n    - webb\n', 'roles/web/tasks/main.yml': '- debug: msg=x\n' }, { rolesPath: ['more'] }),
    ['NOT_FOUND', 'site.yml:3:7', 'role "webb" not found', 'did you mean web? searched roles, more, .'],
  );
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n  roles:\n    - role: nothing\n      when: x\n' }), [
    'NOT_FOUND',
    'site.yml:3:13',
    'role "nothing" not found',
    'searched roles, .',
  ]);
});

test('missing task files and playbooks', () => {
  assert.deepEqual(failure({ 'site.yml': play('    - import_tasks: nope.yml\n') }), [
    'NOT_FOUND',
    'site.yml:3:21',
    'task file "nope.yml" not found',
    'looked for nope.yml',
  ]);
  assert.deepEqual(failure({ 'site.yml': '- import_playbook: other.yml\n' }), [
    'NOT_FOUND',
    'site.yml:1:20',
    'playbook "other.yml" not found',
    'looked for other.yml',
  ]);
  assert.deepEqual(
    failure({
      'site.yml': '- hosts: all\n  roles: [r]\n',
      'roles/r/tasks/main.yml': '- import_tasks: sub/missing.yml\n',
    }),
    ['NOT_FOUND', 'roles/r/tasks/main.yml:1:17', 'task file "sub/missing.yml" not found', 'looked for roles/r/tasks/sub/missing.yml'],
  );
});

test('one module per task', () => {
  assert.deepEqual(failure({ 'site.yml': play('    - copy: src=a dest=b\n      file: path=/x\n') }), [
    'SCHEMA',
    'site.yml:4:7',
    'a task has one module, this one has "copy" and "file"',
    'split them into two tasks (or check the indentation of the arguments)',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - name: nothing to do\n      when: x\n') }), [
    'SCHEMA',
    'site.yml:3:7',
    'task "nothing to do" has no module',
    'add the module to run (e.g. command:, copy:, apt:) or check the indentation',
  ]);
});

test('module arguments: unknown, missing, wrong type; templates pass type checks', () => {
  assert.deepEqual(failure({ 'site.yml': play('    - copy:\n        src: a\n        dst: /b\n') }), [
    'SCHEMA',
    'site.yml:5:9',
    'unknown argument "dst" in module "copy"',
    'did you mean dest?',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - copy: src=a dst=/b\n') }), [
    'SCHEMA',
    'site.yml:3:13',
    'unknown argument "dst" in module "copy"',
    'did you mean dest?',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - copy: src=a\n') }), [
    'SCHEMA',
    'site.yml:3:13',
    'module "copy" is missing the required argument "dest"',
    'add "dest:"',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - copy: dest=/b\n      args:\n        srcc: a\n') }), [
    'SCHEMA',
    'site.yml:5:9',
    'unknown argument "srcc" in module "copy"',
    'did you mean src?',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - kbs_test_strict:\n        name: x\n        count: many\n') }), [
    'SCHEMA',
    'site.yml:5:16',
    '"count" in module "kbs_test_strict" must be an integer',
    undefined,
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - kbs_test_strict:\n        name: x\n        state: gone\n') }), [
    'SCHEMA',
    'site.yml:5:16',
    '"state" in module "kbs_test_strict" must be one of: present, absent',
    undefined,
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - file: /x state=touch\n') }), [
    'SCHEMA',
    'site.yml:3:13',
    'module "file" does not take free-form text: "/x"',
    'give arguments as key=value words or as a mapping (key: value lines under file:)',
  ]);
});

test('template values are not type-checked; k=v strings are converted to the wanted type', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-load-ok-'));
  writeFileSync(
    join(dir, 'site.yml'),
    play(
      '    - kbs_test_strict:\n        name: x\n        count: "{{ n }}"\n        state: "{{ s }}"\n        items: ["{{ a }}", 2]\n        flag: "{% if x %}true{% endif %}"\n' +
        '    - kbs_test_strict: name=y count=3 flag=yes items=1,2\n',
    ),
  );
  const tasks = loadPlaybook(join(dir, 'site.yml')).plays[0].tasks as { args: unknown }[];
  assert.deepEqual(tasks[0].args, { name: 'x', count: '{{ n }}', state: '{{ s }}', items: ['{{ a }}', 2], flag: '{% if x %}true{% endif %}' });
  assert.deepEqual(tasks[1].args, { name: 'y', count: 3, flag: true, items: [1, 2] });
  rmSync(dir, { recursive: true });
});

test('unsupported keywords and settings say what to do instead', () => {
  const random = failure({ 'site.yml': play('    - debug: msg={{ item }}\n      with_cartesian: [[a], [b]]\n') });
  assert.deepEqual(random.slice(0, 3), ['SCHEMA', 'site.yml:4:7', '"with_cartesian" is not supported']);
  assert.match(String(random[3]), /kbs runs with_<lookup> for: items, list, dict, sequence/);
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n  strategy: free\n' }), [
    'SCHEMA',
    'site.yml:2:13',
    'strategy "free" is not supported',
    'kbs runs each task on all hosts of a batch before the next task (linear); remove strategy:',
  ]);
  // vars_prompt is supported; an entry without a name is refused where it is
  const prompt = failure({ 'site.yml': '- hosts: all\n  vars_prompt:\n    - prompt: pw\n' });
  assert.deepEqual(prompt.slice(0, 2), ['SCHEMA', 'site.yml:3:7']);
  assert.match(String(prompt[2]), /name/);
  assert.deepEqual(failure({ 'site.yml': play('    - debug: msg=x\n      become_method: su\n') }), [
    'SCHEMA',
    'site.yml:4:7',
    'become_method "su" is not supported',
    'kbs becomes another user with sudo only; remove become_method or set it to sudo',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - import_playbook: x.yml\n') }), [
    'SCHEMA',
    'site.yml:3:7',
    'import_playbook can only be used at the top level of a playbook',
    'move it out of the task list: "- import_playbook: file.yml" next to the plays',
  ]);
  // debugger is accepted (and has no effect); its value is checked
  assert.deepEqual(failure({ 'site.yml': play('    - command: sleep 100\n      debugger: sometimes\n') }), [
    'SCHEMA',
    'site.yml:4:17',
    '"debugger" in task must be always, never, on_failed, on_unreachable or on_skipped',
    undefined,
  ]);
});

test('blocks, imports, handlers and notify are checked', () => {
  assert.deepEqual(failure({ 'site.yml': play('    - block:\n        - debug: msg=x\n      loop: [1]\n') }), [
    'SCHEMA',
    'site.yml:5:7',
    '"loop" is not allowed on a block',
    'to repeat several tasks, put them in a file and use include_tasks: with loop:',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - import_tasks: t.yml\n      loop: [1]\n'), 't.yml': '- debug: msg=x\n' }), [
    'SCHEMA',
    'site.yml:4:7',
    '"loop" cannot be used with import_tasks',
    'import_tasks is expanded before the run; use include_tasks to loop',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - import_tasks: t.yml\n'), 't.yml': '- import_tasks: t2.yml\n', 't2.yml': '- import_tasks: t.yml\n' }), [
    'SCHEMA',
    't2.yml:1:17',
    'task file t.yml imports itself',
    'import chain: t.yml -> t2.yml -> t.yml',
  ]);
  assert.deepEqual(failure({ 'site.yml': play('    - debug: msg=x\n      listen: y\n') }), [
    'SCHEMA',
    'site.yml:4:7',
    '"listen" is only allowed on handlers',
    'move this task under handlers:',
  ]);
  assert.deepEqual(
    failure({ 'site.yml': play('    - debug: msg=x\n      notify: restart ngnix\n') + '  handlers:\n    - name: restart nginx\n      debug: msg=r\n' }),
    ['SCHEMA', 'site.yml:4:15', 'no handler named "restart ngnix" in this play', 'did you mean "restart nginx"?'],
  );
  assert.deepEqual(
    failure({ 'site.yml': '- hosts: all\n  handlers:\n    - name: h\n      debug: msg=1\n    - name: h\n      debug: msg=2\n' }),
    ['SCHEMA', 'site.yml:5:13', 'handler "h" is defined twice', 'handler names must be unique; to run several handlers on one notification give them the same listen: topic'],
  );
  assert.deepEqual(failure({ 'site.yml': play('    - local_action: command echo\n      delegate_to: db\n') }), [
    'SCHEMA',
    'site.yml:4:7',
    'local_action and delegate_to cannot be used together',
    'local_action already runs on localhost; use the module name with delegate_to instead',
  ]);
});

test('plays: hosts required; a task list is not a playbook; errors in imported files point there', () => {
  assert.deepEqual(failure({ 'site.yml': '- name: no hosts\n  tasks: []\n' }), [
    'SCHEMA',
    'site.yml:1:3',
    'play is missing the required key "hosts"',
    'add "hosts:"',
  ]);
  assert.deepEqual(failure({ 'site.yml': '- name: a task\n  debug: msg=x\n' }), [
    'SCHEMA',
    'site.yml:1:3',
    'this looks like a task ("debug"), not a play',
    'a playbook is a list of plays: put tasks under "tasks:" of a play with "hosts:"',
  ]);
  assert.deepEqual(failure({ 'site.yml': '- import_playbook: b.yml\n', 'b.yml': '- hosts: all\n  tasks:\n    - debugg: msg=x\n' }), [
    'SCHEMA',
    'b.yml:3:7',
    'unknown module or keyword "debugg"',
    'did you mean debug?',
  ]);
  assert.deepEqual(failure({ 'site.yml': '- hosts: all\n  roles: [r]\n', 'roles/r/defaults/main.yml': '- a\n- b\n' }), [
    'SCHEMA',
    'roles/r/defaults/main.yml:1:1',
    'defaults/main.yml must be a mapping of variables',
    undefined,
  ]);
});
