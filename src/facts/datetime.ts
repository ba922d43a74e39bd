/** ansible_date_time from the host's `date '+%s %N %z %Z'` (local fields use the host's offset). */
import type { DateTimeFacts } from './types.js';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const p2 = (n: number) => String(n).padStart(2, '0');

export function dateTimeFacts(line: string | undefined): DateTimeFacts | undefined {
  const m = /^(\d+)\s+(\S+)\s+([+-])(\d\d)(\d\d)\s*(\S*)/.exec(line?.trim() ?? '');
  if (!m) return undefined;
  const epoch = Number(m[1]);
  const micro = /^\d{9}$/.test(m[2]) ? m[2].slice(0, 6) : '000000';
  const offsetMin = (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5]));
  const utc = new Date(epoch * 1000);
  const local = new Date((epoch + offsetMin * 60) * 1000); // read with getUTC* = host local time
  const Y = String(local.getUTCFullYear());
  const M = p2(local.getUTCMonth() + 1);
  const D = p2(local.getUTCDate());
  const h = p2(local.getUTCHours());
  const mi = p2(local.getUTCMinutes());
  const s = p2(local.getUTCSeconds());
  const wday = local.getUTCDay();
  const yday = Math.floor((Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - Date.UTC(local.getUTCFullYear(), 0, 1)) / 86400000);
  const isoUtc = utc.toISOString().slice(0, 19);
  return {
    epoch: String(epoch),
    epoch_int: String(epoch),
    iso8601: `${isoUtc}Z`,
    iso8601_micro: `${isoUtc}.${micro}Z`,
    iso8601_basic: `${Y}${M}${D}T${h}${mi}${s}${micro}`,
    iso8601_basic_short: `${Y}${M}${D}T${h}${mi}${s}`,
    date: `${Y}-${M}-${D}`,
    time: `${h}:${mi}:${s}`,
    year: Y,
    month: M,
    day: D,
    hour: h,
    minute: mi,
    second: s,
    weekday: DAYS[wday],
    weekday_number: String(wday),
    weeknumber: p2(Math.floor((yday + 7 - ((wday + 6) % 7)) / 7)),
    tz: m[6] || 'UTC',
    tz_offset: `${m[3]}${m[4]}${m[5]}`,
  };
}
