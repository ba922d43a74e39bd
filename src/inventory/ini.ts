/**
 * Ansible's INI inventory format: `[group]` host lines (`host key=value ...`), `[group:children]`,
 * `[group:vars]` (`key=value`). Lines before the first section are ungrouped hosts. Values are read
 * as Python literals when they look like one (numbers, True/False/None, quoted strings), else text.
 */
import { KbsError, type Position } from '../errors.js';
import type { Vars } from './types.js';
import type { InventoryBuilder } from './builder.js';
import { checkConnectionVars } from './connvars.js';
import { recordOrigin } from './origins.js';
import { expandHostRange } from './range.js';

type State = 'hosts' | 'children' | 'vars';
const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:[#;].*)?$/;

export function readIniInventory(file: string, text: string, b: InventoryBuilder): void {
  let group = 'ungrouped';
  let state: State = 'hosts';
  /** groups referenced by [x:children] or [x:vars] that must be defined somewhere in the file */
  const pending = new Map<string, { pos: Position; why: string }>();
  const declared = new Set<string>(['all', 'ungrouped']);
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i];
    const line = raw.trim();
    if (line === '' || line[0] === '#' || line[0] === ';') continue;
    const pos: Position = { file, line: i + 1, col: raw.indexOf(line[0]) + 1 };
    if (line[0] === '[') {
      const m = SECTION.exec(line);
      if (!m) {
        throw new KbsError('INVENTORY', `invalid section header "${line}"`, { pos, hint: 'write [group], [group:children] or [group:vars]' });
      }
      group = m[1];
      const kind = m[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'children' && kind !== 'vars') {
        throw new KbsError('INVENTORY', `section [${line.slice(1, line.indexOf(']'))}] has unknown type "${kind}"`, {
          pos,
          hint: 'the only section types are :children and :vars',
        });
      }
      state = kind;
      if (state === 'vars') {
        if (!declared.has(group) && !pending.has(group)) pending.set(group, { pos, why: `[${group}:vars] is for a group that is not defined` });
      } else {
        declared.add(group);
        pending.delete(group);
        b.group(group, pos);
      }
      continue;
    }
    if (state === 'hosts') readHostLine(line, pos, group, b);
    else if (state === 'children') {
      const child = line.split(/[\s#;]/)[0];
      if (!declared.has(child) && !pending.has(child)) pending.set(child, { pos, why: `[${group}:children] names a group that is not defined` });
      b.addChild(group, child, pos);
    } else {
      const eq = line.indexOf('=');
      if (eq <= 0) throw new KbsError('INVENTORY', `expected key=value, got "${line}"`, { pos, hint: 'write one key=value per line in a :vars section' });
      const key = line.slice(0, eq).trim();
      const value = line.slice(eq + 1).trim();
      const vars: Vars = { [key]: parseValue(value) };
      recordOrigin(vars, key, { pos: { file, line: pos.line, col: (pos.col ?? 1) + line.indexOf(value, eq + 1) } });
      checkConnectionVars(vars, `group ${group}`);
      b.setGroupVars(group, vars, pos);
    }
  }
  for (const [name, p] of pending) {
    if (!declared.has(name)) {
      throw new KbsError('INVENTORY', `${p.why}: ${name}`, { pos: p.pos, hint: `add a [${name}] section (it may be empty)` });
    }
  }
}

function readHostLine(line: string, pos: Position, group: string, b: InventoryBuilder): void {
  const tokens = shlexSplit(line, pos);
  if (tokens.length === 0) return;
  const vars: Vars = {};
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq <= 0) {
      throw new KbsError('INVENTORY', `expected key=value host variable, got "${t}"`, {
        pos,
        hint: 'host lines are: name key=value key=value ...',
      });
    }
    const key = t.slice(0, eq);
    vars[key] = parseValue(t.slice(eq + 1));
    const m = new RegExp(`(^|\\s)${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}=`).exec(line);
    const at = m ? m.index + m[1].length + key.length + 1 : 0;
    recordOrigin(vars, key, { pos: { ...pos, col: (pos.col ?? 1) + at } });
  }
  let name = tokens[0];
  const m = /^([^:]+):([0-9]+)$/.exec(name);
  if (m) {
    name = m[1];
    if (vars.ansible_port === undefined) {
      vars.ansible_port = Number(m[2]);
      recordOrigin(vars, 'ansible_port', { pos });
    }
  }
  checkConnectionVars(vars, `host ${name}`);
  for (const host of expandHostRange(name, pos)) b.addHost(group, host, vars, pos);
}

/** POSIX shell-like splitting with quotes, backslashes and # comments (Python's shlex.split(comments=True)). */
export function shlexSplit(s: string, pos?: Position): string[] {
  const out: string[] = [];
  let cur = '';
  let inTok = false;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && (s[i + 1] === '"' || s[i + 1] === '\\')) cur += s[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inTok = true;
    } else if (c === '\\' && i + 1 < s.length) {
      cur += s[++i];
      inTok = true;
    } else if (c === '#') {
      break;
    } else if (/\s/.test(c)) {
      if (inTok) out.push(cur);
      cur = '';
      inTok = false;
    } else {
      cur += c;
      inTok = true;
    }
  }
  if (quote) throw new KbsError('INVENTORY', 'unterminated quote in host line', { pos, hint: `close the ${quote} quote` });
  if (inTok) out.push(cur);
  return out;
}

/** An approximation of Ansible's ast.literal_eval of INI values. */
export function parseValue(v: string): unknown {
  if (v.includes('#')) return v;
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(v)) return Number(v);
  if (/^[-+]?([0-9]+\.[0-9]*|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(v) || /^[-+]?[0-9]+[eE][-+]?[0-9]+$/.test(v)) return Number(v);
  if (v === 'True') return true;
  if (v === 'False') return false;
  if (v === 'None') return null;
  const q = /^(['"])(.*)\1$/s.exec(v);
  if (q) return q[2];
  if (/^[[{]/.test(v)) {
    try {
      return JSON.parse(v);
    } catch {
      return v;
    }
  }
  return v;
}
