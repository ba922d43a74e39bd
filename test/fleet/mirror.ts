/** This machine's configured Debian mirror(s), read from /etc/apt/sources.list(.d). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface AptSource {
  uri: string;
  suite: string;
  components: string[];
}

const SUITE = /^bookworm(-updates|-security|-backports)?$/;
const DEFAULT: AptSource = { uri: 'http://deb.debian.org/debian', suite: 'bookworm', components: ['main'] };

/** Debian bookworm entries (deb lines, not deb-src) of the host's apt configuration */
export function hostSources(root = '/etc/apt'): AptSource[] {
  const out: AptSource[] = [];
  const files: string[] = [];
  try {
    readFileSync(join(root, 'sources.list'));
    files.push(join(root, 'sources.list'));
  } catch {
    /* none */
  }
  try {
    for (const f of readdirSync(join(root, 'sources.list.d')).sort()) {
      if (f.endsWith('.list') || f.endsWith('.sources')) files.push(join(root, 'sources.list.d', f));
    }
  } catch {
    /* none */
  }
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    out.push(...(f.endsWith('.sources') ? parseDeb822(text) : parseList(text)));
  }
  return out.filter((s) => SUITE.test(s.suite) && /^https?:\/\//.test(s.uri) && !s.uri.includes('backports'));
}

export function parseList(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line.startsWith('deb ')) continue;
    const words = line
      .slice(4)
      .replace(/\[[^\]]*\]/, '')
      .trim()
      .split(/\s+/);
    if (words.length >= 2) out.push({ uri: words[0].replace(/\/$/, ''), suite: words[1], components: words.slice(2) });
  }
  return out;
}

export function parseDeb822(text: string): AptSource[] {
  const out: AptSource[] = [];
  for (const para of text.split(/\n\s*\n/)) {
    const fields: Record<string, string> = {};
    for (const line of para.split('\n')) {
      if (line.startsWith('#')) continue;
      const m = /^([A-Za-z-]+):\s*(.*)$/.exec(line);
      if (m) fields[m[1].toLowerCase()] = m[2].trim();
    }
    if (!fields.types?.split(/\s+/).includes('deb')) continue;
    if (fields.enabled === 'no') continue;
    for (const uri of (fields.uris ?? '').split(/\s+/).filter(Boolean)) {
      for (const suite of (fields.suites ?? '').split(/\s+/).filter(Boolean)) {
        out.push({ uri: uri.replace(/\/$/, ''), suite, components: (fields.components ?? 'main').split(/\s+/) });
      }
    }
  }
  return out;
}

/** the mirror debootstrap uses: the host's entry for plain "bookworm", else deb.debian.org */
export function bootstrapMirror(sources = hostSources()): string {
  return (sources.find((s) => s.suite === 'bookworm') ?? DEFAULT).uri;
}

/** one-line-style sources.list for a temporary root that downloads packages */
export function sourcesList(sources = hostSources()): string {
  const list = sources.length > 0 ? sources : [DEFAULT];
  return list.map((s) => `deb ${s.uri} ${s.suite} ${s.components.join(' ')}`).join('\n') + '\n';
}
