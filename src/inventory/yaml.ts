/**
 * Ansible's YAML inventory format, read into an InventoryBuilder. Validated with the JSON Schema
 * first; then the YAML nodes are walked, so group and host names are the text written in the file
 * (`y:`, `on:` or `1.10:` stay names, not YAML 1.1 booleans or numbers).
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type Node, type Pair } from 'yaml';
import { KbsError, type Position } from '../errors.js';
import type { Vars } from './types.js';
import { posAt, type YamlFile } from '../yaml/read.js';
import { inventorySchema } from '../schema/inventory.js';
import { validate } from '../schema/validate.js';
import type { InventoryBuilder } from './builder.js';
import { checkConnectionVars } from './connvars.js';
import { copyOrigins, recordMapOrigins, recordOrigin } from './origins.js';
import { expandHostRange } from './range.js';

interface Entry {
  name: string;
  pos: Position;
  value: Node | null;
}

export function readYamlInventory(yf: YamlFile, b: InventoryBuilder): void {
  checkTopLevel(yf);
  try {
    validate(inventorySchema, yf.value, yf, [], 'inventory');
  } catch (e) {
    throw betterHint(e);
  }
  for (const g of entries(yf, yf.doc.contents as Node | null)) readGroup(yf, b, g, undefined);
}

function readGroup(yf: YamlFile, b: InventoryBuilder, g: Entry, parent: string | undefined): void {
  if (parent === undefined) b.group(g.name, g.pos);
  else b.addChild(parent, g.name, g.pos);
  const parts = new Map(entries(yf, g.value).map((e) => [e.name, e]));
  const vars = parts.get('vars');
  if (vars) {
    const prio = entries(yf, vars.value).find((e) => e.name === 'ansible_group_priority');
    const gv = toVars(yf, vars.value);
    checkConnectionVars(gv, `group ${g.name}`);
    b.setGroupVars(g.name, gv ?? {}, prio?.pos ?? vars.pos);
  }
  for (const h of entries(yf, parts.get('hosts')?.value ?? null)) {
    const { names, port } = splitPort(h.name);
    const hv = toVars(yf, h.value);
    checkConnectionVars(hv, `host ${names}`);
    let all = hv;
    if (port !== undefined) {
      all = { ansible_port: port, ...hv };
      recordOrigin(all, 'ansible_port', { pos: h.pos });
      copyOrigins(hv, all);
    }
    for (const host of expandHostRange(names, h.pos)) b.addHost(g.name, host, all, h.pos);
  }
  for (const c of entries(yf, parts.get('children')?.value ?? null)) readGroup(yf, b, c, g.name);
}

/** The pairs of a mapping node (aliases resolved, `<<` merges expanded; explicit keys win). */
function entries(yf: YamlFile, node: Node | null): Entry[] {
  const map = resolve(yf.doc, node);
  if (!isMap(map)) return [];
  const out = new Map<string, Entry>();
  for (const pair of map.items as Pair<Node, Node | null>[]) {
    const key = pair.key;
    if (isScalar(key) && key.source === '<<' && (typeof key.value === 'symbol' || (key.value === '<<' && key.type === 'PLAIN'))) {
      const v = resolve(yf.doc, pair.value);
      const sources = isSeq(v) ? (v.items as Node[]) : [v];
      for (const s of sources) for (const e of entries(yf, s)) if (!out.has(e.name)) out.set(e.name, e);
      continue;
    }
    const name = keyName(key);
    const offset = (key as Node | null)?.range?.[0];
    const at = offset === undefined ? undefined : yf.lc.linePos(offset);
    out.delete(name);
    out.set(name, { name, pos: { file: yf.file, line: at?.line, col: at?.col }, value: pair.value ?? null });
  }
  return [...out.values()];
}

function resolve(doc: Document, node: Node | null | undefined): Node | null {
  if (!node) return null;
  return isAlias(node) ? ((node.resolve(doc) as Node | undefined) ?? null) : node;
}

function keyName(key: unknown): string {
  if (isScalar(key)) return typeof key.value === 'string' ? key.value : (key.source ?? String(key.value));
  return String(key);
}

function toVars(yf: YamlFile, node: Node | null): Vars | undefined {
  if (!node) return undefined;
  const v = node.toJS(yf.doc, { maxAliasCount: 1000 }) as unknown;
  if (!v || typeof v !== 'object') return undefined;
  recordMapOrigins(yf, node, v);
  return v as Vars;
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

function betterHint(e: unknown): unknown {
  if (!(e instanceof KbsError) || !e.message.startsWith('"hosts" in inventory must be')) return e;
  return new KbsError(e.code, e.message, {
    pos: e.pos,
    hint: 'hosts is a mapping, one "name:" per line (a host with vars: "name:" then indented "key: value")',
  });
}
