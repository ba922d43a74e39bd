/**
 * ansible.builtin's date filters (plugins/filter/core.py): strftime (time.strftime of the
 * workstation's local time, or UTC) and to_datetime (datetime.strptime), and the now() global of
 * Ansible's templar. The datetimes are src/template/pydatetime.ts's.
 */
import { bind } from './args.js';
import type { Filter } from './filters-text.js';
import { unbox } from './float.js';
import { PyDatetime, strptime } from './pydatetime.js';
import { timeStrftime } from './pystrftime.js';
import { pyStr, templateError, truthy } from './python.js';

function strftimeFilter(v: unknown, ...args: unknown[]): unknown {
  const a = bind('strftime', args, { second: null as unknown, utc: false as unknown });
  let second: number | undefined;
  if (a.second !== null && a.second !== undefined) {
    second = Number(typeof unbox(a.second) === 'number' ? unbox(a.second) : pyStr(a.second).trim() || NaN);
    if (!Number.isFinite(second)) throw templateError(`Invalid value for epoch value (${pyStr(a.second)})`);
  }
  return timeStrftime(pyStr(v), second, truthy(a.utc));
}

function toDatetime(v: unknown, ...args: unknown[]): unknown {
  const a = bind('to_datetime', args, { format: '%Y-%m-%d %H:%M:%S' as unknown });
  return strptime(pyStr(v), pyStr(a.format));
}

export const TIME_FILTERS: Record<string, Filter> = {
  strftime: strftimeFilter,
  to_datetime: toDatetime,
};

/** now(utc=False, fmt=None): the datetime now, or its text in FMT */
export function nowGlobal(...args: unknown[]): unknown {
  const a = bind('now', args, { utc: false as unknown, fmt: null as unknown });
  const d = PyDatetime.now(truthy(a.utc));
  return a.fmt === null || a.fmt === undefined || a.fmt === '' ? d : (d.attr('strftime') as (f: unknown) => string)(pyStr(a.fmt));
}
