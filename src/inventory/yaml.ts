/** Ansible's YAML inventory format, read into an InventoryBuilder. */
import { KbsError } from '../errors.js';
import type { Vars } from '../load/model.js';
import { posAt, type YamlFile, type YamlPath } from '../load/yaml.js';
import { inventorySchema } from '../schema/inventory.js';
import { validate } from '../schema/validate.js';
import type { InventoryBuilder } from './builder.js';
import { expandHostRange } from './range.js';

type GroupData = { hosts?: Record<string, Vars | null> | null; children?: Record<string, GroupData | null> | null; vars?: Vars | null };

export function readYamlInventory(yf: YamlFile, b: InventoryBuilder): void {
  checkTopLevel(yf);
  try {
    validate(inventorySchema, yf.value, yf, [], 'inventory');
  } catch (e) {
    throw betterHint(e, yf);
  }
  const top = (yf.value ?? {}) as Record<string, GroupData | null>;
  for (const [name, data] of Object.entries(top)) {
    readGroup(yf, b, name, data, [name], undefined);
  }
}

function readGroup(yf: YamlFile, b: InventoryBuilder, name: string, data: GroupData | null, path: YamlPath, parent: string | undefined): void {
  const pos = posAt(yf, path, 'key');
  if (parent === undefined) b.group(name, pos);
  else b.addChild(parent, name, pos);
  if (!data) return;
  if (data.vars) b.setGroupVars(name, data.vars, posAt(yf, [...path, 'vars'], 'key'));
  for (const [pattern, vars] of Object.entries(data.hosts ?? {})) {
    const hpos = posAt(yf, [...path, 'hosts', pattern], 'key');
    const { names, port } = splitPort(pattern);
    const extra = port === undefined ? undefined : { ansible_port: port };
    for (const host of expandHostRange(names, hpos)) {
      b.addHost(name, host, vars || extra ? { ...extra, ...(vars ?? {}) } : undefined, hpos);
    }
  }
  for (const [child, cdata] of Object.entries(data.children ?? {})) {
    readGroup(yf, b, child, cdata, [...path, 'children', child], name);
  }
}

/** `web1:2222` -> host web1 with ansible_port 2222 (as Ansible's YAML inventory does). */
function splitPort(pattern: string): { names: string; port?: number } {
  const m = /^([^:]+):([0-9]+)$/.exec(pattern);
  return m ? { names: m[1], port: Number(m[2]) } : { names: pattern };
}

/** A file that starts with hosts:/vars:/children: at the top forgot the group (usually `all:`). */
function checkTopLevel(yf: YamlFile): void {
  const v = yf.value;
  if (v !== null && v !== undefined && (typeof v !== 'object' || Array.isArray(v))) {
    throw new KbsError('SCHEMA', 'an inventory must be a mapping of group names', {
      pos: posAt(yf, []),
      hint: 'start with "all:" and put "hosts:", "children:" and "vars:" under it',
    });
  }
  for (const key of ['hosts', 'vars', 'children']) {
    if (v && typeof v === 'object' && key in v) {
      throw new KbsError('SCHEMA', `"${key}" at the top of an inventory is read as a group name`, {
        pos: posAt(yf, [key], 'key'),
        hint: `top-level keys are groups: put "${key}:" under "all:" (indented)`,
      });
    }
  }
}

function betterHint(e: unknown, yf: YamlFile): unknown {
  if (!(e instanceof KbsError) || !e.message.startsWith('"hosts" in inventory must be')) return e;
  return new KbsError(e.code, e.message, {
    pos: e.pos,
    hint: 'hosts is a mapping, one "name:" per line (a host with vars: "name:" then indented "key: value")',
    detail: { file: yf.file },
  });
}
