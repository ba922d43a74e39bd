/**
 * Python's float next to its int. JavaScript has one number type: a number that is not whole can
 * only be a float, but 5 and 5.0 are the same number. A float with a whole value (`10 / 2`, `1.0`,
 * `2.5 * 2`, `x | float`, `x: 5.0` in YAML) is kept in a PyFloat box, so that it prints as Python
 * prints it (`5.0`): in templates, in variables (set_fact, registered results) and in output.
 * Filters, tests and calls receive plain numbers unless they are float-aware; module arguments are
 * plain numbers (or Python's text of the float where the module wants a string).
 */
export class PyFloat {
  readonly pyFloat = true;
  constructor(readonly value: number) {}
  valueOf(): number {
    return this.value;
  }
  toJSON(): number {
    return this.value;
  }
  toString(): string {
    return floatRepr(this.value);
  }
}

/** A float result: boxed when whole, else the plain number. */
export function pyFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

export function isPyFloat(v: unknown): v is PyFloat {
  return v instanceof PyFloat;
}

/** True for a Python float: a boxed whole float, or any number that is not whole. */
export function isFloatValue(v: unknown): boolean {
  return v instanceof PyFloat || (typeof v === 'number' && !Number.isInteger(v));
}

/** The number in a box, or the value as it is. */
export function unbox<T>(v: T): T | number {
  return v instanceof PyFloat ? v.value : v;
}

/** `unbox` for each argument, and for the items of list arguments. */
export function unboxArgs(args: unknown[]): unknown[] {
  let out = args;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    let b: unknown = a;
    if (a instanceof PyFloat) b = a.value;
    else if (Array.isArray(a) && a.some((x) => x instanceof PyFloat)) b = a.map(unbox);
    if (b !== a) {
      if (out === args) out = args.slice();
      out[i] = b;
    }
  }
  return out;
}

/** Python's repr() of a float: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return 'inf';
  if (n === -Infinity) return '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [mant, expText] = n.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 16) {
    return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let s: string;
  if (exp >= 0) {
    const int = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digits.slice(exp + 1);
    s = `${int}.${frac || '0'}`;
  } else {
    s = `0.${'0'.repeat(-exp - 1)}${digits}`;
  }
  return (neg ? '-' : '') + s;
}

/** Python's str() of an int held in a double: exact digits, also past 2**53. */
export function intRepr(n: number): string {
  return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
}

/** marks a float in JSON text while it is written (then replaced by the float's digits) */
const MARK = `@kbs-pyfloat-${Math.random().toString(36).slice(2)}:`;
const MARKED = new RegExp(`"${MARK}([^"]*)"`, 'g');

/** JSON.stringify that writes whole floats as Python's json.dumps does (`5.0`, not `5`). */
export function jsonText(v: unknown, indent?: number): string {
  let marked = false;
  const text = JSON.stringify(
    v,
    function (this: Record<string, unknown>, key: string, x: unknown) {
      const raw = this[key];
      if (!(raw instanceof PyFloat)) return x;
      marked = true;
      return MARK + floatRepr(raw.value);
    },
    indent,
  );
  return marked ? text.replace(MARKED, '$1') : text;
}

/** |x| as m * 2^e exactly (x finite) */
function decompose(x: number): [bigint, number] {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, Math.abs(x));
  const hi = dv.getUint32(0);
  const lo = dv.getUint32(4);
  const exp = (hi >>> 20) & 0x7ff;
  const frac = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  return exp === 0 ? [frac, -1074] : [frac | (1n << 52n), exp - 1075];
}

/**
 * Python's '%.Nf' (and '{:.Nf}'): x with N decimals, an exact tie rounded half to even as C's
 * printf does (JavaScript's toFixed rounds it up: 1.125 is 1.13 there, 1.12 in Python).
 */
export function toFixedPy(x: number, digits: number): string {
  // from 1e21 on toFixed writes an exponent; such doubles are whole numbers
  if (Number.isFinite(x) && Math.abs(x) >= 1e21) return `${BigInt(x)}${digits > 0 ? `.${'0'.repeat(digits)}` : ''}`;
  const s = x.toFixed(digits);
  if (!Number.isFinite(x) || digits > 100) return s;
  const [m, e] = decompose(x);
  if (e >= 0) return s;
  const scaled = m * 10n ** BigInt(digits);
  const den = 1n << BigInt(-e);
  if ((scaled % den) * 2n !== den) return s;
  let n = scaled / den;
  if (n % 2n === 1n) n += 1n;
  const text = n.toString().padStart(digits + 1, '0');
  return (x < 0 ? '-' : '') + (digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text);
}
