/**
 * A custom module's output read back as Ansible's action plugin reads it: lines before the JSON
 * object are dropped, lines after it become a warning, and output that is no JSON object is a
 * "MODULE FAILURE" carrying the module's stdout, stderr and exit status. Ansible's internal keys
 * (_ansible_*) are removed; stdout/stderr get their *_lines.
 */
import type { ModuleResult } from '../types.js';
import { parsePyJson } from '../../util/pyjson.js';

/** Ansible's _filter_non_json_lines(objects_only=True) */
export function filterNonJson(text: string): { json: string; warnings: string[] } | undefined {
  const lines = text.split(/\r?\n|\r/);
  const start = lines.findIndex((l) => l.trim().startsWith('{'));
  if (start < 0) return undefined;
  const rest = lines.slice(start);
  let end = rest.length - 1;
  while (end >= 0 && !rest[end].trim().endsWith('}')) end--;
  if (end < 0) return undefined;
  const junk = rest.slice(end + 1);
  const warnings = junk.some((l) => l.trim()) ? [`Module invocation had junk after the JSON data: ${junk.join('\n')}`] : [];
  return { json: rest.slice(0, end + 1).join('\n'), warnings };
}

const splitLines = (s: string): string[] => {
  const out = s.split(/\r\n|\n|\r/);
  if (out.length && out[out.length - 1] === '') out.pop();
  return out;
};

export function moduleResult(stdout: string, stderr: string, rc: number, interpreter: string | undefined): ModuleResult {
  const found = filterNonJson(stdout);
  let data: Record<string, unknown> | undefined;
  if (found) {
    try {
      const v = parsePyJson(found.json);
      if (v && typeof v === 'object' && !Array.isArray(v)) data = v as Record<string, unknown>;
    } catch {
      data = undefined;
    }
  }
  if (!data) {
    const r: ModuleResult = { changed: false, failed: true, module_stdout: stdout, module_stderr: stderr };
    if (stderr.startsWith('Traceback')) r.exception = stderr;
    else if (stdout.startsWith('Traceback')) r.exception = stdout;
    let msg = 'MODULE FAILURE';
    if (interpreter !== undefined) {
      const re = new RegExp(`${interpreter.replace(/^[#!]+/, '').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (?:No such file or directory|not found)`);
      if (re.test(stderr) || re.test(stdout)) msg = 'The module failed to execute correctly, you probably need to set the interpreter.';
    }
    r.msg = `${msg}\nSee stdout/stderr for the exact error`;
    r.rc = rc;
    return r;
  }
  const out: ModuleResult = { changed: false };
  for (const [k, v] of Object.entries(data)) if (!k.startsWith('_ansible_')) out[k] = v;
  if (found!.warnings.length) out.warnings = [...(Array.isArray(out.warnings) ? out.warnings : []), ...found!.warnings];
  if ('stdout' in out && !('stdout_lines' in out)) out.stdout_lines = splitLines(typeof out.stdout === 'string' ? out.stdout : '');
  if ('stderr' in out && !('stderr_lines' in out)) out.stderr_lines = splitLines(typeof out.stderr === 'string' ? out.stderr : '');
  if (!('changed' in data)) delete (out as Record<string, unknown>).changed;
  return out;
}
