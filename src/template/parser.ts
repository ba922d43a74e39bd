/**
 * Parsing Jinja2 templates: nunjucks' lexer and parser, adjusted where Jinja2's grammar differs
 * (tests bind like filters, `x is test arg`, `foo.0` indexes, dict keys are expressions, tuples,
 * `for ... if`, `set ns.attr`), plus Jinja2's brace balancing inside tags and the recognition of
 * a template that is a single `{{ expr }}`. Code generation is in codegen.ts.
 */
import { BaseParser, lexer, nodes, type NjNode, type NjToken } from './nunjucks.js';
import type { TemplateSyntax } from './types.js';

const LEXER_OPTS = { trimBlocks: true, lstripBlocks: false };

const ARG_START = new Set(
  [lexer.TOKEN_SYMBOL, lexer.TOKEN_STRING, lexer.TOKEN_INT, lexer.TOKEN_FLOAT, lexer.TOKEN_LEFT_BRACKET, lexer.TOKEN_LEFT_CURLY, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN],
);
const NOT_ARG = new Set(['else', 'or', 'and', 'if', 'is', 'not', 'in']);

/** Parser: nunjucks' postfix parsing plus `foo.0`, `foo.0.bar`, `foo.1.2` (the lexer reads "0." / "1.2" as floats). */
class KbsParser extends BaseParser {
  constructor(tokens: unknown) {
    super(tokens);
  }

  /**
   * `x is test`, `x is not test`, `x is test(a, b)` and, as in Jinja2, one argument without
   * parentheses: `x is in ['a']`, `n is divisibleby 3`, `x is sameas none`.
   */
  parseIs(): NjNode {
    return this.parseCompare() as NjNode;
  }

  /**
   * Filters and tests bind as in Jinja2: both are postfix operators read in one loop after a
   * unary expression, so `x is string | ternary(a, b)` is `(x is string) | ternary(a, b)` and
   * `a == b is number` is `a == (b is number)`.
   */
  parseFilter(node: NjNode): NjNode {
    node = super.parseFilter(node) as NjNode;
    while ((this.peekToken() as NjToken | null)?.type === lexer.TOKEN_SYMBOL && (this.peekToken() as NjToken).value === 'is') {
      node = super.parseFilter(this.parseTest(node)) as NjNode;
    }
    return node;
  }

  /**
   * `x is test`, `x is not test`, `x is test(a, b)` and, as in Jinja2, one argument without
   * parentheses: `x is in ['a']`, `n is divisibleby 3`, `x is sameas none`.
   */
  parseTest(node: NjNode): NjNode {
    const isTok = this.nextToken() as NjToken;
    const not = this.skipSymbol('not');
    const tok = this.nextToken() as NjToken | null;
    let name: string;
    if (tok && tok.type === lexer.TOKEN_SYMBOL) {
      name = tok.value;
      while (this.skipValue(lexer.TOKEN_OPERATOR, '.')) name += '.' + (this.expect(lexer.TOKEN_SYMBOL) as NjToken).value;
    } else if (tok && tok.type === lexer.TOKEN_NONE) name = 'none';
    else if (tok && tok.type === lexer.TOKEN_BOOLEAN) name = tok.value;
    else {
      this.fail('expected a test name after "is"', tok?.lineno ?? isTok.lineno, tok?.colno ?? isTok.colno);
      return node;
    }
    const t = tok as NjToken;
    let args: NjNode;
    const next = this.peekToken() as NjToken | null;
    if (next && next.type === lexer.TOKEN_LEFT_PAREN) {
      args = this.parseSignature() as NjNode;
    } else if (next && ARG_START.has(next.type) && !(next.type === lexer.TOKEN_SYMBOL && NOT_ARG.has(next.value))) {
      args = new nodes.NodeList(next.lineno, next.colno, [this.parsePrimary()]);
    } else {
      args = new nodes.NodeList(t.lineno, t.colno, []);
    }
    const test = new nodes.FunCall(t.lineno, t.colno, new nodes.Symbol(t.lineno, t.colno, name), args);
    node = new nodes.Is(node.lineno, node.colno, node, test);
    return not ? new nodes.Not(node.lineno, node.colno, node) : node;
  }

  /** A float literal (`1.0`, `1e3`) stays a float, so that it prints as Python prints it. */
  parsePrimary(noPostfix?: boolean): NjNode {
    const tok = this.peekToken() as NjToken | null;
    if (tok && tok.type === lexer.TOKEN_STRING) {
      // adjacent string literals are one string, as in Jinja2 (and Python): `"a" "b"` is "ab"
      const node = super.parsePrimary(true) as NjNode;
      while ((this.peekToken() as NjToken | null)?.type === lexer.TOKEN_STRING) node.value = String(node.value) + (this.nextToken() as NjToken).value;
      return noPostfix ? node : (this.parsePostfix(node) as NjNode);
    }
    const node = super.parsePrimary(noPostfix) as NjNode;
    if (tok && tok.type === lexer.TOKEN_FLOAT && node.typename === 'Literal') node.kbsFloat = true;
    return node;
  }

  /** Jinja2's conditional expression: the else part is itself one, so `a if c else b if d else e` chains. */
  parseInlineIf(): NjNode {
    let node = this.parseOr() as NjNode;
    while (this.skipSymbol('if')) {
      const cond = this.parseOr() as NjNode;
      const inline = new nodes.InlineIf(node.lineno, node.colno);
      inline.body = node;
      inline.cond = cond;
      inline.else_ = this.skipSymbol('else') ? this.parseInlineIf() : null;
      node = inline;
    }
    return node;
  }

  /**
   * `{% for %}` as in Jinja2: the iterable is read without an inline if, so that
   * `{% for x in items if cond %}` is a loop filter (kept on the node as `kbsFilter`).
   */
  parseFor(): NjNode {
    const forTok = this.peekToken() as NjToken;
    if (!this.skipSymbol('for')) return super.parseFor();
    const node = new nodes.For(forTok.lineno, forTok.colno);
    node.name = this.parsePrimary();
    if (!(node.name instanceof nodes.Symbol)) this.fail('expected a variable name after "for"', forTok.lineno, forTok.colno);
    if ((this.peekToken() as NjToken).type === lexer.TOKEN_COMMA) {
      const first = node.name as NjNode;
      node.name = new nodes.Array(first.lineno, first.colno);
      node.name.addChild(first);
      while (this.skip(lexer.TOKEN_COMMA)) node.name.addChild(this.parsePrimary());
    }
    if (!this.skipSymbol('in')) this.fail('expected "in" in the for loop', forTok.lineno, forTok.colno);
    node.arr = this.parseOr();
    if ((this.peekToken() as NjToken).type === lexer.TOKEN_COMMA) {
      // an implicit tuple, as in Jinja2: `{% for x in "a", "b" %}`
      const first = node.arr as NjNode;
      node.arr = new nodes.Array(first.lineno, first.colno);
      node.arr.addChild(first);
      while (this.skip(lexer.TOKEN_COMMA)) {
        const t = this.peekToken() as NjToken | null;
        if (!t || t.type === lexer.TOKEN_BLOCK_END || (t.type === lexer.TOKEN_SYMBOL && t.value === 'if')) break;
        node.arr.addChild(this.parseOr());
      }
    }
    if (this.skipSymbol('if')) node.kbsFilter = this.parseExpression();
    this.advanceAfterBlockEnd(forTok.value);
    node.body = this.parseUntilBlocks('endfor', 'else');
    if (this.skipSymbol('else')) {
      this.advanceAfterBlockEnd('else');
      node.else_ = this.parseUntilBlocks('endfor');
    }
    this.advanceAfterBlockEnd();
    return node;
  }

  /** `[i]` or a slice `[a:b:c]` (any part optional); the Slice is a pseudo node compiled by KbsCompiler. */
  parseSubscript(): NjNode {
    const open = this.nextToken() as NjToken;
    const parts: Array<NjNode | null> = [null, null, null];
    let idx = 0;
    let isSlice = false;
    for (;;) {
      const tok = this.peekToken() as NjToken | null;
      if (!tok) this.fail('unexpected end of expression in subscript', open.lineno, open.colno);
      const t = tok as NjToken;
      if (t.type === lexer.TOKEN_RIGHT_BRACKET) {
        this.nextToken();
        break;
      }
      if (t.type === lexer.TOKEN_COLON) {
        this.nextToken();
        isSlice = true;
        if (++idx > 2) this.fail('too many slice components', t.lineno, t.colno);
        continue;
      }
      if (parts[idx]) this.fail('expected ] or : in subscript', t.lineno, t.colno);
      parts[idx] = this.parseExpression() as NjNode;
    }
    if (!isSlice) {
      if (!parts[0]) this.fail('empty subscript', open.lineno, open.colno);
      return parts[0] as NjNode;
    }
    const slice = { kbsPseudo: true, typename: 'Slice', start: parts[0], stop: parts[1], step: parts[2], lineno: open.lineno, colno: open.colno };
    return slice as unknown as NjNode;
  }

  /** List, dict and tuple literals; trailing commas allowed, `(a,)` and `()` are tuples (lists). */
  parseAggregate(): NjNode | null {
    const tok = this.nextToken() as NjToken;
    let node: NjNode;
    let close: string;
    if (tok.type === lexer.TOKEN_LEFT_PAREN) {
      node = new nodes.Group(tok.lineno, tok.colno);
      close = lexer.TOKEN_RIGHT_PAREN;
    } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
      node = new nodes.Array(tok.lineno, tok.colno);
      close = lexer.TOKEN_RIGHT_BRACKET;
    } else if (tok.type === lexer.TOKEN_LEFT_CURLY) {
      node = new nodes.Dict(tok.lineno, tok.colno);
      close = lexer.TOKEN_RIGHT_CURLY;
    } else {
      return null;
    }
    let tuple = false;
    for (;;) {
      const peek = this.peekToken() as NjToken | null;
      if (!peek) this.fail('unexpected end of expression: unclosed bracket', tok.lineno, tok.colno);
      if ((peek as NjToken).type === close) {
        this.nextToken();
        break;
      }
      if (node.children.length > 0) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail('expected comma after expression', (peek as NjToken).lineno, (peek as NjToken).colno);
        tuple = true;
        if (this.skip(close)) break;
      }
      if (node.typename === 'Dict') {
        const key = this.parsePrimary() as NjNode;
        if (!this.skip(lexer.TOKEN_COLON)) this.fail('expected colon after dict key', key.lineno, key.colno);
        const value = this.parseExpression() as NjNode;
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, value));
      } else {
        node.addChild(this.parseExpression() as NjNode);
      }
    }
    if (node.typename === 'Group' && (tuple || node.children.length === 0)) {
      const arr = new nodes.Array(tok.lineno, tok.colno, node.children);
      arr.kbsTuple = true;
      return arr;
    }
    return node;
  }

  parsePostfix(node: NjNode): NjNode {
    const lit = (v: unknown, t: NjToken) => new nodes.Literal(t.lineno, t.colno, v);
    let tok = this.peekToken() as NjToken | null;
    while (tok) {
      if (tok.type === lexer.TOKEN_LEFT_PAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === lexer.TOKEN_LEFT_BRACKET) {
        node = new nodes.LookupVal(tok.lineno, tok.colno, node, this.parseSubscript());
      } else if (tok.type === lexer.TOKEN_OPERATOR && tok.value === '.') {
        this.nextToken();
        const val = this.nextToken() as NjToken | null;
        if (!val) this.fail('expected name as lookup value, got end of expression', tok.lineno, tok.colno);
        const v = val as NjToken;
        if (v.type === lexer.TOKEN_SYMBOL) {
          node = new nodes.LookupVal(tok.lineno, tok.colno, node, lit(v.value, v));
        } else if (v.type === lexer.TOKEN_INT) {
          node = new nodes.LookupVal(tok.lineno, tok.colno, node, lit(parseInt(v.value, 10), v));
        } else if (v.type === lexer.TOKEN_FLOAT) {
          const [a, b] = v.value.split('.');
          node = new nodes.LookupVal(tok.lineno, tok.colno, node, lit(parseInt(a, 10), v));
          if (b) {
            node = new nodes.LookupVal(tok.lineno, tok.colno, node, lit(parseInt(b, 10), v));
          } else {
            // "0." swallowed the dot of ".bar": the next token is the attribute name
            const attr = this.nextToken() as NjToken | null;
            if (!attr || (attr.type !== lexer.TOKEN_SYMBOL && attr.type !== lexer.TOKEN_INT)) {
              this.fail('expected name as lookup value', v.lineno, v.colno);
            }
            const at = attr as NjToken;
            const key = at.type === lexer.TOKEN_INT ? parseInt(at.value, 10) : at.value;
            node = new nodes.LookupVal(tok.lineno, tok.colno, node, lit(key, at));
          }
        } else {
          this.fail('expected name as lookup value, got ' + v.value, v.lineno, v.colno);
        }
      } else {
        break;
      }
      tok = this.peekToken();
    }
    return node;
  }
}

const RAW_BLOCK = /^\{%-?\s*(raw|verbatim)\s*-?%\}/;

/**
 * Jinja2's lexer balances braces inside tags, nunjucks' does not: in `{{ {'a': {'b': 1}} }}` it
 * reads the first `}}` as the end of the tag. Put a space between a closing brace of a dict
 * literal and a following `}` (inside tags only, outside string literals).
 */
export function balanceBraces(s: string): string {
  if (!/\}\}/.test(s)) return s;
  let out = '';
  let i = 0;
  const n = s.length;
  while (i < n) {
    if (s.startsWith('{#', i)) {
      const end = s.indexOf('#}', i + 2);
      const stop = end < 0 ? n : end + 2;
      out += s.slice(i, stop);
      i = stop;
      continue;
    }
    const raw = s[i] === '{' && s[i + 1] === '%' ? RAW_BLOCK.exec(s.slice(i, i + 40)) : null;
    if (raw) {
      const endRe = new RegExp(`\\{%-?\\s*end${raw[1]}\\s*-?%\\}`, 'g');
      endRe.lastIndex = i + raw[0].length;
      const m = endRe.exec(s);
      const stop = m ? m.index + m[0].length : n;
      out += s.slice(i, stop);
      i = stop;
      continue;
    }
    if (!(s.startsWith('{{', i) || s.startsWith('{%', i))) {
      out += s[i++];
      continue;
    }
    const close = s[i + 1] === '{' ? '}}' : '%}';
    out += s.slice(i, i + 2);
    i += 2;
    let depth = 0;
    while (i < n) {
      const c = s[i];
      if (c === '"' || c === "'") {
        let j = i + 1;
        while (j < n && s[j] !== c) j += s[j] === '\\' ? 2 : 1;
        out += s.slice(i, j + 1);
        i = j + 1;
        continue;
      }
      if (depth === 0 && (s.startsWith(close, i) || (c === '-' && s.startsWith(close, i + 1)))) break;
      if (c === '{') depth++;
      if (c === '}' && depth > 0) {
        depth--;
        out += s[i + 1] === '}' ? '} ' : '}';
        i++;
        continue;
      }
      out += c;
      i++;
    }
  }
  return out;
}

/** `syntax`: other delimiters and trim/lstrip options (the template module's *_string arguments). */
export function parse(source: string, syntax?: TemplateSyntax): NjNode {
  if (syntax) {
    const { trimBlocks, lstripBlocks, escapeBackslashes, ...tags } = syntax;
    const opts = { trimBlocks: trimBlocks ?? LEXER_OPTS.trimBlocks, lstripBlocks: lstripBlocks ?? LEXER_OPTS.lstripBlocks, tags };
    const defaultTags = Object.values(tags).every((t) => t === undefined);
    return new KbsParser(escaping(lexer.lex(defaultTags ? balanceBraces(source) : source, opts), escapeBackslashes !== false)).parseAsRoot() as NjNode;
  }
  const parser = new KbsParser(escaping(lexer.lex(balanceBraces(source), LEXER_OPTS), true));
  return parser.parseAsRoot() as NjNode;
}

/** tell the tokenizer whether string literals inside `{{ }}` keep their backslashes (nunjucks.ts) */
function escaping<T>(tokenizer: T, on: boolean): T {
  (tokenizer as { kbsEscapeBackslashes?: boolean }).kbsEscapeBackslashes = on;
  return tokenizer;
}

/** Ansible's STRING_TYPE_FILTERS: their text is never read back as a list, dict or boolean. */
const STRING_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml', 'ppretty', 'json']);

/**
 * If the template is a single `{{ expr }}` with only whitespace (or comments) around it, return
 * the text before and after it, and whether the expression ends in a filter whose text result
 * stays text (`{{ x | to_json }}`); otherwise undefined.
 */
export function singleExpression(root: NjNode): { lead: string; trail: string; text?: boolean } | undefined {
  let lead = '';
  let trail = '';
  let seen = 0;
  let expr: NjNode | undefined;
  for (const child of root.children) {
    if (child.typename !== 'Output') return undefined;
    for (const c of child.children) {
      if (c.typename === 'TemplateData') {
        const text = String(c.value ?? '');
        if (text.trim() !== '') return undefined;
        if (seen) trail += text;
        else lead += text;
      } else if (++seen > 1) return undefined;
      else expr = c;
    }
  }
  if (seen !== 1) return undefined;
  while (expr && expr.typename === 'Group' && expr.children?.length === 1) expr = expr.children[0];
  const name = expr?.typename === 'Filter' ? String(expr.name?.value ?? '').replace(/^ansible\.builtin\./, '') : '';
  return STRING_FILTERS.has(name) ? { lead, trail, text: true } : { lead, trail };
}
