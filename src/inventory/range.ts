/**
 * Host ranges in inventory host names, as Ansible expands them: `node[01:10]` (zero padding kept),
 * `[a:f]` (letters), `[1:10:2]` (step), several ranges in one name. A missing start means 0.
 */
import { KbsError, type Position } from '../errors.js';
import { MAX_RANGE_HOSTS } from '../yaml/limits.js';

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
const HINT = 'write a range as [start:end] or [start:end:step], e.g. node[01:10] or web[a:c]';


/** Expand every range in `name` (in order); a name without ranges gives [name]. */
export function expandHostRange(name: string, pos?: Position): string[] {
  const open = name.indexOf('[');
  const close = name.indexOf(']');
  if (open < 0 && close < 0) return [name];
  const fail = (why: string) =>
    new KbsError('INVENTORY', `bad host range in "${name}": ${why}`, { pos, hint: HINT });
  if (open === 0) throw fail('a host name cannot start with "["');
  if (open < 0 || close < open) throw fail('unbalanced "[" and "]"');
  const head = name.slice(0, open);
  const body = name.slice(open + 1, close);
  const tail = name.slice(close + 1);
  const values = rangeValues(body, fail, () => tooMany(name, pos));
  const out: string[] = [];
  for (const v of values) {
    const expanded = tail.includes('[') || tail.includes(']') ? expandHostRange(head + v + tail, pos) : [head + v + tail];
    if (out.length + expanded.length > MAX_RANGE_HOSTS) throw tooMany(name, pos);
    out.push(...expanded);
  }
  return out;
}

function tooMany(name: string, pos?: Position): KbsError {
  return new KbsError('INVENTORY', `host range "${name}" expands to more than ${MAX_RANGE_HOSTS} hosts`, {
    pos,
    hint: `kbs expands at most ${MAX_RANGE_HOSTS} hosts per inventory name; check the range's end (a digit too many?)`,
  });
}

function rangeValues(body: string, fail: (why: string) => KbsError, tooBig: () => KbsError): string[] {
  const bounds = body.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) throw fail('a range needs start:end or start:end:step');
  const beg = bounds[0] === '' ? '0' : bounds[0];
  const end = bounds[1];
  const stepText = bounds.length === 3 ? bounds[2] : '1';
  if (end === '') throw fail('the range has no end value');
  if (!/^[0-9]+$/.test(stepText) || Number(stepText) === 0) throw fail(`step "${stepText}" must be a positive integer`);
  const step = Number(stepText);

  if (/^[a-zA-Z]$/.test(beg) || /^[a-zA-Z]$/.test(end)) {
    const i = LETTERS.indexOf(beg);
    const j = LETTERS.indexOf(end);
    if (i < 0 || j < 0) throw fail(`"${beg}:${end}" mixes a letter with something else; letter ranges use single letters`);
    if (j < i) throw fail(`the end "${end}" comes before the start "${beg}"`);
    const out: string[] = [];
    for (let k = i; k <= j; k += step) out.push(LETTERS[k]);
    return out;
  }
  if (!/^[0-9]+$/.test(beg) || !/^[0-9]+$/.test(end)) {
    throw fail(`"${body}" is neither a number range nor a single-letter range`);
  }
  const padded = beg.length > 1 && beg[0] === '0';
  if (padded && beg.length !== end.length) {
    throw fail(`zero-padded ranges need a start and an end of the same length ("${beg}" vs "${end}")`);
  }
  const a = Number(beg);
  const b = Number(end);
  if (b < a) throw fail(`the end ${end} is smaller than the start ${beg}`);
  if (Math.floor((b - a) / step) + 1 > MAX_RANGE_HOSTS) throw tooBig();
  const out: string[] = [];
  for (let k = a; k <= b; k += step) out.push(padded ? String(k).padStart(beg.length, '0') : String(k));
  return out;
}
