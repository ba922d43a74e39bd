/** Ansible's sysctl file handling: read `key = value` lines, rewrite the file with the key set or removed. */

export interface SysctlFile {
  /** lines, stripped */
  lines: string[];
  /** last value of each key in the file */
  values: Map<string, string>;
}

const isData = (l: string) => l !== '' && !l.startsWith('#') && !l.startsWith(';') && l.includes('=');

export function parseSysctl(text: string): SysctlFile {
  const lines = text.split(/\r?\n/);
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const out: SysctlFile = { lines: lines.map((l) => l.trim()), values: new Map() };
  for (const l of out.lines) {
    if (!isData(l)) continue;
    const eq = l.indexOf('=');
    out.values.set(l.slice(0, eq).trim(), l.slice(eq + 1).trim());
  }
  return out;
}

/** Ansible's fix_lines + write: every key=value line normalised, the first line of each key kept. */
export function fixSysctl(f: SysctlFile, name: string, value: string, present: boolean): string {
  const checked = new Set<string>();
  const fixed: string[] = [];
  for (const l of f.lines) {
    if (!isData(l)) {
      fixed.push(l);
      continue;
    }
    const eq = l.indexOf('=');
    const k = l.slice(0, eq).trim();
    const v = l.slice(eq + 1).trim();
    if (checked.has(k)) continue;
    checked.add(k);
    if (k === name) {
      if (present) fixed.push(`${k}=${value}`);
    } else fixed.push(`${k}=${v}`);
  }
  if (!checked.has(name) && present) fixed.push(`${name}=${value}`);
  return fixed.map((l) => l.trim() + '\n').join('');
}

/** Ansible's _parse_value: booleans become 1/0, strings are stripped. */
export function sysctlValue(v: unknown): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'boolean') return v ? '1' : '0';
  const s = String(v);
  const l = s.toLowerCase();
  if (['yes', 'on', 'true', 'y', 't'].includes(l)) return '1';
  if (['no', 'off', 'false', 'n', 'f'].includes(l)) return '0';
  return s.trim();
}

/** live values compare whitespace-normalised (`4\t4\t1\t7` equals `4 4 1 7`) */
export function sameValue(a: string, b: string): boolean {
  const w = (s: string) => s.split(/\s+/).filter(Boolean).join(' ');
  return w(a) === w(b);
}
