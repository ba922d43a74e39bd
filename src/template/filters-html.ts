/**
 * Jinja2's HTML filters as markupsafe writes them: escape / e (a safe string stays as it is),
 * forceescape, and xmlattr. markupsafe escapes & < > ' " as &amp; &lt; &gt; &#39; &#34; (nunjucks,
 * whose escape kbs used before, writes &quot; and escapes backslashes too).
 */
import { bind } from './args.js';
import type { Filter } from './filters-text.js';
import { isSafeString, njRuntime } from './nunjucks.js';
import { pyStr, pyType, templateError, truthy } from './python.js';
import { Undefined } from './undefined.js';

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;', '"': '&#34;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>'"]/g, (c) => ENTITIES[c]);
}

const markSafe = (s: string): unknown => (njRuntime.markSafe as (v: string) => unknown)(s);

function escape(v: unknown): unknown {
  return isSafeString(v) ? v : markSafe(escapeHtml(pyStr(v)));
}

export const HTML_FILTERS: Record<string, Filter> = {
  escape,
  e: escape,
  forceescape: (v) => markSafe(escapeHtml(isSafeString(v) ? String(v) : pyStr(v))),
  /** key="value" for every value but None and undefined ones, a space before each when autospace */
  xmlattr(v, ...args) {
    const a = bind('xmlattr', args, { autospace: true as unknown });
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw templateError(`'${pyType(v)}' object has no attribute 'items'`);
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      if (x === null || x === undefined || x instanceof Undefined) continue;
      parts.push(`${escapeHtml(k)}="${isSafeString(x) ? String(x) : escapeHtml(pyStr(x))}"`);
    }
    const out = parts.join(' ');
    return truthy(a.autospace) && out ? ' ' + out : out;
  },
};
