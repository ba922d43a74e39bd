/** State shared while one playbook (or one dynamically included file) is loaded. */
import { statSync } from 'node:fs';
import type { Position } from '../errors.js';
import type { RoleContext, TaskNode } from './model.js';
import { parseYaml, readYamlText, type YamlSource } from '../yaml/read.js';
import { keepParse, keptParse } from '../yaml/cache.js';
import { outlineOf } from '../yaml/outline.js';
import { wasDecrypted } from '../vault/yaml.js';
import { vaultGeneration } from '../vault/keyring.js';
import { PyFloat } from '../util/pyfloat.js';
import { copyVaultMarks } from '../vault/marks.js';

export interface LoadOptions {
  /** extra role folders (--roles-path), searched after <playbook dir>/roles */
  rolesPath?: string[];
  /** kbs's own roles/ folder, searched last */
  builtinRolesDir?: string;
  /** folder of the playbook given to kbs (the engine's playbook_dir; imported playbooks may be elsewhere) */
  topDir?: string;
}

export interface LoadContext {
  playbookDir: string;
  opts: LoadOptions;
  /** role handlers found while loading join the play's handlers here */
  handlers: TaskNode[];
  /** role path + params, when, tags, vars of roles already expanded in this play → that role (Ansible's ROLE_CACHE) */
  seenRoles: Map<string, RoleContext>;
  /** roles: entries of the play, in order (duplicates too) */
  playRoles: RoleContext[];
  /** roles imported with import_role while loading, in order */
  importedRoles: RoleContext[];
  /** role path + handlers file already added to `handlers` */
  seenHandlers: Set<string>;
  /** files being imported and roles being expanded, outermost first (cycle detection) */
  stack: string[];
  /** notify names used by statically loaded tasks, checked against the handlers at the end */
  notifies: { name: string; pos: Position }[];
}

export function newContext(playbookDir: string, opts: LoadOptions, handlers: TaskNode[] = []): LoadContext {
  return { playbookDir, opts, handlers, seenRoles: new Map(), playRoles: [], importedRoles: [], seenHandlers: new Set(), stack: [], notifies: [] };
}

/** Where a list of tasks comes from. */
export interface FileCtx {
  yf: YamlSource;
  /** folder of the file (relative import_tasks / include_tasks resolve here first) */
  dir: string;
  role?: RoleContext;
  /** parsing a handlers list: listen allowed, blocks/includes not */
  handler?: boolean;
}

const cache = new Map<string, { mtimeMs: number; size: number; vault: number; yf: YamlSource }>();

/**
 * A playbook, role or tasks file's value and outline, with a cache by absolute path (a role used
 * twice, a file imported twice: parsed once; a changed file, by mtime or size, is read again) and
 * one across runs by text (src/yaml/cache.ts).
 */
export function loadYaml(file: string): YamlSource {
  let st;
  try {
    st = statSync(file);
  } catch {
    return parseYaml(file); // throws NOT_FOUND with the reason
  }
  const hit = cache.get(file);
  // parsed again with other vault passwords (a new run in the same process)
  if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size && hit.vault === vaultGeneration()) return fresh(hit.yf);
  const yf = readSource(file);
  cache.set(file, { mtimeMs: st.mtimeMs, size: st.size, vault: vaultGeneration(), yf });
  return fresh(yf);
}

/** the file's value and outline: kept from an earlier run of the same text, else parsed (and kept) */
function readSource(file: string): YamlSource {
  const text = readYamlText(file);
  const vaulted = wasDecrypted(file, text);
  const kept = vaulted ? undefined : keptParse(text);
  if (kept) return { file, ...kept };
  const { doc, lc, value } = parseYaml(file, text);
  const outline = outlineOf(doc);
  if (!vaulted) keepParse(text, value, outline, lc);
  return { file, lc, value, outline };
}

/** the nodes built from a file may be changed by their users: hand out a copy of the plain value */
function fresh(yf: YamlSource): YamlSource {
  return { ...yf, value: copyData(yf.value) };
}

/** a deep copy of parsed YAML data; floats (PyFloat, immutable) are shared, not turned into plain objects */
function copyData(v: unknown): unknown {
  if (typeof v !== 'object' || v === null || v instanceof PyFloat) return v;
  if (Array.isArray(v)) return copyVaultMarks(v, v.map(copyData));
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) {
    const x = copyData((v as Record<string, unknown>)[k]);
    if (k === '__proto__') Object.defineProperty(out, k, { value: x, enumerable: true, writable: true, configurable: true });
    else out[k] = x;
  }
  return copyVaultMarks(v, out);
}
