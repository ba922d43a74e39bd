/**
 * src/schema/check.ts (the yes/no walk that spares ajv's compilation) answers as ajv does for every
 * schema kbs has, on valid and invalid values; kbs's own playbooks load without compiling a schema;
 * error messages still come from ajv.
 */
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { KbsError } from '../../src/errors.js';
import { argSchemas } from '../../src/load/args.js';
import { loadPlaybook } from '../../src/load/playbook.js';
import { getModule, moduleNames } from '../../src/modules/registry.js';
import { check } from '../../src/schema/check.js';
import { inventorySchema } from '../../src/schema/inventory.js';
import * as playbook from '../../src/schema/playbook.js';
import { roleEntrySchema, roleMetaSchema, roleVarsSchema } from '../../src/schema/role.js';
import { compile, schemaStats } from '../../src/schema/validate.js';
import { builtinRolesDir, shippedPlaybook } from '../../src/util/assets.js';
import { tempDir } from '../helpers/tmp.js';

function allSchemas(): object[] {
  const list: object[] = [
    playbook.playSchema, playbook.importPlaybookSchema, playbook.taskKeywordsSchema, playbook.includeTasksArgsSchema,
    playbook.importTasksArgsSchema, playbook.includeRoleArgsSchema, playbook.importRoleArgsSchema,
    roleMetaSchema, roleVarsSchema, roleEntrySchema, inventorySchema,
  ];
  for (const name of moduleNames()) list.push(...argSchemas(getModule(name)!));
  return list;
}

/** values around a schema: scalars, each property alone with values of every type and its enum's, all properties together */
function samples(schema: Record<string, unknown>): unknown[] {
  const out: unknown[] = [{}, null, 'x', 3, [], [{}], { no_such_key_kbs: 1 }, { hosts: 'all', tasks: [] }];
  const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
  const full: Record<string, unknown> = {};
  for (const [k, p] of Object.entries(props)) {
    const en = Array.isArray(p.enum) ? p.enum : [];
    for (const v of ['x', '{{ v }}', '0644', 'yes', 7, -1, 1.5, true, null, ['a'], [1], { a: 1 }, { a: 'b' }, ...en]) out.push({ [k]: v });
    full[k] = en.length ? en[0] : 'x';
  }
  out.push(full);
  return out;
}

test('the walk answers as ajv for every schema, on valid and invalid values', () => {
  const schemas = allSchemas();
  assert.ok(schemas.length > 80, `only ${schemas.length} schemas`);
  let tried = 0;
  let invalid = 0;
  for (const schema of schemas) {
    const ajv = compile(schema);
    for (const v of samples(schema as Record<string, unknown>)) {
      const want = ajv(v) as boolean;
      assert.equal(check(schema, v), want, `${JSON.stringify(schema).slice(0, 200)}\non ${JSON.stringify(v)}`);
      tried++;
      if (!want) invalid++;
    }
  }
  assert.ok(invalid > 1000 && tried - invalid > 1000, `samples: ${tried}, invalid ${invalid}`);
});

test('keywords it does not handle are left to ajv', () => {
  assert.equal(check({ type: 'string', minLength: 2 }, 'x'), undefined);
  assert.equal(check({ items: [{ type: 'string' }] }, ['x']), undefined);
  assert.equal(check({ properties: { a: { format: 'uri' } } }, {}), undefined);
  assert.equal(check({ type: 'integer', minimum: 1, expect: 'a count' }, 0), false);
  assert.equal(check({ anyOf: [{ const: 1 }, { enum: [[1, 2]] }] }, [1, 2]), true);
});

test("kbs's own playbooks and roles load without compiling a schema", () => {
  const playbooks = readdirSync(join(shippedPlaybook('cluster.yml'), '..')).filter((f) => f.endsWith('.yml'));
  assert.ok(playbooks.includes('cluster.yml'));
  const before = { ...schemaStats };
  for (const f of playbooks) loadPlaybook(shippedPlaybook(f), { builtinRolesDir: builtinRolesDir() });
  assert.ok(schemaStats.walked - before.walked > 100, `checked by the walk: ${schemaStats.walked - before.walked}`);
  assert.equal(schemaStats.compiled - before.compiled, 0, 'a schema was compiled by ajv');
});

test('a bad argument still gets the message from ajv', () => {
  const bad = join(tempDir('kbs-check-'), 'bad.yml');
  writeFileSync(bad, '- hosts: all\n  tasks:\n    - copy:\n        dest: /x\n        mdoe: "0644"\n');
  assert.throws(
    () => loadPlaybook(bad, {}),
    (e: unknown) => e instanceof KbsError && /unknown argument "mdoe"/.test(e.message) && e.hint === 'did you mean mode?' && e.pos?.line === 5,
  );
});
