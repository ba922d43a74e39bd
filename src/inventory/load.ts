/**
 * loadInventory: Ansible's YAML (or INI) inventory from a file or a folder of files, plus
 * group_vars/ and host_vars/ beside it and in `extraVarsDirs` (e.g. the playbook's folder).
 *
 * Choices where Ansible only warns or is silent (all are KbsErrors with file:line:col and a hint):
 * - a name used for both a host and a group is an error (Ansible warns; patterns become ambiguous);
 * - unknown keys in a group (not hosts/children/vars) are errors (Ansible warns and skips them);
 * - a range whose end is before its start is an error (Ansible yields no hosts);
 * - `hosts:`/`vars:`/`children:` as top-level keys are errors (Ansible reads them as group names).
 * ansible_group_priority counts only when set in the inventory source, as in Ansible.
 * Folders: .yml/.yaml/.json files are YAML, extension-less files are sniffed (INI or YAML), other
 * files are skipped (as Ansible skips .ini, .txt, .md... in a folder); a folder with nothing to
 * read is a warning naming the skipped files, as Ansible warns. A single file named *.ini is INI.
 */
import { readdirSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { KbsError } from '../errors.js';
import type { Vars } from './types.js';
import { parseYaml, readYamlText } from '../yaml/read.js';
import { InventoryBuilder } from './builder.js';
import { readIniInventory } from './ini.js';
import type { InvHost, Inventory } from './types.js';
import { copyOrigins } from './origins.js';
import { VarsDir } from './varsfiles.js';
import { readYamlInventory } from './yaml.js';
import { isHostList, readHostList } from './hostlist.js';
import { workstationPython } from '../util/workstation-python.js';

export interface LoadInventoryOptions {
  /** further folders holding group_vars/ and host_vars/ (later ones win over earlier ones and over the inventory's) */
  extraVarsDirs?: string[];
}

const YAML_EXTS = ['.yml', '.yaml', '.json'];

/** Load one inventory path (file or folder), or several (merged in order). */
export function loadInventory(path: string | string[], opts: LoadInventoryOptions = {}): Inventory {
  const paths = Array.isArray(path) ? path : [path];
  const b = new InventoryBuilder();
  const sources: string[] = [];
  const varsBases: string[] = [];
  const warnings: string[] = [];
  for (const p of paths) {
    if (isHostList(p)) {
      readHostList(p, b);
      sources.push(p);
    } else if (isDirectory(p)) {
      varsBases.push(p);
      const { files, skipped } = folderSources(p);
      if (files.length === 0) {
        // as Ansible: a warning, and the run goes on without this source
        warnings.push(
          `Unable to parse ${p} as an inventory source: ${skipped.length ? `skipped ${skipped.join(', ')}` : 'it holds no file'} ` +
            '(an inventory folder is read for .yml, .yaml, .json and extension-less files; .ini and other extensions are skipped, as in Ansible)',
        );
        continue;
      }
      for (const f of files) {
        readSource(f, b);
        sources.push(f);
      }
    } else {
      varsBases.push(dirname(p));
      readSource(p, b);
      sources.push(p);
    }
  }
  const inv = b.finish(sources);
  if (warnings.length) inv.warnings = [...warnings, ...(inv.warnings ?? [])];
  if (sources.length === 0 && paths.length > 0) inv.warnings = [...(inv.warnings ?? []), 'No inventory was parsed, only implicit localhost is available'];
  if (inv.hosts.size === 0) {
    inv.warnings = [...(inv.warnings ?? []), "provided hosts list is empty, only localhost is available. Note that the implicit localhost does not match 'all'"];
  }
  inv.implicitLocalhost = inv.hosts.has('localhost')
    ? undefined
    : { name: 'localhost', vars: {}, sourceVars: { ansible_python_interpreter: workstationPython() ?? '/usr/bin/python', ansible_connection: 'local' }, groups: [], implicit: true };
  applyVarsFiles(inv, [unique(varsBases), ...(opts.extraVarsDirs ?? []).map((d) => [d])]);
  return inv;
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch (e) {
    throw new KbsError('NOT_FOUND', `inventory ${p} not found`, {
      pos: { file: p },
      hint: (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'check the path given with -i' : String(e),
    });
  }
}

/**
 * Files of an inventory folder, sorted: YAML by extension, extension-less files sniffed; files
 * with other extensions are skipped (and listed).
 */
function folderSources(dir: string): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~') || name === 'group_vars' || name === 'host_vars') continue;
    const full = join(dir, name);
    if (statSync(full).isDirectory()) continue;
    const ext = extname(name);
    if (ext === '' || YAML_EXTS.includes(ext)) files.push(full);
    else skipped.push(name);
  }
  return { files, skipped };
}

function readSource(file: string, b: InventoryBuilder): void {
  const text = readYamlText(file);
  if (isIni(file, text)) readIniInventory(file, text, b);
  else readYamlInventory(parseYaml(file, text), b);
}

function isIni(file: string, text: string): boolean {
  const ext = extname(file);
  if (ext === '.ini') return true;
  if (YAML_EXTS.includes(ext)) return false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    if (line === '---' || /^[^\s[][^=]*:(\s|$)/.test(line)) return false;
    return true;
  }
  return false;
}

/** tiers[0]: folders beside the inventory; tiers[1..]: extraVarsDirs. */
function applyVarsFiles(inv: Inventory, tiers: string[][]): void {
  const dirs = tiers.map((t) => t.map((d) => ({ group: new VarsDir(join(d, 'group_vars')), host: new VarsDir(join(d, 'host_vars')) })));
  const layer = (pick: (d: { group: VarsDir; host: VarsDir }) => Vars | undefined): Vars[] =>
    dirs.map((tier) => {
      const out: Vars = {};
      for (const d of tier) {
        const v = pick(d);
        if (!v) continue;
        Object.assign(out, v);
        copyOrigins(v, out);
      }
      return out;
    });
  inv.varsFiles = { group: (name) => layer((d) => d.group.varsFor(name)), host: (name) => layer((d) => d.host.varsFor(name)) };
  for (const g of inv.groups.values()) {
    g.fileVars = layer((d) => d.group.varsFor(g.name));
    g.vars = Object.assign({}, g.sourceVars, ...g.fileVars) as Vars;
  }
  const hosts: InvHost[] = [...inv.hosts.values()];
  if (inv.implicitLocalhost) hosts.push(inv.implicitLocalhost);
  for (const h of hosts) {
    h.fileVars = layer((d) => d.host.varsFor(h.name));
    h.vars = Object.assign({}, h.sourceVars, ...h.fileVars) as Vars;
  }
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
