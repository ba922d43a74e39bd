/**
 * Jinja2 built-in filters written after Jinja2 3.1 (kbs took them from nunjucks before, whose
 * versions differ): center (str.center), truncate (with its leeway of 5), wordcount (Unicode
 * words), urlencode (Python's quote: `/` kept in text, `+` for spaces in a query), striptags
 * (comments and tags dropped, whitespace collapsed, entities decoded), batch and slice (fill_with
 * unless None), pprint (Python's pprint.pformat: src/template/pprint.ts).
 */
import { bind } from './args.js';
import type { Filter } from './filters-text.js';
import { seq } from './filters-data.js';
import { isSafeString } from './nunjucks.js';
import { PY_SPACE } from './textwrap.js';
import { pformat } from './pprint.js';
import { isStr, pyStr, pyType, templateError, truthy } from './python.js';

const cps = (s: string) => Array.from(s);

/** Python's str.center: the extra space of an odd padding goes left when the width is odd */
function center(s: string, width: number): string {
  const n = cps(s).length;
  const pad = width - n;
  if (pad <= 0) return s;
  const left = Math.floor(pad / 2) + (pad & width & 1);
  return ' '.repeat(left) + s + ' '.repeat(pad - left);
}

/** Python's urllib.parse.quote of the UTF-8 bytes: letters, digits, _.-~ and `safe` kept */
function quote(v: unknown, forQuery: boolean): string {
  const bytes = Buffer.from(pyStr(v), 'utf8');
  let out = '';
  for (const b of bytes) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9_.\-~]/.test(c) || (!forQuery && c === '/')) out += c;
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return forQuery ? out.replace(/%20/g, '+') : out;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\xa0' };

/** html.unescape for numeric references and the common named ones */
function unescapeHtml(s: string): string {
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);/g, (m, ref: string) => {
    if (ref[0] !== '#') return NAMED[ref] ?? m;
    const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
    return code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff) ? String.fromCodePoint(code) : '\ufffd';
  });
}

/** Python's str.split() with no separator: runs of its whitespace */
const PY_WS = new RegExp(`[${PY_SPACE}]+`);

export const JINJA_FILTERS: Record<string, Filter> = {
  center(v, ...args) {
    const a = bind('center', args, { width: 80 as unknown });
    return center(pyStr(v), Number(a.width));
  },
  truncate(v, ...args) {
    const a = bind('truncate', args, { length: 255 as unknown, killwords: false as unknown, end: '...' as unknown, leeway: null as unknown });
    if (!isStr(v)) throw templateError(`truncate: object of type '${pyType(v)}' has no len()`);
    const s = cps(String(v));
    const end = pyStr(a.end);
    const length = Number(a.length);
    const leeway = a.leeway === null || a.leeway === undefined ? 5 : Number(a.leeway);
    if (length < cps(end).length) throw templateError(`truncate: expected length >= ${cps(end).length}, got ${length}`);
    if (leeway < 0) throw templateError(`truncate: expected leeway >= 0, got ${leeway}`);
    if (s.length <= length + leeway) return String(v);
    const head = s.slice(0, Math.max(0, length - cps(end).length)).join('');
    if (truthy(a.killwords)) return head + end;
    const cut = head.lastIndexOf(' ');
    return (cut < 0 ? head : head.slice(0, cut)) + end;
  },
  pprint: (v) => pformat(v),
  wordcount: (v) => (pyStr(v).match(/[\p{L}\p{N}_]+/gu) ?? []).length,
  urlencode(v) {
    if (isStr(v) || v === null || v === undefined || typeof v !== 'object') return quote(v, false);
    const items: unknown[][] = Array.isArray(v) ? v.map((p) => (Array.isArray(p) ? p : seq('urlencode', p))) : Object.entries(v);
    return items.map(([k, x]) => `${quote(k, true)}=${quote(x, true)}`).join('&');
  },
  striptags(v) {
    const s = isSafeString(v) ? String(v) : pyStr(v);
    const text = s.replace(/<!--[\s\S]*?-->/g, '').replace(/<[\s\S]*?>/g, '');
    return unescapeHtml(text.split(PY_WS).filter(Boolean).join(' '));
  },
  batch(v, ...args) {
    const a = bind('batch', args, { linecount: undefined as unknown, fill_with: null as unknown });
    const n = Number(a.linecount);
    if (!Number.isInteger(n) || n <= 0) throw templateError('batch: linecount must be a positive integer');
    const items = seq('batch', v);
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += n) out.push(items.slice(i, i + n));
    const last = out[out.length - 1];
    if (last && a.fill_with !== null && a.fill_with !== undefined) while (last.length < n) last.push(a.fill_with);
    return out;
  },
  slice(v, ...args) {
    const a = bind('slice', args, { slices: undefined as unknown, fill_with: null as unknown });
    const slices = Number(a.slices);
    if (!Number.isInteger(slices) || slices <= 0) throw templateError('slice: slices must be a positive integer');
    const items = seq('slice', v);
    const per = Math.floor(items.length / slices);
    const extra = items.length % slices;
    const out: unknown[][] = [];
    let offset = 0;
    for (let i = 0; i < slices; i++) {
      const start = offset + i * per;
      if (i < extra) offset++;
      const part = items.slice(start, offset + (i + 1) * per);
      if (a.fill_with !== null && a.fill_with !== undefined && i >= extra) part.push(a.fill_with);
      out.push(part);
    }
    return out;
  },
};
