/**
 * Python's datetime.datetime (naive) and datetime.timedelta for the templater, with strptime as
 * CPython does it in the C locale (strftime is pystrftime.ts): what the to_datetime and strftime
 * filters and the now() global give.
 */
import { PyObject } from './pyobject.js';
import { pyFloat } from './float.js';
import { templateError } from './python.js';
import { DAYS, MONTHS, clockParts, daysInMonth, strftime, utcMs, weekdayOf, type DateParts } from './pystrftime.js';

const DAY_US = 86_400_000_000n;

/** floor division and modulo of bigints (Python's // and %) */
function divmod(a: bigint, b: bigint): [bigint, bigint] {
  let q = a / b;
  let r = a % b;
  if (r !== 0n && r < 0n !== b < 0n) {
    q -= 1n;
    r += b;
  }
  return [q, r];
}

export class PyTimedelta extends PyObject {
  readonly typeName = 'timedelta';
  readonly days: number;
  readonly seconds: number;
  readonly microseconds: number;

  constructor(readonly totalUs: bigint) {
    super();
    const [d, rest] = divmod(totalUs, DAY_US);
    const [s, us] = divmod(rest, 1_000_000n);
    this.days = Number(d);
    this.seconds = Number(s);
    this.microseconds = Number(us);
  }

  str(): string {
    const h = Math.floor(this.seconds / 3600);
    const m = Math.floor((this.seconds % 3600) / 60);
    const s = this.seconds % 60;
    let out = `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
    if (this.microseconds) out += `.${String(this.microseconds).padStart(6, '0')}`;
    return this.days ? `${this.days} day${Math.abs(this.days) === 1 ? '' : 's'}, ${out}` : out;
  }

  repr(): string {
    const parts: string[] = [];
    if (this.days) parts.push(`days=${this.days}`);
    if (this.seconds) parts.push(`seconds=${this.seconds}`);
    if (this.microseconds) parts.push(`microseconds=${this.microseconds}`);
    return `datetime.timedelta(${parts.length ? parts.join(', ') : '0'})`;
  }

  override truthy(): boolean {
    return this.totalUs !== 0n;
  }

  toJSON(): string {
    return this.str();
  }

  equals(other: unknown): boolean {
    return other instanceof PyTimedelta && other.totalUs === this.totalUs;
  }

  override order(other: unknown): number | undefined {
    if (!(other instanceof PyTimedelta)) return undefined;
    return this.totalUs < other.totalUs ? -1 : this.totalUs > other.totalUs ? 1 : 0;
  }

  override arith(op: string, other: unknown, reflected: boolean): unknown {
    if (other instanceof PyTimedelta) {
      if (op === '+') return new PyTimedelta(this.totalUs + other.totalUs);
      if (op === '-') return new PyTimedelta(reflected ? other.totalUs - this.totalUs : this.totalUs - other.totalUs);
    }
    if (other instanceof PyDatetime && op === '+') return other.arith('+', this, false);
    return undefined;
  }

  attr(name: string): unknown {
    switch (name) {
      case 'days':
        return this.days;
      case 'seconds':
        return this.seconds;
      case 'microseconds':
        return this.microseconds;
      case 'total_seconds':
        return () => pyFloat(Number(this.totalUs) / 1e6);
      default:
        return undefined;
    }
  }
}

export class PyDatetime extends PyObject {
  readonly typeName = 'datetime';

  constructor(readonly p: DateParts) {
    super();
    const check = (what: string, v: number, lo: number, hi: number) => {
      if (!Number.isInteger(v) || v < lo || v > hi) throw templateError(`${what} must be in ${lo}..${hi}`);
    };
    check('year', p.year, 1, 9999);
    check('month', p.month, 1, 12);
    if (!Number.isInteger(p.day) || p.day < 1 || p.day > daysInMonth(p.year, p.month)) throw templateError('day is out of range for month');
    check('hour', p.hour, 0, 23);
    check('minute', p.minute, 0, 59);
    check('second', p.second, 0, 59);
    check('microsecond', p.microsecond, 0, 999999);
  }

  /** microseconds since 1970-01-01 of the naive value counted as UTC */
  get us(): bigint {
    return BigInt(utcMs(this.p)) * 1000n + BigInt(this.p.microsecond);
  }

  static fromUs(us: bigint): PyDatetime {
    const [ms, rest] = divmod(us, 1000n);
    const d = new Date(Number(ms));
    return new PyDatetime({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
      hour: d.getUTCHours(),
      minute: d.getUTCMinutes(),
      second: d.getUTCSeconds(),
      microsecond: d.getUTCMilliseconds() * 1000 + Number(rest),
    });
  }

  /** the workstation's local time now (datetime.now()), or UTC (datetime.utcnow()) */
  static now(utc: boolean): PyDatetime {
    const d = new Date();
    return new PyDatetime({ ...clockParts(d, utc), microsecond: d.getMilliseconds() * 1000 });
  }

  isoformat(sep = 'T'): string {
    const p = this.p;
    const two = (n: number) => String(n).padStart(2, '0');
    const base = `${String(p.year).padStart(4, '0')}-${two(p.month)}-${two(p.day)}${sep}${two(p.hour)}:${two(p.minute)}:${two(p.second)}`;
    return p.microsecond ? `${base}.${String(p.microsecond).padStart(6, '0')}` : base;
  }

  str(): string {
    return this.isoformat(' ');
  }

  /** Ansible's JSON encoder writes a datetime as its isoformat() */
  override jsonText(): string {
    return JSON.stringify(this.isoformat());
  }

  toJSON(): string {
    return this.isoformat();
  }

  repr(): string {
    const p = this.p;
    const parts = [p.year, p.month, p.day, p.hour, p.minute];
    if (p.second || p.microsecond) parts.push(p.second);
    if (p.microsecond) parts.push(p.microsecond);
    return `datetime.datetime(${parts.join(', ')})`;
  }

  equals(other: unknown): boolean {
    return other instanceof PyDatetime && other.us === this.us;
  }

  override order(other: unknown): number | undefined {
    if (!(other instanceof PyDatetime)) return undefined;
    const a = this.us;
    const b = other.us;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  override arith(op: string, other: unknown, reflected: boolean): unknown {
    if (other instanceof PyDatetime && op === '-') return new PyTimedelta(reflected ? other.us - this.us : this.us - other.us);
    if (other instanceof PyTimedelta && !reflected) {
      if (op === '+') return PyDatetime.fromUs(this.us + other.totalUs);
      if (op === '-') return PyDatetime.fromUs(this.us - other.totalUs);
    }
    if (other instanceof PyTimedelta && reflected && op === '+') return PyDatetime.fromUs(this.us + other.totalUs);
    return undefined;
  }

  /** Monday 0 .. Sunday 6 */
  weekday(): number {
    return weekdayOf(this.p);
  }

  attr(name: string): unknown {
    const p = this.p;
    switch (name) {
      case 'year':
      case 'month':
      case 'day':
      case 'hour':
      case 'minute':
      case 'second':
      case 'microsecond':
        return p[name];
      case 'strftime':
        return (fmt: unknown) => strftime(String(fmt), { ...p, local: false });
      case 'isoformat':
        return (sep: unknown = 'T') => this.isoformat(String(sep));
      case 'weekday':
        return () => this.weekday();
      case 'isoweekday':
        return () => this.weekday() + 1;
      case 'timestamp':
        // a naive datetime is local time (datetime.timestamp)
        return () => pyFloat(new Date(p.year, p.month - 1, p.day, p.hour, p.minute, p.second).getTime() / 1000 + p.microsecond / 1e6);
      default:
        return undefined;
    }
  }
}

// ---------------------------------------------------------------- strftime
// ---------------------------------------------------------------- strptime

const NAMES = (list: string[]) => [...list, ...list.map((x) => x.slice(0, 3))].sort((a, b) => b.length - a.length).join('|');

const DIRECTIVES: Record<string, string> = {
  d: '(3[01]|[12]\\d|0[1-9]|[1-9]| [1-9])',
  f: '([0-9]{1,6})',
  H: '(2[0-3]|[0-1]\\d|\\d)',
  I: '(1[0-2]|0[1-9]|[1-9])',
  G: '(\\d\\d\\d\\d)',
  j: '(36[0-6]|3[0-5]\\d|[12]\\d\\d|0[1-9]\\d|00[1-9]|[1-9]\\d|0[1-9]|[1-9])',
  m: '(1[0-2]|0[1-9]|[1-9])',
  M: '([0-5]\\d|\\d)',
  S: '(6[01]|[0-5]\\d|\\d)',
  U: '(5[0-3]|[0-4]\\d|\\d)',
  w: '([0-6])',
  u: '([1-7])',
  V: '(5[0-3]|0[1-9]|[1-4]\\d|\\d)',
  W: '(5[0-3]|[0-4]\\d|\\d)',
  y: '(\\d\\d)',
  Y: '(\\d\\d\\d\\d)',
  a: `(${NAMES(DAYS)})`,
  A: `(${NAMES(DAYS)})`,
  b: `(${NAMES(MONTHS)})`,
  B: `(${NAMES(MONTHS)})`,
  p: '(am|pm)',
};

/** datetime.strptime(text, fmt) in the C locale (%z and %Z are refused: kbs's datetimes are naive) */
export function strptime(text: string, fmt: string): PyDatetime {
  const expanded = fmt.replace(/%([cxX])/g, (_m, c: string) => (c === 'c' ? '%a %b %d %H:%M:%S %Y' : c === 'x' ? '%m/%d/%y' : '%H:%M:%S'));
  const keys: string[] = [];
  let re = '';
  for (let i = 0; i < expanded.length; i++) {
    const ch = expanded[i];
    if (ch === '%') {
      const c = expanded[++i];
      if (c === undefined) throw templateError(`stray % in format '${fmt}'`);
      if (c === '%') re += '%';
      else if (c === 'z' || c === 'Z') throw templateError(`to_datetime: %${c} (a time zone) is not supported by kbs`, 'kbs keeps naive date-times: leave the zone out of the text and the format');
      else if (DIRECTIVES[c]) {
        keys.push(c);
        re += DIRECTIVES[c];
      } else throw templateError(`'${c}' is a bad directive in format '${fmt}'`);
    } else if (/\s/.test(ch)) {
      while (i + 1 < expanded.length && /\s/.test(expanded[i + 1])) i++;
      re += '\\s+';
    } else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const m = new RegExp(`^(?:${re})`, 'i').exec(text);
  if (!m) throw templateError(`time data '${text}' does not match format '${fmt}'`);
  if (m[0].length !== text.length) throw templateError(`unconverted data remains: ${text.slice(m[0].length)}`);
  const got: Record<string, string> = {};
  keys.forEach((k, i) => (got[k] = m[i + 1]));
  const monthOf = (s: string) => MONTHS.findIndex((x) => x.toLowerCase() === s.toLowerCase() || x.slice(0, 3).toLowerCase() === s.toLowerCase()) + 1;
  let year = 1900;
  if (got.Y) year = Number(got.Y);
  else if (got.y) year = Number(got.y) <= 68 ? 2000 + Number(got.y) : 1900 + Number(got.y);
  let month = got.m ? Number(got.m) : got.B ? monthOf(got.B) : got.b ? monthOf(got.b) : 1;
  let day = got.d ? Number(got.d.trim()) : 1;
  let hour = got.H ? Number(got.H) : 0;
  if (got.I) {
    hour = Number(got.I) % 12;
    if (got.p && got.p.toLowerCase() === 'pm') hour += 12;
  }
  if (got.j && !got.m && !got.d && !got.b && !got.B) {
    const d = new Date(0);
    d.setUTCFullYear(year, 0, Number(got.j));
    month = d.getUTCMonth() + 1;
    day = d.getUTCDate();
  }
  const second = got.S ? Number(got.S) : 0;
  if (second > 59) throw templateError('second must be in 0..59');
  return new PyDatetime({ year, month, day, hour, minute: got.M ? Number(got.M) : 0, second, microsecond: got.f ? Number(got.f.padEnd(6, '0')) : 0 });
}
