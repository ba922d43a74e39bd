/**
 * deb822 .sources files as Ansible's deb822_repository writes them: one field per argument, in
 * the sorted order of the argument names, booleans as yes/no, lists space-separated, multi-line
 * values (an inline key) indented with "." for empty lines.
 */
export const KEYRINGS_DIR = '/etc/apt/keyrings';

/** Ansible's slug of the name: lower case, _ and spaces to -, then only [a-z0-9-] */
export function slugOf(name: string): string {
  return name
    .toLowerCase()
    .replace(/[_\s]+/g, '-')
    .replace(/[^a-z0-9-]+/g, '');
}

export const sourcesPath = (slug: string) => `/etc/apt/sources.list.d/${slug}.sources`;
export const keyringPath = (slug: string, ext: 'asc' | 'gpg') => `${KEYRINGS_DIR}/${slug}.${ext}`;

/** name → X-Repolib-Name, uris → URIs, others: Title-Case with - */
export function fieldName(key: string): string {
  if (key === 'name') return 'X-Repolib-Name';
  if (key === 'uris') return 'URIs';
  return key.replace(/_/g, '-').replace(/[A-Za-z]+/g, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}

export function formatMultiline(v: string): string {
  const lines = v
    .trim()
    .split(/\r\n|\n|\r/)
    .map((l) => l.trim() || '.');
  return '\n' + lines.map((l) => `    ${l}`).join('\n');
}

export type FieldValue = string | number | boolean | string[];

/** the file content for these fields (undefined values are left out) */
export function renderDeb822(fields: Record<string, FieldValue | undefined>): string {
  let out = '';
  for (const key of Object.keys(fields).sort()) {
    const v = fields[key];
    if (v === undefined) continue;
    let s = typeof v === 'boolean' ? (v ? 'yes' : 'no') : Array.isArray(v) ? v.join(' ') : String(v);
    if (s.includes('\n')) s = formatMultiline(s);
    out += !s || s.startsWith('\n') ? `${fieldName(key)}:${s}\n` : `${fieldName(key)}: ${s}\n`;
  }
  return out;
}

export function isUrl(v: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(v.trim());
}
