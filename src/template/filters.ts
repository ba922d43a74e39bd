/**
 * The filter table: Ansible/Jinja2 filters (filters-text, filters-html, filters-jinja,
 * filters-data, filters-serial, ...), the ones that handle undefined values (default, mandatory),
 * and nunjucks's safe, nl2br and urlize.
 */
import { createRequire } from 'node:module';
import { KbsError } from '../errors.js';
import { bind } from './args.js';
import { DATA_FILTERS } from './filters-data.js';
import { EXTRA_FILTERS } from './filters-extra.js';
import { MATH_FILTERS } from './filters-math.js';
import { NET_FILTERS } from './filters-net.js';
import { PATH_FILTERS } from './filters-path.js';
import { TIME_FILTERS } from './filters-time.js';
import { SERIAL_FILTERS } from './filters-serial.js';
import { type Filter, TEXT_FILTERS } from './filters-text.js';
import { HTML_FILTERS } from './filters-html.js';
import { JINJA_FILTERS } from './filters-jinja.js';
import { pyStr, truthy } from './python.js';
import { Undefined } from './undefined.js';
import { versionCompare } from './version.js';

/** Filters that receive undefined values instead of raising. */
export const UNDEFINED_OK_FILTERS = new Set(['default', 'd', 'mandatory']);

function defaultFilter(value: unknown, ...args: unknown[]): unknown {
  const a = bind('default', args, { default_value: '' as unknown, boolean: false });
  if (value instanceof Undefined) return a.default_value;
  if (truthy(a.boolean) && !truthy(value)) return a.default_value;
  return value;
}

const CORE_FILTERS: Record<string, Filter> = {
  default: defaultFilter,
  d: defaultFilter,
  mandatory(value, ...args) {
    const a = bind('mandatory', args, { msg: null as unknown });
    if (value instanceof Undefined) {
      const msg = a.msg === null ? `Mandatory variable '${value.name}' not defined.` : pyStr(a.msg);
      throw new KbsError('UNDEFINED', msg, { hint: `set '${value.name}' (vars, inventory, -e)`, detail: { variable: value.name } });
    }
    return value;
  },
  ternary(value, ...args) {
    const a = bind('ternary', args, { true_val: null as unknown, false_val: null as unknown, none_val: null as unknown });
    if ((value === null || value === undefined) && a.none_val !== null) return a.none_val;
    return truthy(value) ? a.true_val : a.false_val;
  },
  version_compare(value, ...args) {
    const a = bind('version_compare', args, { version: '' as unknown, operator: 'eq' as unknown, strict: false as unknown, version_type: null as unknown });
    return versionCompare(value, a.version, a.operator, a.strict, a.version_type);
  },
};

const require = createRequire(import.meta.url);
const njFilters = require('nunjucks/src/filters.js') as Record<string, Filter>;
const NUNJUCKS_EXTRAS = ['safe', 'nl2br', 'urlize'];

export const FILTERS: Record<string, Filter> = Object.assign(
  Object.create(null) as Record<string, Filter>,
  Object.fromEntries(NUNJUCKS_EXTRAS.map((n) => [n, njFilters[n]])),
  TEXT_FILTERS,
  HTML_FILTERS,
  JINJA_FILTERS,
  DATA_FILTERS,
  SERIAL_FILTERS,
  NET_FILTERS,
  EXTRA_FILTERS,
  MATH_FILTERS,
  PATH_FILTERS,
  TIME_FILTERS,
  CORE_FILTERS,
);
