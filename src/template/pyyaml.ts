/**
 * YAML text as yaml.dump writes it with Ansible's dumper: what the to_yaml and to_nice_yaml filters
 * print. Ansible's dumper is PyYAML's CSafeDumper where PyYAML has libyaml (Debian's python3-yaml
 * and the PyPI wheels do), so this follows libyaml's emitter (0.2.5). Keys sorted; a plain scalar only where PyYAML's YAML 1.1
 * resolver would read it back as the same text, else single quotes, else double quotes with
 * escapes (characters beyond the BMP among them); lines folded at the width (80) at a single space; a list in a
 * mapping at its key's column and, with an indent over 2, a collection in a list item after `-`
 * and the indent's spaces (`-   a: 1`); collections of scalars only in flow style unless
 * default_flow_style is false. Written after the emitter's states and its column and whitespace
 * bookkeeping, without anchors: an object met twice is written twice.
 */

export interface DumpOptions {
  /** PyYAML's indent: 2..9, else 2 */
  indent?: number;
  /** PyYAML's width: above twice the indent, else 80 */
  width?: number;
  /** default_flow_style: true, false, or null (collections of scalars only in flow style) */
  flow: boolean | null;
  sortKeys?: boolean;
  explicitStart?: boolean;
  explicitEnd?: boolean;
}

/** A represented value: a scalar's text and whether it may be plain, or a collection. */
export type YNode = { t: 's'; text: string; plain: boolean } | { t: 'seq'; items: YNode[]; flow: boolean } | { t: 'map'; pairs: [YNode, YNode][]; flow: boolean };

/** PyYAML's implicit resolvers (YAML 1.1); Python's `$` also matches before a final newline. */
const RESOLVERS = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)\n?$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))\n?$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)\n?$/,
  /^(?:<<)\n?$/,
  /^(?:~|null|Null|NULL)\n?$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)\n?$/,
  /^(?:=)\n?$/,
];

/** A text scalar (tag str): plain only when the resolver would read it back as text. */
export function strNode(text: string): YNode {
  return { t: 's', text, plain: text !== '' && !RESOLVERS.some((r) => r.test(text)) };
}

/** A scalar of another type (null, bool, int, float): its text always reads back as that type. */
export function typedNode(text: string): YNode {
  return { t: 's', text, plain: true };
}

export function seqNode(items: YNode[], flow: boolean | null): YNode {
  return { t: 'seq', items, flow: flow ?? items.every((i) => i.t === 's') };
}

export function mapNode(pairs: [YNode, YNode][], flow: boolean | null): YNode {
  return { t: 'map', pairs, flow: flow ?? pairs.every(([k, v]) => k.t === 's' && v.t === 's') };
}

/** libyaml's IS_BREAK, IS_BLANKZ (the end counts as blank) */
const BREAKS = '\r\n\x85\u2028\u2029';
/** analyze's multiline: the text holds one of BREAKS */
const LINE_BREAK = /[\r\n\x85\u2028\u2029]/;
const isBlankz = (ch: string | undefined) => ch === undefined || ch === ' ' || ch === '\t' || ch === '\0' || BREAKS.includes(ch);

interface Analysis {
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

/** libyaml's IS_PRINTABLE: \n, ASCII 0x20-0x7E, 0xA0-0xD7FF, 0xE000-0xFFFD but the BOM (nothing beyond the BMP) */
function isPrintable(ch: string): boolean {
  const c = ch.codePointAt(0)!;
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd && c !== 0xfeff);
}

/** libyaml's yaml_emitter_analyze_scalar (unicode on): which styles can write the text. */
function analyze(chars: string[]): Analysis {
  if (!chars.length) return { multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true };
  let blockInd = false;
  let flowInd = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  const head = chars.slice(0, 3).join('');
  if (head === '---' || head === '...') blockInd = flowInd = true;
  let precededByWs = true;
  let followedByWs = isBlankz(chars[1]);
  let prevSpace = false;
  let prevBreak = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) flowInd = blockInd = true;
      if (ch === '?' || ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '-' && followedByWs) flowInd = blockInd = true;
    } else {
      if (',?[]{}'.includes(ch)) flowInd = true;
      if (ch === ':') {
        flowInd = true;
        if (followedByWs) blockInd = true;
      }
      if (ch === '#' && precededByWs) flowInd = blockInd = true;
    }
    if (!isPrintable(ch)) special = true;
    if (BREAKS.includes(ch)) lineBreaks = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === chars.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (BREAKS.includes(ch)) {
      if (i === 0) leadingBreak = true;
      if (i === chars.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = prevBreak = false;
    }
    precededByWs = isBlankz(ch);
    followedByWs = isBlankz(chars[i + 2]);
  }
  let flowPlain = true;
  let blockPlain = true;
  let singleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false;
  if (breakSpace) flowPlain = blockPlain = singleQuoted = false;
  if (spaceBreak || special) flowPlain = blockPlain = singleQuoted = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flowInd) flowPlain = false;
  if (blockInd) blockPlain = false;
  return { multiline: lineBreaks, flowPlain, blockPlain, singleQuoted };
}

const ESCAPES: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
};

interface Ctx {
  root?: boolean;
  mapping?: boolean;
  simpleKey?: boolean;
}

class Emitter {
  private out: string[] = [];
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent: number | null = null;
  private readonly indents: (number | null)[] = [];
  private flowLevel = 0;
  private readonly bestIndent: number;
  private readonly bestWidth: number;

  constructor(opts: DumpOptions) {
    this.bestIndent = opts.indent !== undefined && opts.indent > 1 && opts.indent < 10 ? opts.indent : 2;
    this.bestWidth = opts.width !== undefined && opts.width > this.bestIndent * 2 ? opts.width : 80;
  }

  document(root: YNode, opts: DumpOptions): string {
    if (opts.explicitStart) {
      this.writeIndent();
      this.writeIndicator('---', true);
    }
    this.node(root, { root: true });
    this.writeIndent();
    if (opts.explicitEnd) {
      this.writeIndicator('...', true);
      this.writeIndent();
    }
    return this.out.join('');
  }

  private increaseIndent(flow: boolean, indentless = false): void {
    this.indents.push(this.indent);
    if (this.indent === null) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }

  private node(n: YNode, ctx: Ctx): void {
    if (n.t === 's') {
      this.increaseIndent(true);
      this.scalar(n, ctx);
      this.indent = this.indents.pop()!;
    } else if (n.t === 'seq') {
      if (this.flowLevel || n.flow || !n.items.length) this.flowSeq(n.items);
      else this.blockSeq(n.items, ctx);
    } else if (this.flowLevel || n.flow || !n.pairs.length) this.flowMap(n.pairs);
    else this.blockMap(n.pairs);
  }

  private flowSeq(items: YNode[]): void {
    this.writeIndicator('[', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      this.node(item, {});
    });
    this.indent = this.indents.pop()!;
    this.flowLevel--;
    this.writeIndicator(']', false);
  }

  private flowMap(pairs: [YNode, YNode][]): void {
    this.writeIndicator('{', true, true);
    this.flowLevel++;
    this.increaseIndent(true);
    pairs.forEach(([k, v], i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      if (this.simpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true);
        this.node(k, { mapping: true });
        if (this.column > this.bestWidth) this.writeIndent();
        this.writeIndicator(':', true);
      }
      this.node(v, { mapping: true });
    });
    this.indent = this.indents.pop()!;
    this.flowLevel--;
    this.writeIndicator('}', false);
  }

  private blockSeq(items: YNode[], ctx: Ctx): void {
    // a list that is a mapping's value stays at its key's column
    this.increaseIndent(false, !!ctx.mapping && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item, {});
    }
    this.indent = this.indents.pop()!;
  }

  private blockMap(pairs: [YNode, YNode][]): void {
    this.increaseIndent(false);
    for (const [k, v] of pairs) {
      this.writeIndent();
      if (this.simpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(k, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(v, { mapping: true });
    }
    this.indent = this.indents.pop()!;
  }

  /** libyaml's check_simple_key: a one-line scalar of at most 128 bytes, or an empty collection */
  private simpleKey(n: YNode): boolean {
    if (n.t === 's') return Buffer.byteLength(n.text) <= 128 && !LINE_BREAK.test(n.text);
    return n.t === 'seq' ? !n.items.length : !n.pairs.length;
  }

  /** libyaml's select_scalar_style: plain, else single quotes, else double quotes */
  private scalar(n: Extract<YNode, { t: 's' }>, ctx: Ctx): void {
    const chars = Array.from(n.text);
    const a = analyze(chars);
    const split = !ctx.simpleKey;
    let style: 'plain' | 'single' | 'double' = ctx.simpleKey && a.multiline ? 'double' : 'plain';
    if (style === 'plain' && (!(this.flowLevel ? a.flowPlain : a.blockPlain) || (!chars.length && (this.flowLevel || ctx.simpleKey)) || !n.plain)) style = 'single';
    if (style === 'single' && !a.singleQuoted) style = 'double';
    if (style === 'plain') this.writePlain(chars, split);
    else if (style === 'single') this.writeSingleQuoted(chars, split);
    else this.writeDoubleQuoted(chars, split);
  }

  private write(data: string): void {
    this.out.push(data);
  }

  private writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ' ' + indicator;
    this.whitespace = whitespace;
    this.indention = this.indention && indention;
    this.column += data.length;
    this.write(data);
  }

  private writeIndent(): void {
    const indent = this.indent ?? 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak();
    if (this.column < indent) {
      this.whitespace = true;
      this.write(' '.repeat(indent - this.column));
      this.column = indent;
    }
  }

  private writeLineBreak(data = '\n'): void {
    this.whitespace = true;
    this.indention = true;
    this.column = 0;
    this.write(data);
  }

  /** the breaks of text[start, end): an extra line for a first \n (it folds to a space otherwise) */
  private writeBreaks(text: string[], start: number, end: number): void {
    if (text[start] === '\n') this.writeLineBreak();
    for (let i = start; i < end; i++) this.writeLineBreak(text[i] === '\n' ? '\n' : text[i]);
    this.writeIndent();
  }

  private writeSingleQuoted(text: string[], split: boolean): void {
    this.writeIndicator("'", true);
    this.writeRuns(text, split, true);
    this.writeIndicator("'", false);
  }

  private writeDoubleQuoted(text: string[], split: boolean): void {
    this.writeIndicator('"', true);
    let spaces = false;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (!isPrintable(ch) || ch === '\ufeff' || BREAKS.includes(ch) || ch === '"' || ch === '\\') {
        const c = ch.codePointAt(0)!;
        const data = ESCAPES[ch] !== undefined ? '\\' + ESCAPES[ch] : c <= 0xff ? `\\x${hex(c, 2)}` : c <= 0xffff ? `\\u${hex(c, 4)}` : `\\U${hex(c, 8)}`;
        this.column += data.length;
        this.write(data);
        spaces = false;
      } else if (ch === ' ') {
        // a single space past the width becomes a line break (a second space after it, an escape)
        if (split && !spaces && this.column > this.bestWidth && i !== 0 && i !== text.length - 1) {
          this.writeIndent();
          if (text[i + 1] === ' ') {
            this.column += 1;
            this.write('\\');
          }
        } else {
          this.column += 1;
          this.write(' ');
        }
        spaces = true;
      } else {
        this.column += 1;
        this.write(ch);
        spaces = false;
      }
    }
    this.writeIndicator('"', false);
  }

  private writePlain(text: string[], split: boolean): void {
    if (!text.length) return;
    if (!this.whitespace) {
      this.column += 1;
      this.write(' ');
    }
    this.whitespace = false;
    this.indention = false;
    this.writeRuns(text, split, false);
  }

  /**
   * The text of a plain or single-quoted scalar: a single space past the width becomes a line
   * break (with `split`), a run of line breaks folded lines, and in quotes a ' is doubled. Plain
   * text has no line breaks and no space at either end (analyze allows none), and after a line it
   * starts leaves whitespace and indention off as before it.
   */
  private writeRuns(text: string[], split: boolean, quoted: boolean): void {
    let spaces = false;
    let breaks = false;
    let start = 0;
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined;
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > this.bestWidth && split && start !== 0 && end !== text.length) {
            this.writeIndent();
            if (!quoted) this.whitespace = this.indention = false;
          } else this.writeText(text, start, end);
          start = end;
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          this.writeBreaks(text, start, end);
          start = end;
        }
      } else if (ch === undefined || ' \n\x85\u2028\u2029'.includes(ch) || (quoted && ch === "'")) {
        if (start < end) {
          this.writeText(text, start, end);
          start = end;
        }
      }
      if (quoted && ch === "'") {
        this.column += 2;
        this.write("''");
        start = end + 1;
      }
      if (ch !== undefined) {
        spaces = ch === ' ';
        breaks = BREAKS.includes(ch);
      }
    }
  }

  private writeText(text: string[], start: number, end: number): void {
    this.column += end - start;
    this.write(text.slice(start, end).join(''));
  }
}

function hex(n: number, width: number): string {
  return n.toString(16).toUpperCase().padStart(width, '0');
}

/** yaml.dump's text of a represented value (allow_unicode). */
export function dumpYaml(root: YNode, opts: DumpOptions): string {
  return new Emitter(opts).document(root, opts);
}
