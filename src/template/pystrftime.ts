/**
 * strftime as glibc does it in the C locale (time.strftime and datetime.strftime call it on Linux),
 * and the calendar arithmetic of naive dates it needs: the formatting half of pydatetime.ts.
 */

export const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
export const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

export interface DateParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  microsecond: number;
}

export function daysInMonth(y: number, m: number): number {
  const d = new Date(0);
  d.setUTCFullYear(y, m, 0);
  return d.getUTCDate();
}

/** milliseconds of a naive date-time counted as UTC (any year 1..9999) */
export function utcMs(p: DateParts): number {
  const d = new Date(Date.UTC(2000, p.month - 1, p.day, p.hour, p.minute, p.second));
  d.setUTCFullYear(p.year);
  return d.getTime();
}

/** the date and time of D on the workstation's clock (local time), or in UTC */
export function clockParts(d: Date, utc: boolean): Omit<DateParts, 'microsecond'> {
  return utc
    ? { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() }
    : { year: d.getFullYear(), month: d.getMonth() + 1, day: d.getDate(), hour: d.getHours(), minute: d.getMinutes(), second: d.getSeconds() };
}

export interface TimeParts extends DateParts {
  /** time.strftime of localtime(): %z and %Z name the workstation's zone; a naive datetime has neither */
  local: boolean;
  /** seconds since the epoch, for %s (time.strftime's mktime) */
  epoch?: number;
}

/** the milliseconds of the day's midnight (naive, counted as UTC) */
function midnight(p: DateParts): number {
  return utcMs({ ...p, hour: 0, minute: 0, second: 0 });
}

/** Monday 0 .. Sunday 6 */
export function weekdayOf(p: DateParts): number {
  return (new Date(midnight(p)).getUTCDay() + 6) % 7;
}

function yday(p: DateParts): number {
  return Math.round((midnight(p) - midnight({ ...p, month: 1, day: 1 })) / 86_400_000) + 1;
}

/** ISO 8601 year and week (Monday first; week 1 holds the year's first Thursday) */
function isoWeek(p: DateParts): [number, number] {
  const thursday = new Date(midnight(p) + (3 - weekdayOf(p)) * 86_400_000);
  const y = thursday.getUTCFullYear();
  const jan1 = new Date(0);
  jan1.setUTCFullYear(y, 0, 1);
  return [y, Math.floor((thursday.getTime() - jan1.getTime()) / 86_400_000 / 7) + 1];
}

function zone(p: TimeParts): { offset: string; name: string } {
  if (!p.local) return { offset: '', name: '' };
  const d = new Date(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  const min = -d.getTimezoneOffset();
  const abs = Math.abs(min);
  const offset = `${min < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}${String(abs % 60).padStart(2, '0')}`;
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName');
  return { offset, name: part?.value ?? '' };
}

/** strftime in the C locale with glibc's directives and its -, _, 0 and ^ flags */
export function strftime(fmt: string, p: TimeParts): string {
  const wd = weekdayOf(p);
  const jd = yday(p);
  const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const num = (n: number, width: number, pad: string) => String(n).padStart(width, pad);
  const field = (c: string, flag: string): string | undefined => {
    const n = (v: number, w: number, dflt = '0') => (flag === '-' ? String(v) : num(v, w, flag === '_' ? ' ' : flag === '0' ? '0' : dflt));
    switch (c) {
      case 'a': return DAYS[wd].slice(0, 3);
      case 'A': return DAYS[wd];
      case 'b': case 'h': return MONTHS[p.month - 1].slice(0, 3);
      case 'B': return MONTHS[p.month - 1];
      case 'c': return strftime('%a %b %e %H:%M:%S %Y', p);
      case 'C': return n(Math.floor(p.year / 100), 2);
      case 'd': return n(p.day, 2);
      case 'D': return strftime('%m/%d/%y', p);
      case 'e': return n(p.day, 2, ' ');
      case 'f': return num(p.microsecond, 6, '0');
      case 'F': return strftime('%Y-%m-%d', p);
      case 'g': return n(isoWeek(p)[0] % 100, 2);
      case 'G': return String(isoWeek(p)[0]);
      case 'H': return n(p.hour, 2);
      case 'I': return n(h12, 2);
      case 'j': return n(jd, 3);
      case 'k': return n(p.hour, 2, ' ');
      case 'l': return n(h12, 2, ' ');
      case 'm': return n(p.month, 2);
      case 'M': return n(p.minute, 2);
      case 'n': return '\n';
      case 'p': return p.hour < 12 ? 'AM' : 'PM';
      case 'P': return p.hour < 12 ? 'am' : 'pm';
      case 'r': return strftime('%I:%M:%S %p', p);
      case 'R': return strftime('%H:%M', p);
      case 's': return String(p.epoch ?? Math.floor(new Date(p.year, p.month - 1, p.day, p.hour, p.minute, p.second).getTime() / 1000));
      case 'S': return n(p.second, 2);
      case 't': return '\t';
      case 'T': return strftime('%H:%M:%S', p);
      case 'u': return String(wd + 1);
      case 'U': return n(Math.floor((jd - 1 + 7 - ((wd + 1) % 7)) / 7), 2);
      case 'V': return n(isoWeek(p)[1], 2);
      case 'w': return String((wd + 1) % 7);
      case 'W': return n(Math.floor((jd - 1 + 7 - wd) / 7), 2);
      case 'x': return strftime('%m/%d/%y', p);
      case 'X': return strftime('%H:%M:%S', p);
      case 'y': return n(p.year % 100, 2);
      case 'Y': return String(p.year);
      case 'z': return zone(p).offset;
      case 'Z': return zone(p).name;
      case '%': return '%';
      default: return undefined;
    }
  };
  return fmt.replace(/%([-_0^#]?)([A-Za-z%]?)/g, (m, flag: string, c: string) => {
    const v = c ? field(c, flag) : undefined;
    if (v === undefined) return m;
    return flag === '^' ? v.toUpperCase() : v;
  });
}

/** time.strftime(fmt, time.localtime(second)) (or gmtime with utc) */
export function timeStrftime(fmt: string, second: number | undefined, utc: boolean): string {
  const ms = second === undefined ? Date.now() : Math.floor(second) * 1000;
  return strftime(fmt, { ...clockParts(new Date(ms), utc), microsecond: 0, local: !utc, epoch: Math.floor(ms / 1000) });
}
