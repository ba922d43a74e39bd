/**
 * Code generation: nunjucks' compiler, adjusted where Jinja2 semantics differ from nunjucks'
 * JavaScript ones:
 *  - every truth test (`if`, `and`, `or`, `not`, inline if) uses Python truthiness and raises on
 *    undefined values;
 *  - comparisons and arithmetic follow Python (`[1] + [2]`, `'1' == 1`, chained `a < b < c`);
 *  - attribute lookups carry the expression text (`foo.bar`) so undefined errors can name it;
 *  - dict literal keys are expressions (`{item.key: item.value}`), tuples become lists;
 *  - `foo.0` indexes a list; `for` over a dict iterates its keys;
 *  - `{% for x in items if cond %}` filters the loop; `{% set ns.attr = v %}` changes a namespace();
 *  - a "native" mode captures the value of a single `{{ expr }}` instead of printing it.
 * The parser is in parser.ts.
 */
import { BaseCompiler, transformer, type NjFrame, type NjNode } from './nunjucks.js';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Jinja-like source text of an expression, for error messages ("foo.bar", "hostvars[host].x"). */
export function exprText(node: NjNode | null | undefined): string {
  if (!node) return '?';
  switch (node.typename) {
    case 'Symbol':
      return String(node.value);
    case 'Literal':
      return typeof node.value === 'string' ? `'${node.value}'` : String(node.value);
    case 'LookupVal': {
      const target = exprText(node.target);
      const v = node.val as NjNode;
      if (v.typename === 'Literal' && typeof v.value === 'string' && IDENT.test(v.value)) return `${target}.${v.value}`;
      return `${target}[${exprText(v)}]`;
    }
    case 'FunCall':
      return `${exprText(node.name)}(...)`;
    case 'Filter':
      return `(${exprText(node.args?.children?.[0])} | ${exprText(node.name)})`;
    default:
      return '...';
  }
}

interface Pseudo {
  kbsPseudo: true;
  typename: string;
  target: NjNode;
  dims?: number;
}

function pseudo(typename: string, target: NjNode, dims?: number): NjNode {
  const p: Pseudo = { kbsPseudo: true, typename, target, dims };
  return p as unknown as NjNode;
}

const ARITH: Record<string, string> = {
  Add: '+',
  Sub: '-',
  Mul: '*',
  Div: '/',
  FloorDiv: '//',
  Mod: '%',
  Pow: '**',
  Concat: '~',
};

class KbsCompiler extends BaseCompiler {
  native = false;
  /** In native mode, the root's Output nodes (whose single expression's value is captured). */
  nativeOutputs = new Set<NjNode>();

  constructor(name: string, throwOnUndefined: boolean) {
    super(name, throwOnUndefined);
  }

  assertType(node: NjNode, ...types: unknown[]): void {
    if (node && (node as unknown as Pseudo).kbsPseudo) return;
    super.assertType(node, ...types);
  }

  compileKbsTruthy(node: Pseudo, frame: unknown): void {
    this._emit('runtime.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  compileKbsIter(node: Pseudo, frame: unknown): void {
    this._emit('runtime.kbsIter(');
    this.compile(node.target, frame);
    this._emit(`, ${node.dims ?? 1})`);
  }

  compileIf(node: NjNode, frame: unknown, async?: boolean): void {
    node.cond = pseudo('KbsTruthy', node.cond);
    super.compileIf(node, frame, async);
  }

  compileLiteral(node: NjNode, frame: unknown): void {
    if (node.kbsFloat && typeof node.value === 'number') {
      this._emit(`runtime.kbsFloat(${String(node.value)})`);
      return;
    }
    super.compileLiteral(node, frame);
  }

  compileInlineIf(node: NjNode, frame: unknown): void {
    this._emit('(runtime.truthy(');
    this.compile(node.cond, frame);
    this._emit(') ? (');
    this.compile(node.body, frame);
    this._emit(') : (');
    if (node.else_ !== null) this.compile(node.else_, frame);
    else this._emit('""');
    this._emit('))');
  }

  private logical(node: NjNode, frame: unknown, fn: string): void {
    this._emit(`runtime.${fn}(`);
    this.compile(node.left, frame);
    this._emit(', function() { return ');
    this.compile(node.right, frame);
    this._emit('; })');
  }

  compileAnd(node: NjNode, frame: unknown): void {
    this.logical(node, frame, 'kbsAnd');
  }

  compileOr(node: NjNode, frame: unknown): void {
    this.logical(node, frame, 'kbsOr');
  }

  compileNot(node: NjNode, frame: unknown): void {
    this._emit('!runtime.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  /** `x is test` / `x is test(a, b)`; nunjucks drops the commas between test arguments. */
  compileIs(node: NjNode, frame: unknown): void {
    const right = node.right as NjNode;
    const name = right.name ? right.name.value : right.value;
    if (this.vaultTest(String(name), node.left as NjNode, frame)) return;
    this._emit(`env.getTest(${JSON.stringify(String(name))}).call(context, `);
    this.compile(node.left, frame);
    if (right.args && right.args.children.length) {
      this._emit(',');
      this._compileAggregate(right.args, frame);
    }
    this._emit(') === true');
  }

  /**
   * `x is vault_encrypted` on a variable or an attribute/item of one: whether that slot holds a
   * value decrypted from `!vault` (src/vault/marks.ts); the value alone cannot tell.
   */
  private vaultTest(name: string, left: NjNode, frame: unknown): boolean {
    if (name.replace(/^ansible\.builtin\./, '') !== 'vault_encrypted') return false;
    env: {
      if (left.typename === 'Symbol') {
        if ((frame as NjFrame).lookup(String(left.value))) break env;
        this._emit(`(env.getTest(${JSON.stringify(name)}), runtime.kbsVaultVar(context, frame, ${JSON.stringify(String(left.value))}))`);
        return true;
      }
      if (left.typename === 'LookupVal' && (left.val as NjNode)?.typename !== 'Slice') {
        this._emit(`(env.getTest(${JSON.stringify(name)}), runtime.kbsVaultMember(`);
        this._compileExpression(left.target as NjNode, frame);
        this._emit(', ');
        this._compileExpression(left.val as NjNode, frame);
        this._emit('))');
        return true;
      }
    }
    return false;
  }

  compileCompare(node: NjNode, frame: unknown): void {
    this._emit('runtime.kbsCompare(');
    this.compile(node.expr, frame);
    for (const op of node.ops as NjNode[]) {
      this._emit(`, ${JSON.stringify(op.type)}, `);
      this.compile(op.expr, frame);
    }
    this._emit(')');
  }

  private binary(node: NjNode, frame: unknown): void {
    this._emit(`runtime.kbsArith(${JSON.stringify(ARITH[node.typename])}, `);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  }

  compileAdd(n: NjNode, f: unknown): void {
    this.binary(n, f);
  }
  compileSub(n: NjNode, f: unknown): void {
    this.binary(n, f);
  }
  compileMul(n: NjNode, f: unknown): void {
    this.binary(n, f);
  }
  compileDiv(n: NjNode, f: unknown): void {
    this.binary(n, f);
  }
  compileFloorDiv(n: NjNode, f: unknown): void {
    this.binary(n, f);
  }
  compileMod(n: NjNode, f: unknown): void {
    this.binary(n, f);
  }
  compilePow(n: NjNode, f: unknown): void {
    this.binary(n, f);
  }
  compileConcat(n: NjNode, f: unknown): void {
    this.binary(n, f);
  }

  compileNeg(node: NjNode, frame: unknown): void {
    this._emit('runtime.kbsUnary("-", ');
    this.compile(node.target, frame);
    this._emit(')');
  }

  compilePos(node: NjNode, frame: unknown): void {
    this._emit('runtime.kbsUnary("+", ');
    this.compile(node.target, frame);
    this._emit(')');
  }

  compileLookupVal(node: NjNode, frame: unknown): void {
    const val = node.val as NjNode;
    if (val && val.typename === 'Slice') {
      this._emit('runtime.kbsSlice((');
      this._compileExpression(node.target, frame);
      this._emit(')');
      for (const part of [val.start, val.stop, val.step] as Array<NjNode | null>) {
        this._emit(', ');
        if (part) this._compileExpression(part, frame);
        else this._emit('null');
      }
      this._emit(')');
      return;
    }
    this._emit('runtime.memberLookup((');
    this._compileExpression(node.target, frame);
    this._emit('),');
    this._compileExpression(val, frame);
    this._emit(`, ${JSON.stringify(exprText(node))})`);
  }

  /** `(a, b)` is a tuple in Jinja: a list here. `(a)` is grouping. */
  /** A tuple literal is a list that prints as Python prints a tuple: `(1, 2)`. */
  compileArray(node: NjNode, frame: unknown): void {
    if (!node.kbsTuple) return super.compileArray(node, frame);
    this._emit('runtime.kbsTuple(');
    this._compileAggregate(node, frame, '[', ']');
    this._emit(')');
  }

  compileGroup(node: NjNode, frame: unknown): void {
    if (node.children.length === 1) this._compileAggregate(node, frame, '(', ')');
    else this._compileAggregate(node, frame, '[', ']');
  }

  /** Dict literal: keys are expressions in Jinja2 (`{name: 1}` uses the variable `name`). */
  compileDict(node: NjNode, frame: unknown): void {
    this._emit('runtime.kbsDict([');
    node.children.forEach((pair: NjNode, i: number) => {
      if (i > 0) this._emit(',');
      this._emit('[');
      this._compileExpression(pair.key, frame);
      this._emit(',');
      this._compileExpression(pair.value, frame);
      this._emit(']');
    });
    this._emit('])');
  }

  /** Keyword arguments keep nunjucks' form: names are literal. */
  compileKeywordArgs(node: NjNode, frame: unknown): void {
    this._emit('runtime.makeKeywordArgs(');
    BaseCompiler.prototype.compileDict.call(this, node, frame);
    this._emit(')');
  }

  compileFor(node: NjNode, frame: unknown): void {
    const dims = node.name && node.name.typename === 'Array' ? node.name.children.length : 1;
    node.arr = pseudo('KbsIter', node.arr, dims);
    if (node.kbsFilter) {
      const names = (dims > 1 ? node.name.children : [node.name]).map((n: NjNode) => String(n.value));
      node.arr = { ...pseudo('KbsLoopFilter', node.arr, dims), names, cond: node.kbsFilter } as unknown as NjNode;
    }
    super.compileFor(node, frame);
  }

  /** The loop filter: a function of the loop names, compiled in a frame where they are its parameters. */
  compileKbsLoopFilter(node: Pseudo & { names: string[]; cond: NjNode }, frame: NjFrame): void {
    const inner = frame.push();
    const ids = node.names.map((name) => {
      const id = this._tmpid() as string;
      inner.set(name, id);
      return id;
    });
    this._emit('runtime.kbsLoopFilter(');
    this.compile(node.target, frame);
    this._emit(`, ${node.dims ?? 1}, function(${ids.join(', ')}) { return runtime.truthy(`);
    this.compile(node.cond, inner);
    this._emit('); })');
  }

  /** `{% set ns.attr = value %}` (and the block form) changes a namespace(); other targets as nunjucks. */
  compileSet(node: NjNode, frame: unknown): void {
    const attr = node.targets.find((t: NjNode) => t.typename === 'LookupVal');
    if (!attr) {
      super.compileSet(node, frame);
      return;
    }
    if (node.targets.length !== 1 || attr.target.typename !== 'Symbol') {
      this.fail('only one namespace attribute (ns.attr) can be set at a time', attr.lineno, attr.colno);
    }
    this._emit('runtime.kbsSetAttr(');
    this.compile(attr.target, frame);
    this._emit(', ');
    this.compile(attr.val, frame);
    this._emit(', ');
    if (node.value) this._compileExpression(node.value, frame);
    else this.compile(node.body, frame);
    this._emitLine(');');
  }

  compileOutput(node: NjNode, frame: unknown): void {
    // only the template's own outputs: those inside a filter or call block's body print as usual
    if (!this.native || !this.nativeOutputs.has(node)) {
      super.compileOutput(node, frame);
      return;
    }
    for (const child of node.children) {
      if (child.typename === 'TemplateData') continue;
      this._emit('context.native = ');
      this.compile(child, frame);
      this._emitLine(';');
    }
  }
}

/** The JavaScript entry points of a compiled template. */
export interface CompiledProps {
  root: (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: (err: unknown, res: unknown) => void) => void;
  [block: string]: unknown;
}

/** Compile a parsed template to its JavaScript functions. */
export function compileAst(ast: NjNode, native: boolean, name = 'template'): CompiledProps {
  return instantiate(generateCode(ast, native, name));
}

/** The JavaScript source of a parsed template (what instantiate turns into its functions). */
export function generateCode(ast: NjNode, native: boolean, name = 'template'): string {
  const tree = transformer.transform(ast, [], name);
  const c = new KbsCompiler(name, false);
  c.native = native;
  if (native) c.nativeOutputs = new Set(tree.children);
  c.compile(tree);
  return c.getCode() as string;
}

/** A template's functions from the source generateCode made. */
export function instantiate(code: string): CompiledProps {
  return new Function(code)() as CompiledProps;
}
