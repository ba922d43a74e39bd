/** Split the raw output of FACTS_SCRIPT into its sections and its `path:content` file lines. */
import { KbsError } from '../errors.js';
import { FACTS_MAGIC, FACT_SECTIONS, type FactSection } from './script.js';

export interface RawFacts {
  /** section name → lines (without trailing empty line); env is kept raw */
  sections: Map<FactSection, string[]>;
  /** file path → its lines (only files that exist and are readable) */
  files: Map<string, string[]>;
  /** the env section, raw (NUL separated) */
  env: string;
}

const KNOWN = new Set<string>(FACT_SECTIONS);

export function splitSections(stdout: string, host?: string): RawFacts {
  const start = stdout.indexOf(FACTS_MAGIC);
  if (start < 0) {
    throw new KbsError('TASK', 'fact gathering returned unexpected output (no facts header)', {
      host,
      hint: 'the host must run a POSIX /bin/sh on Linux',
    });
  }
  let text = stdout.slice(start + FACTS_MAGIC.length);
  let env = '';
  const envAt = text.indexOf('\n@@env\n');
  if (envAt >= 0) {
    env = text.slice(envAt + '\n@@env\n'.length);
    text = text.slice(0, envAt + 1);
  }
  const sections = new Map<FactSection, string[]>();
  let cur: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = /^@@([a-z0-9_]+)$/.exec(line);
    if (m && KNOWN.has(m[1])) {
      cur = [];
      sections.set(m[1] as FactSection, cur);
      continue;
    }
    if (cur && line !== '') cur.push(line);
  }
  const files = new Map<string, string[]>();
  for (const line of sections.get('files') ?? []) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const path = line.slice(0, i);
    let arr = files.get(path);
    if (!arr) files.set(path, (arr = []));
    arr.push(line.slice(i + 1));
  }
  return { sections, files, env };
}

/** First line of a file, trimmed, or undefined when missing/empty. */
export function firstLine(raw: RawFacts, path: string): string | undefined {
  const v = raw.files.get(path)?.[0]?.trim();
  return v ? v : undefined;
}

export function section(raw: RawFacts, name: FactSection): string[] {
  return raw.sections.get(name) ?? [];
}
