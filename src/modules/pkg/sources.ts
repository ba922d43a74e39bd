/**
 * One-line apt sources (sources.list, sources.list.d/*.list) as Ansible's apt_repository models
 * them: every line parsed into (valid, enabled, source, comment), sources compared after
 * whitespace normalisation, files rendered back line by line.
 */
export const VALID_SOURCE_TYPES = ['deb', 'deb-src'];
export const SOURCES_LIST = '/etc/apt/sources.list';
export const SOURCES_DIR = '/etc/apt/sources.list.d';

export interface SourceLine {
  valid: boolean;
  enabled: boolean;
  source: string;
  comment: string;
}

export function parseSourceLine(raw: string): SourceLine {
  let line = raw.trim();
  let enabled = true;
  let comment = '';
  if (line.startsWith('#')) {
    enabled = false;
    line = line.slice(1);
  }
  const i = line.indexOf('#');
  if (i > 0) {
    comment = line.slice(i + 1).trim();
    line = line.slice(0, i);
  }
  let source = line.trim();
  let valid = false;
  if (source) {
    const chunks = source.split(/\s+/);
    if (VALID_SOURCE_TYPES.includes(chunks[0])) {
      valid = true;
      source = chunks.join(' ');
    }
  }
  return { valid, enabled, source, comment };
}

export function renderSourceLine(l: SourceLine): string {
  return `${l.enabled ? '' : '# '}${l.source}${l.comment ? ` # ${l.comment}` : ''}\n`;
}

/** Ansible's _suggest_filename: the URI's host and path, non-alphanumerics as _, plus .list */
export function suggestFilename(source: string, filename?: string): string {
  if (filename !== undefined) return `${filename}.list`;
  let line = source.replace(/\[[^\]]+\]/g, '').replace(/\w+:\/\//g, '');
  const parts = line.split(/\s+/).filter((p) => p && !VALID_SOURCE_TYPES.includes(p));
  let first = parts[0] ?? '';
  if (first.includes('@')) first = first.split('@').slice(1).join('@');
  line = first.replace(/[^a-zA-Z0-9]/g, ' ').split(/\s+/).filter(Boolean).join('_');
  return `${line}.list`;
}

export class SourcesList {
  /** path → parsed lines, in load order */
  readonly files = new Map<string, SourceLine[]>();
  readonly newFiles = new Set<string>();

  load(path: string, text: string): void {
    const lines = text.split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    this.files.set(path, lines.map(parseSourceLine));
  }

  /** the source part of a repo line, or an error message for an invalid/disabled one */
  static normalise(repo: string): string {
    const p = parseSourceLine(repo);
    if (!p.valid || !p.enabled) throw new Error(`Invalid repository string: ${repo.trim().replace(/^#/, '')}`);
    return p.source;
  }

  add(repo: string, file: string): void {
    const source = SourcesList.normalise(repo);
    let found = false;
    for (const lines of this.files.values()) {
      for (const l of lines) {
        if (l.valid && l.source === source) {
          l.enabled = true;
          found = true;
        }
      }
    }
    if (found) return;
    const path = file.includes('/') ? file : `${SOURCES_DIR}/${file}`;
    if (!this.files.has(path)) {
      this.files.set(path, []);
      this.newFiles.add(path);
    }
    this.files.get(path)!.push({ valid: true, enabled: true, source, comment: '' });
  }

  remove(repo: string): void {
    const source = SourcesList.normalise(repo);
    for (const [path, lines] of this.files) {
      this.files.set(
        path,
        lines.filter((l) => !(l.valid && l.enabled && l.source === source)),
      );
    }
  }

  /** path → rendered content, files without lines left out (as Ansible's dump) */
  dump(): Map<string, string> {
    const out = new Map<string, string>();
    for (const [path, lines] of this.files) if (lines.length) out.set(path, lines.map(renderSourceLine).join(''));
    return out;
  }
}
