import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import '../fixtures/playbooks/fake-modules.js';
import { KbsError } from '../../src/errors.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { findRole, loadTaskFile, resolveRole } from '../../src/load/playbook.js';
import type { BlockNode, Node, TaskNode } from '../../src/load/model.js';

const FIX = resolve(import.meta.dirname, '../fixtures/playbooks');
const SEARCH = join(FIX, 'search');
const DUP = join(FIX, 'dup');

/** the debug msg of each task, depth first */
function msgs(nodes: Node[]): string[] {
  return nodes.flatMap((n) => (n.kind === 'block' ? msgs([...n.block, ...n.rescue, ...n.always]) : n.kind === 'task' ? [String(n.args.msg)] : []));
}

test('role search order: playbook roles/ < roles path < builtin < direct path', () => {
  const pb = loadPlaybook(join(SEARCH, 'play.yml'), { rolesPath: ['rp'], builtinRolesDir: join(SEARCH, 'builtin') });
  assert.deepEqual(msgs(pb.plays[0].roles), ['roles/a', 'rp/b', 'builtin/c', 'direct']);
  assert.deepEqual(
    pb.plays[0].roles.map((r) => r.role?.path),
    [join(SEARCH, 'roles/a'), join(SEARCH, 'rp/b'), join(SEARCH, 'builtin/c'), join(SEARCH, 'elsewhere/direct')],
  );
  // without the roles path, b comes from builtin
  const pb2 = loadPlaybook(join(SEARCH, 'play.yml'), { builtinRolesDir: join(SEARCH, 'builtin') });
  assert.deepEqual(msgs(pb2.plays[0].roles), ['roles/a', 'builtin/b', 'builtin/c', 'direct']);
});

test('findRole: missing role lists the folders searched and a close name', () => {
  assert.equal(findRole('a', SEARCH, {}), join(SEARCH, 'roles/a'));
  assert.throws(
    () => findRole('bbb', SEARCH, { rolesPath: ['rp'] }, { file: 'p.yml', line: 3, col: 7 }),
    (e: unknown) => {
      assert.ok(e instanceof KbsError);
      assert.equal(e.code, 'NOT_FOUND');
      assert.equal(e.message, 'role "bbb" not found');
      assert.equal(e.where(), 'p.yml:3:7');
      assert.equal(e.hint, `did you mean b? searched ${join(SEARCH, 'roles')}, ${join(SEARCH, 'rp')}, ${SEARCH}`);
      return true;
    },
  );
});

test('each use of a role is expanded; the same role+params is one RoleContext whose tasks run once (roleOnce) unless allow_duplicates', () => {
  const roles = loadPlaybook(join(DUP, 'play.yml')).plays[0].roles;
  assert.deepEqual(
    roles.map((r) => [r.role?.name, r.role?.params]),
    [
      ['once', {}],
      ['once', {}],
      ['once', { x: 1 }],
      ['twice', {}],
      ['twice', {}],
      ['p1', {}],
      ['p2', {}],
    ],
  );
  assert.deepEqual(msgs(roles), ['once', 'once', 'once', 'twice', 'twice', 'dep', 'dep', 'dep']);
  assert.equal(roles[0].role, roles[1].role);
  assert.notEqual(roles[0].role, roles[2].role);
  // the own tasks of a role that runs once sit in a roleOnce block; allow_duplicates has none
  const own = (b: Node) => (b as BlockNode).block.filter((n): n is BlockNode => n.kind === 'block' && n.roleOnce === true);
  assert.equal(own(roles[0]).length, 1);
  assert.equal(own(roles[0])[0].role, roles[0].role);
  assert.equal(own(roles[3]).length, 0);
  // p1's and p2's dep are the same use of dep; p2's {role: dep, x: 2} another
  const p1 = roles[5] as BlockNode;
  const p2 = roles[6] as BlockNode;
  assert.equal(p2.block.length, 2);
  assert.equal(p1.block[0].role, p2.block[0].role);
  assert.deepEqual(p2.block[1].role?.params, { x: 2 });
});

test('a role dependency cycle is an error naming the chain', () => {
  assert.throws(
    () => loadPlaybook(join(DUP, 'cycle.yml')),
    (e: unknown) => {
      assert.ok(e instanceof KbsError);
      assert.equal(e.code, 'SCHEMA');
      assert.equal(e.message, 'role dependency cycle: cyc1 -> cyc2 -> cyc1');
      assert.equal(e.where(), `${join(DUP, 'roles/cyc2/meta/main.yml')}:1:16`);
      return true;
    },
  );
});

test('resolveRole (run time include_role): dependencies, handlers, tasks_from, apply', () => {
  const full = join(FIX, 'full');
  const handlers: TaskNode[] = [];
  const web = resolveRole('web', full, { handlers });
  assert.equal(web.role?.name, 'web');
  assert.deepEqual(web.kw, {});
  assert.deepEqual(
    web.block.map((n) => (n.kind === 'block' ? `block:${n.role?.name}` : `${n.kind}:${(n as TaskNode).module}`)),
    ['block:base', 'block:common', 'task:template', 'block:web'],
  );
  assert.deepEqual(handlers.map((h) => h.kw.name), ['reload web']);
  const from = resolveRole('web', full, { args: { name: 'web', tasks_from: 'extra', apply: { tags: 'a,b', become: true } } });
  assert.deepEqual(from.kw, { tags: ['a', 'b'], become: true });
  assert.deepEqual(from.block.slice(2).map((n) => (n as TaskNode).module), ['copy']);
  assert.throws(() => resolveRole('web', full, { args: { tasks_from: 'nope' } }), /role file tasks\/nope not found in role web/);
  assert.throws(() => resolveRole('web', full, { args: { apply: { loop: [1] } } }), /"loop" cannot be used in apply/);
  assert.throws(() => resolveRole('wbe', full, { pos: { file: 'x.yml', line: 2, col: 3 } }), (e: unknown) => {
    assert.ok(e instanceof KbsError);
    assert.equal(e.where(), 'x.yml:2:3');
    assert.equal(e.hint, `did you mean web? searched ${join(full, 'roles')}, ${full}`);
    return true;
  });
});

test('loadTaskFile (run time include_tasks): relative to the base dir, then the role tasks/', () => {
  const full = join(FIX, 'full');
  const nodes = loadTaskFile('tasks/dyn.yml', undefined, { baseDir: full });
  assert.equal(nodes.length, 1);
  assert.deepEqual((nodes[0] as TaskNode).args, { msg: '{{ item }}' });
  assert.deepEqual(nodes[0].pos, { file: join(full, 'tasks/dyn.yml'), line: 1, col: 3 });
  const role = resolveRole('web', full).role!;
  const extra = loadTaskFile('extra.yml', role, { baseDir: full });
  assert.equal((extra[0] as TaskNode).role, role);
  // an absolute path (as the engine passes it), with apply keywords
  const applied = loadTaskFile(join(full, 'tasks/dyn.yml'), undefined, { apply: { when: 'x', tags: ['t'] } });
  assert.equal(applied.length, 1);
  assert.equal(applied[0].kind, 'block');
  assert.deepEqual(applied[0].kw, { when: 'x', tags: ['t'] });
  assert.equal((applied[0] as BlockNode).block.length, 1);
  assert.throws(
    () => loadTaskFile('missing.yml', undefined, { baseDir: full, pos: { file: 'site.yml', line: 9, col: 7 } }),
    (e: unknown) => {
      assert.ok(e instanceof KbsError);
      assert.equal(e.code, 'NOT_FOUND');
      assert.equal(e.message, 'task file "missing.yml" not found');
      assert.equal(e.where(), 'site.yml:9:7');
      assert.equal(e.hint, `looked for ${join(full, 'missing.yml')}`);
      return true;
    },
  );
});
