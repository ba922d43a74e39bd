/**
 * Strict undefined, the Ansible way: looking up a missing variable or key yields an `Undefined`
 * value instead of throwing, so `is defined`, `default(...)` and chained lookups (`foo.bar.baz |
 * default(1)`) work. Any other use of it (output, arithmetic, comparison, truth test, most filters)
 * throws a KbsError UNDEFINED that names the variable.
 */
import { KbsError } from '../errors.js';

export class Undefined {
  /**
   * @param name   the expression that was looked up ("foo", "foo.bar", "hostvars[h].x")
   * @param reason Jinja-style reason ("'foo' is undefined", "'dict object' has no attribute 'bar'")
   * @param hint   optional fix suggestion (did you mean ...), computed only when the error is raised
   */
  constructor(
    readonly name: string,
    readonly reason: string,
    private readonly hint?: string | (() => string | undefined),
  ) {}

  error(): KbsError {
    const message = this.reason.endsWith('is undefined')
      ? this.reason
      : `'${this.name}' is undefined: ${this.reason}`;
    return new KbsError('UNDEFINED', message, {
      hint: (typeof this.hint === 'function' ? this.hint() : this.hint) ?? DEFAULT_HINT,
      detail: { variable: this.name },
    });
  }

  // Every implicit conversion is a use of the undefined value.
  [Symbol.toPrimitive](): never {
    throw this.error();
  }
  toString(): never {
    throw this.error();
  }
  toJSON(): never {
    throw this.error();
  }
}

const DEFAULT_HINT = 'define it (vars, inventory, register) or use "| default(...)"';

/** Throw the variable's UNDEFINED error if `v` is Undefined; otherwise return it. */
export function defined<T>(v: T): Exclude<T, Undefined> {
  if (v instanceof Undefined) throw v.error();
  return v as Exclude<T, Undefined>;
}

/** True if the error is the strict-undefined error of a template. */
export function isUndefinedError(err: unknown): err is KbsError {
  return err instanceof KbsError && err.code === 'UNDEFINED';
}

export function missingVariable(name: string, hint?: string | (() => string | undefined)): Undefined {
  return new Undefined(name, `'${name}' is undefined`, hint);
}
