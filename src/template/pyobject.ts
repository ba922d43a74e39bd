/**
 * Python objects of the templater that are not JSON-like data (datetime, timedelta): each says how
 * it prints (str, repr), compares, counts as true, takes part in + and -, and which attributes
 * and methods it has. python.ts and runtime.ts ask these methods; a template's result turns such
 * an object into its text, as Ansible's (non-native) templating does.
 */
export abstract class PyObject {
  /** Python's type name (type_debug, error messages) */
  abstract readonly typeName: string;
  abstract str(): string;
  abstract repr(): string;
  truthy(): boolean {
    return true;
  }
  /** this == other */
  abstract equals(other: unknown): boolean;
  /** -1, 0, 1; undefined when the two do not compare (Python raises TypeError) */
  order(_other: unknown): number | undefined {
    return undefined;
  }
  /** `this OP other` (reflected: `other OP this`); undefined when unsupported */
  arith(_op: string, _other: unknown, _reflected: boolean): unknown {
    return undefined;
  }
  /** the JSON text of to_json (Ansible's encoder: a datetime is its isoformat()); undefined: not serializable */
  jsonText(): string | undefined {
    return undefined;
  }
  /** an attribute or a bound method; undefined when there is none */
  abstract attr(name: string): unknown;
}
