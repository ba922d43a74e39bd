import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import '../fixtures/playbooks/fake-modules.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { loadYaml } from '../../src/load/context.js';
import type { BlockNode, IncludeNode, Node, TaskNode } from '../../src/load/model.js';

const FIX = resolve(import.meta.dirname, '../fixtures/playbooks');
const FULL = join(FIX, 'full');

const task = (n: Node | undefined): TaskNode => {
  assert.equal(n?.kind, 'task');
  return n as TaskNode;
};
const block = (n: Node | undefined): BlockNode => {
  assert.equal(n?.kind, 'block');
  return n as BlockNode;
};

const pb = loadPlaybook(join(FULL, 'site.yml'));
const play = pb.plays[0];

test('play keywords load into the model', () => {
  assert.equal(pb.file, join(FULL, 'site.yml'));
  assert.equal(pb.plays.length, 2);
  assert.equal(play.name, 'Web servers');
  assert.equal(play.hosts, 'web,db');
  assert.deepEqual(play.pos, { file: join(FULL, 'site.yml'), line: 2, col: 3 });
  assert.equal(play.baseDir, FULL);
  // YAML 1.1: 0644 is octal, yes is true
  assert.deepEqual(play.vars, { port: 8080, mode: 0o644, flag: true });
  assert.deepEqual(play.varsFiles, [join(FULL, 'vars/common.yml'), 'vars/{{ env }}.yml']);
  assert.equal(play.gatherFacts, false);
  assert.equal(play.become, true);
  assert.equal(play.becomeUser, 'root');
  assert.deepEqual(play.serial, [1, '30%', 5]);
  assert.equal(play.anyErrorsFatal, true);
  assert.equal(play.maxFailPercentage, 20);
  assert.deepEqual(play.tags, ['deploy', 'web']);
  assert.deepEqual(play.environment, { HTTP_PROXY: 'http://proxy:3128' });
  assert.equal(play.remoteUser, 'admin');
  assert.equal(play.checkMode, false);
  assert.equal(play.noLog, false);
});

test('a task with every keyword', () => {
  const t = task(play.tasks[0]);
  assert.equal(t.module, 'copy');
  assert.deepEqual(t.args, { src: 'a.conf', dest: '/etc/a.conf', mode: '{{ file_mode }}' });
  assert.deepEqual(t.pos, { file: join(FULL, 'site.yml'), line: 39, col: 7 });
  assert.deepEqual(t.kw, {
    name: 'every keyword',
    when: ['x is defined', 'y'], // `y` stays a string, as in PyYAML
    loop: '{{ items }}',
    loop_control: { loop_var: 'item2', label: '{{ item2.name }}' },
    register: 'out',
    changed_when: 'out.rc != 0',
    failed_when: false,
    ignore_errors: true,
    notify: ['restart web'],
    tags: ['one', 'two'],
    become: true,
    become_user: 'www',
    environment: { A: '1' },
    retries: 3,
    until: 'out is success',
    delay: 2,
    run_once: true,
    delegate_to: 'db1',
    no_log: true,
    check_mode: false,
    vars: { a: 1 },
    any_errors_fatal: false,
  });
  assert.equal(t.role, undefined);
});

test('k=v args, free-form args with options, action and local_action', () => {
  const file = task(play.tasks[1]);
  assert.equal(file.module, 'file');
  assert.deepEqual(file.args, { path: '/x', state: 'touch', mode: '0644' });
  const shell = task(play.tasks[2]);
  assert.deepEqual(shell.args, { _raw_params: 'echo "a  b" > /tmp/out', creates: '/tmp/out' });
  const pre = task(play.preTasks[0]);
  assert.deepEqual(pre.args, { _raw_params: 'echo hello', chdir: '/tmp' });
  assert.deepEqual(pre.kw, { name: 'say hello', changed_when: false });
  const action = task(play.tasks[3]);
  assert.equal(action.module, 'copy');
  assert.deepEqual(action.args, { src: 'a', dest: 'b' });
  assert.deepEqual(action.kw, {});
  const local = task(play.tasks[4]);
  assert.equal(local.module, 'command');
  assert.deepEqual(local.args, { _raw_params: 'echo local' });
  assert.deepEqual(local.kw, { delegate_to: 'localhost' });
});

test('with_items becomes loop, flattened one level', () => {
  const t = task(play.tasks[5]);
  assert.deepEqual(t.args, { msg: '{{ item }}' });
  assert.deepEqual(t.kw, { loop: ['a', 'b', 'c'] });
});

test('import_tasks is expanded into a block with the import keywords (nested imports too)', () => {
  const b = block(play.tasks[6]);
  assert.deepEqual(b.kw, { when: 'do_common', tags: ['common'] });
  assert.equal(b.block.length, 2);
  const one = task(b.block[0]);
  assert.deepEqual(one.pos, { file: join(FULL, 'tasks/common.yml'), line: 1, col: 3 });
  assert.deepEqual(one.args, { msg: 'one' });
  const nested = block(b.block[1]);
  assert.deepEqual(task(nested.block[0]).pos, { file: join(FULL, 'tasks/nested.yml'), line: 1, col: 3 });
});

test('include_tasks and include_role stay as include nodes', () => {
  const inc = play.tasks[7] as IncludeNode;
  assert.equal(inc.kind, 'include_tasks');
  assert.deepEqual(inc.args, { file: 'tasks/dyn.yml' });
  assert.deepEqual(inc.kw, { loop: [1, 2] });
  assert.equal(inc.baseDir, FULL);
  const role = play.tasks[8] as IncludeNode;
  assert.equal(role.kind, 'include_role');
  assert.deepEqual(role.args, { name: 'base', tasks_from: 'main' });
});

test('block / rescue / always with block keywords', () => {
  const b = block(play.tasks[9]);
  assert.deepEqual(b.kw, { when: 'use_block', become: true, name: 'a block' });
  assert.deepEqual(task(b.block[0]).args, { _raw_params: '/bin/true' });
  assert.deepEqual(task(b.rescue[0]).args, { msg: 'rescued' });
  assert.deepEqual(task(b.always[0]).args, { msg: 'always' });
  assert.deepEqual(b.pos, { file: join(FULL, 'site.yml'), line: 86, col: 7 });
});

test('handlers: play handlers, listen, role handlers first; notify as list', () => {
  assert.deepEqual(
    play.handlers.map((h) => [h.kw.name, h.role?.name, h.listen]),
    [
      ['reload web', 'web', undefined],
      ['restart web', undefined, undefined],
      ['other', undefined, ['web changed']],
    ],
  );
  assert.deepEqual(play.handlers[1].args, { name: 'web', state: 'restarted' });
  assert.deepEqual(task(play.postTasks[0]).kw.notify, ['restart web', 'web : reload web']);
});

test('import_playbook adds the imported plays with its vars', () => {
  const p2 = pb.plays[1];
  assert.equal(p2.hosts, 'all');
  assert.equal(p2.name, 'all');
  assert.equal(p2.gatherFacts, true);
  assert.deepEqual(p2.vars, { imported: true });
  assert.deepEqual(p2.tags, ['imp']);
  assert.equal(p2.pos.file, join(FULL, 'other.yml'));
  assert.equal(task(p2.tasks[0]).module, 'ping');
  assert.deepEqual(task(p2.tasks[0]).args, {});
});

test('roles: dependencies first, deduplicated, role context on every node', () => {
  assert.equal(play.roles.length, 2);
  const common = block(play.roles[0]);
  assert.equal(common.role?.name, 'common');
  const own = block(common.block[0]);
  assert.equal(own.roleOnce, true);
  assert.equal(task(own.block[0]).role?.name, 'common');

  const web = block(play.roles[1]);
  assert.deepEqual(web.kw, { tags: ['webtag'], when: 'web_enabled', become: true, vars: { listen_port: 81 } });
  const { name, path, defaults, vars, params, entryVars, deps } = web.role!;
  assert.deepEqual(
    { name, path, defaults, vars, params, entryVars, deps: deps?.map((d) => d.name) },
    {
      name: 'web',
      path: join(FULL, 'roles/web'),
      defaults: { listen_port: 80, web_root: '/var/www' },
      vars: { web_user: 'www-data' },
      params: { site_name: 'example' },
      entryVars: { listen_port: 81 },
      deps: ['base', 'common'],
    },
  );
  // the play's roles (Ansible's play.roles): the roles: entries, each once per entry
  assert.deepEqual(play.playRoles?.map((r) => r.name), ['common', 'web']);
  assert.equal(web.role?.deps?.[0].parent, web.role);
  // dependencies: base, common (the play's common again: the same role, its tasks skipped at run
  // time where it already ran), then web's own tasks
  const base = block(web.block[0]);
  assert.equal(base.role?.name, 'base');
  assert.deepEqual(base.role?.defaults, { base_x: 1 });
  assert.equal(task(block(base.block[0]).block[0]).role?.name, 'base');
  assert.equal(block(web.block[1]).role, common.role);
  const mine = block(web.block[2]);
  assert.equal(mine.roleOnce, true);
  const page = task(mine.block[0]);
  assert.equal(page.module, 'template');
  assert.equal(page.role, web.role);
  // import_tasks inside a role: relative to the role's tasks/, nodes carry the role
  const extra = block(mine.block[1]);
  assert.equal(extra.role, web.role);
  assert.equal(task(extra.block[0]).pos.file, join(FULL, 'roles/web/tasks/extra.yml'));
  assert.equal(task(extra.block[0]).role, web.role);
  assert.equal(web.block.length, 3);
});

test('a file used twice is parsed once; a changed file is parsed again; values are copies', () => {
  const f = join(FULL, 'roles/web/defaults/main.yml');
  const a = loadYaml(f);
  const b = loadYaml(f);
  assert.equal(a.doc, b.doc);
  assert.notEqual(a.value, b.value);
  assert.deepEqual(a.value, b.value);
  const dir = mkdtempSync(join(tmpdir(), 'kbs-load-'));
  const g = join(dir, 'x.yml');
  writeFileSync(g, 'a: 1\n');
  assert.deepEqual(loadYaml(g).value, { a: 1 });
  writeFileSync(g, 'a: 22\n');
  assert.deepEqual(loadYaml(g).value, { a: 22 });
  rmSync(dir, { recursive: true });
});

test('more forms: aliases, args: merge, dynamic with_items, import_role, FQCN imports', () => {
  const dir = join(FIX, 'forms');
  const p = loadPlaybook(join(dir, 'site.yml')).plays[0];
  const [alias, merged, dynItems, mixedItems, importRole, includeRole, importTasks, includeTasks, notify, fqcnShell] = p.tasks;
  assert.equal(task(alias).module, 'systemd');
  assert.deepEqual(task(alias).args, { name: 'kubelet', state: 'started' });
  assert.deepEqual(task(merged).args, { src: 'x', dest: '/etc/x' });
  // templates in with_items: flattened by the engine after rendering
  assert.deepEqual(task(dynItems).kw, { with_items: '{{ groups.all }}' });
  assert.deepEqual(task(mixedItems).kw, { with_items: ['{{ a }}', 'b'] });
  const ir = block(importRole);
  assert.deepEqual(ir.kw, { when: 'r_enabled', vars: { v: 1 } });
  assert.equal(ir.role?.name, 'r');
  assert.deepEqual(task(ir.block[0]).args, { msg: 'r-other' });
  assert.deepEqual(ir.pos, { file: join(dir, 'site.yml'), line: 13, col: 7 });
  assert.equal(includeRole.kind, 'include_role');
  assert.deepEqual((includeRole as IncludeNode).args, { name: 'r', tasks_from: 'main' });
  assert.deepEqual(includeRole.kw, { loop: [1, 2] });
  assert.deepEqual(task(block(importTasks).block[0]).args, { msg: 'from-file' });
  assert.deepEqual((includeTasks as IncludeNode).args, { file: '{{ f }}.yml', apply: { tags: ['t'] } });
  assert.deepEqual(includeTasks.kw, { tags: ['always'] });
  assert.deepEqual(task(notify).args, { cmd: 'echo hi' });
  assert.deepEqual(task(fqcnShell).module, 'shell');
  assert.deepEqual(task(fqcnShell).args, { _raw_params: 'cat /etc/{{ name }} | grep -c x=1' });
  // the imported role's handlers join the play
  assert.deepEqual(p.handlers.map((h) => [h.kw.name, h.role?.name]), [['r handler', 'r']]);
});

test('empty vars:, vars_files:, roles: and task vars: are accepted', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-load-'));
  writeFileSync(join(dir, 'site.yml'), '- hosts: all\n  vars:\n  vars_files:\n  roles:\n  tasks:\n    - debug: msg=x\n      vars:\n');
  const p = loadPlaybook(join(dir, 'site.yml')).plays[0];
  assert.deepEqual([p.vars, p.varsFiles, p.roles, p.tasks[0].kw], [{}, [], [], {}]);
  rmSync(dir, { recursive: true });
});
