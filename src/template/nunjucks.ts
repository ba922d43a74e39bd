/**
 * Typed access to the nunjucks internals kbs builds on (lexer, parser, compiler, nodes, runtime).
 * nunjucks is CommonJS without type declarations for its internals, so the few shapes we touch are
 * declared here and nowhere else.
 */
import { createRequire } from 'node:module';
import { readPyString, readRawString } from './strlit.js';

const require = createRequire(import.meta.url);

/** An AST node; fields vary by node type, so they are looked up by name. */
export interface NjNode {
  typename: string;
  lineno: number;
  colno: number;
  children: NjNode[];
  value: unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [field: string]: any;
}

export interface NjFrame {
  lookup(name: string): unknown;
  set(name: string, val: unknown, resolveUp?: boolean): void;
  push(isolate?: boolean): NjFrame;
  topLevel: boolean;
}

export interface NjToken {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

interface NunjucksModule {
  lexer: { lex(src: string, opts?: object): unknown } & Record<string, string>;
  parser: { Parser: unknown };
  compiler: { Compiler: unknown };
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  nodes: Record<string, new (...args: any[]) => NjNode>;
  runtime: Record<string, unknown> & {
    Frame: new (parent?: NjFrame, isolate?: boolean) => NjFrame;
    SafeString: new (s: string) => object;
  };
  lib: { TemplateError: new (msg: string, lineno?: number, colno?: number) => Error };
}

export const nj = require('nunjucks') as NunjucksModule;
export const transformer = require('nunjucks/src/transformer.js') as {
  transform(ast: NjNode, asyncFilters: string[], name?: string): NjNode;
};
export const lexer = nj.lexer;

// String literals unescaped as Jinja2 (Python) does: see strlit.ts.
{
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const proto = Object.getPrototypeOf(nj.lexer.lex('')) as any;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  proto._parseString = function (this: any): string {
    // Ansible's escape_backslashes (data, not template files): inside {{ }} a literal keeps its backslashes
    const { value, end } = (this.kbsEscapeBackslashes && this.kbsInVariable ? readRawString : readPyString)(this.str as string, this.index as number);
    this.forwardN(end - this.index);
    return value;
  };
  // Number literals as Jinja2 reads them: exponents (`1e3`, `1.5e-3`) and `_` separators (`1_000`).
  const baseNext = proto.nextToken as () => NjToken | null;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  proto.nextToken = function (this: any): NjToken | null {
    const tok = baseNext.call(this);
    if (tok && tok.type === nj.lexer.TOKEN_VARIABLE_START) this.kbsInVariable = true;
    else if (tok && tok.type === nj.lexer.TOKEN_VARIABLE_END) this.kbsInVariable = false;
    // Jinja2's trim_blocks removes the newline after a comment too
    if (tok && tok.type === nj.lexer.TOKEN_COMMENT && this.trimBlocks) {
      const rest = (this.str as string).slice(this.index as number, (this.index as number) + 2);
      if (rest.startsWith('\n')) this.forwardN(1);
      else if (rest === '\r\n') this.forwardN(2);
      else if (rest.startsWith('\r')) this.forwardN(1);
    }
    if (!tok || !this.in_code) return tok;
    if (tok.type === nj.lexer.TOKEN_SYMBOL && /^[0-9][0-9_]*(?:[eE][-+]?[0-9]+)?$/.test(tok.value) && !/_$|__/.test(tok.value)) {
      const v = tok.value.replace(/_/g, '');
      return { ...tok, type: /[eE]/.test(v) ? nj.lexer.TOKEN_FLOAT : nj.lexer.TOKEN_INT, value: v };
    }
    if (tok.type === nj.lexer.TOKEN_SYMBOL && /^[0-9][0-9_]*[eE]$/.test(tok.value)) {
      // `1e-3`: the sign ended the symbol
      const m = /^[-+][0-9]+/.exec((this.str as string).slice(this.index as number));
      if (m) {
        this.forwardN(m[0].length);
        return { ...tok, type: nj.lexer.TOKEN_FLOAT, value: tok.value.replace(/_/g, '') + m[0] };
      }
    }
    if (tok.type === nj.lexer.TOKEN_FLOAT && /^[0-9]+\.[0-9]+$/.test(tok.value)) {
      const m = /^[eE][-+]?[0-9]+/.exec((this.str as string).slice(this.index as number));
      if (m) {
        this.forwardN(m[0].length);
        return { ...tok, value: tok.value + m[0] };
      }
    }
    return tok;
  };
}
export const nodes = nj.nodes;
export const njRuntime = nj.runtime;
export const TemplateError = nj.lib.TemplateError;

// The base classes kbs subclasses (untyped JavaScript).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BaseParser = nj.parser.Parser as any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const BaseCompiler = nj.compiler.Compiler as any;

/** True for the keyword-arguments object nunjucks passes last to filters and calls. */
export function isKwargs(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && Object.prototype.hasOwnProperty.call(v, '__keywords');
}

export function isSafeString(v: unknown): v is object {
  return v instanceof njRuntime.SafeString;
}
