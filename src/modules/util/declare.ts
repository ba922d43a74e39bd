/**
 * A module's arguments declared once, as Ansible's argument_spec: each argument's type, default,
 * choices and aliases, and the sets that are mutually exclusive or of which one is required. The
 * declaration yields the JSON Schema checked before any host is contacted (args may still hold
 * Jinja2 markup then) and a typed reader for the rendered args at run time.
 */
import { KbsError } from '../../errors.js';
import type { JsonSchema } from '../types.js';
import { intArg, listArg, optStr, toBool, toList } from './args.js';
import { parseMode, type ModeSpec } from './mode.js';
import { BOOL, INT, MODE, STR, STR_OR_LIST, argsSchema, oneOfStr } from './schema.js';

/** `mode`: a file mode (util/mode.ts); `any`: the value as given, checked by `schema` */
type ArgType = 'str' | 'bool' | 'int' | 'list' | 'mode' | 'any';

export interface ArgSpec {
  type: ArgType;
  required?: boolean;
  default?: unknown;
  choices?: readonly string[];
  aliases?: readonly string[];
  /** the JSON Schema of the value, instead of the one its type gives */
  schema?: JsonSchema;
  /** a list's elements are strings: a string is split on commas (Ansible's `elements: str`) */
  elements?: 'str';
  /** type `any`: how the given value is read; undefined counts as not given in exclusive sets */
  read?: (raw: unknown, name: string) => unknown;
  /** null is a value (Python's None, kept as given) rather than "not given" (debug's msg) */
  nullable?: boolean;
}

type ValueOf<T extends ArgType> = T extends 'str'
  ? string
  : T extends 'bool'
    ? boolean
    : T extends 'int'
      ? number
      : T extends 'mode'
        ? ModeSpec
        : T extends 'list'
          ? unknown[]
          : unknown;

/** The typed args: required arguments, those with a default, bools and lists are always there. */
export type ArgsOf<S extends Record<string, ArgSpec>> = {
  [K in keyof S]: S[K] extends { read: (...a: never[]) => infer R }
    ? R | (S[K] extends { default: infer D } ? D : S[K] extends { required: true } ? never : undefined)
    : S[K] extends { elements: 'str' }
      ? string[]
      : S[K] extends { choices: readonly (infer C)[] }
        ? C | (S[K] extends { required: true } | { default: unknown } ? never : undefined)
        : S[K] extends { required: true } | { default: unknown } | { type: 'bool' | 'list' }
        ? ValueOf<S[K]['type']>
        : ValueOf<S[K]['type']> | undefined;
};

/** A bool that stays undefined when not given (systemd's enabled: unset is "leave it"). */
export const OPT_BOOL = { type: 'any', schema: BOOL, read: (v: unknown, n: string) => toBool(v, false, n) } as const satisfies ArgSpec;

/**
 * A required string that may be empty: Ansible's required check is presence only (stat's
 * `path: ''` is a path that does not exist, not a missing argument).
 */
export const REQUIRED_STR_EMPTY_OK = { type: 'any', schema: STR, required: true, read: (v: unknown, n: string) => optStr({ [n]: v }, n) as string } as const satisfies ArgSpec;

/** mode, owner and group of a file (the reader's result is util/attrs.ts's AttrWant) */
export const FILE_ATTR_ARGS = {
  mode: { type: 'mode' },
  owner: { type: 'str' },
  group: { type: 'str' },
  unsafe_writes: { type: 'bool' },
} as const satisfies Record<string, ArgSpec>;

/** The SELinux context arguments of the file modules: accepted and ignored (Debian-like hosts run without SELinux). */
export const SELINUX_ARGS = {
  setype: { type: 'str' },
  seuser: { type: 'str' },
  serole: { type: 'str' },
  selevel: { type: 'str' },
} as const satisfies Record<string, ArgSpec>;

export interface DeclaredArgs<A> {
  schema: JsonSchema;
  read(args: Record<string, unknown>): A;
}

export interface ArgSets {
  /** at most one of each set may be given */
  exclusive?: string[][];
  /** at least one of each set must be given */
  requiredOneOf?: string[][];
  /** the required-one-of sets are also in the schema: checked before any host is contacted */
  requiredOneOfAtLoad?: boolean;
}

function propSchema(s: ArgSpec): JsonSchema {
  if (s.schema) return s.schema;
  if (s.type === 'mode') return MODE;
  if (s.type === 'any') return {};
  if (s.type === 'str') return s.choices ? oneOfStr(...s.choices) : STR;
  if (s.type === 'bool') return BOOL;
  if (s.type === 'int') return INT;
  return STR_OR_LIST;
}

/**
 * An argument counts in an exclusive or required-one-of set when it has an effect: set, and for a
 * bool true (`backrefs: false` excludes nothing, `daemon_reload: false` is not an action), for an
 * argument with its own reader when that reads a value.
 */
function given(args: Record<string, unknown>, name: string, s: ArgSpec | undefined): boolean {
  return [name, ...(s?.aliases ?? [])].some((n) => {
    const v = args[n];
    if (v === undefined || v === null) return false;
    if (!s) return true;
    if (s.type === 'bool') return toBool(v, false, n);
    return s.read ? s.read(v, name) !== undefined : true;
  });
}

/** `required` of the schema; a required argument with aliases: any one of its names; a set: any one of its arguments' names */
function requiredSchema(spec: Record<string, ArgSpec>, sets: string[][]): { required: string[]; anyOf?: JsonSchema[]; allOf?: JsonSchema[] } {
  const plain: string[] = [];
  const named: JsonSchema[][] = [];
  const names = (n: string) => [n, ...(spec[n]?.aliases ?? [])];
  for (const [n, s] of Object.entries(spec)) {
    if (!s.required) continue;
    if (s.aliases?.length) named.push(names(n).map((a) => ({ required: [a] })));
    else plain.push(n);
  }
  for (const set of sets) named.push(set.flatMap(names).map((a) => ({ required: [a] })));
  if (named.length === 1) return { required: plain, anyOf: named[0] };
  if (named.length > 1) return { required: plain, allOf: named.map((anyOf) => ({ anyOf })) };
  return { required: plain };
}

export function declareArgs<const S extends Record<string, ArgSpec>>(spec: S, sets: ArgSets = {}): DeclaredArgs<ArgsOf<S>> {
  const props: Record<string, JsonSchema> = {};
  // an argument and its aliases share one schema object: messages tell the aliases apart by it (supportedText)
  for (const [name, s] of Object.entries(spec)) {
    const one = { ...propSchema(s) };
    for (const n of [name, ...(s.aliases ?? [])]) props[n] = one;
  }
  const { required, ...alternatives } = requiredSchema(spec, sets.requiredOneOfAtLoad ? (sets.requiredOneOf ?? []) : []);
  return {
    schema: { ...argsSchema(props, required), ...alternatives },
    read(args) {
      for (const set of sets.exclusive ?? []) {
        const present = set.filter((n) => given(args, n, spec[n]));
        if (present.length > 1) throw new KbsError('TASK', `parameters are mutually exclusive: ${set.join('|')}`);
      }
      for (const set of sets.requiredOneOf ?? []) {
        if (!set.some((n) => given(args, n, spec[n]))) throw new KbsError('TASK', `one of the following is required: ${set.join(', ')}`);
      }
      const out: Record<string, unknown> = {};
      for (const [name, s] of Object.entries(spec)) {
        const names = [name, ...(s.aliases ?? [])];
        const raw = names.map((n) => args[n]).find((v) => v !== undefined && (v !== null || s.nullable));
        if (raw === undefined || (s.required && s.type === 'str' && raw === '')) {
          if (s.required) throw new KbsError('TASK', `missing required argument: ${name}`);
          out[name] = s.type === 'bool' ? toBool(undefined, (s.default as boolean | undefined) ?? false, name) : s.type === 'list' ? toList(s.default) : s.type === 'mode' ? parseMode(s.default) : s.default;
          continue;
        }
        if (s.read) out[name] = s.read(raw, name) ?? s.default;
        else if (s.type === 'any') out[name] = raw;
        else if (s.type === 'mode') out[name] = parseMode(raw);
        else if (s.type === 'bool') out[name] = toBool(raw, false, name);
        else if (s.type === 'list') out[name] = s.elements === 'str' ? listArg(raw, name) : toList(raw);
        else if (s.type === 'int') out[name] = raw === '' ? s.default : intArg(raw, name, 0);
        else {
          const v = optStr({ [name]: raw }, name) as string;
          if (s.choices && !s.choices.includes(v)) throw new KbsError('TASK', `value of ${name} must be one of: ${s.choices.join(', ')}, got: ${v}`);
          out[name] = v;
        }
      }
      return out as ArgsOf<S>;
    },
  };
}

/**
 * Ansible's list of a module's arguments in "Supported parameters include: ...": the names sorted,
 * then the aliases sorted in parentheses (an alias is a property sharing its argument's schema).
 */
export function supportedText(props: Record<string, JsonSchema>): string {
  const seen = new Set<JsonSchema>();
  const names: string[] = [];
  const aliases: string[] = [];
  for (const [k, v] of Object.entries(props)) {
    if (seen.has(v)) aliases.push(k);
    else {
      seen.add(v);
      names.push(k);
    }
  }
  return names.sort().join(', ') + (aliases.length ? ` (${aliases.sort().join(', ')})` : '');
}
