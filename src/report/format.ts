/** Text shared by the views: Ansible-style headers, result lines, failure details, recap. */
import type { EngineEvent, HostStats } from '../engine/events.js';
import { VERBOSE_ALWAYS, type ModuleResult } from '../modules/types.js';
import { pyJson } from '../template/filters-serial.js';
import { pySplitlinesKeep } from '../template/textwrap.js';
import { unifiedDiff } from './difflib.js';
import { jsonText } from '../util/pyfloat.js';

export function banner(title: string, width = 80): string {
  const stars = Math.max(3, width - title.length - 1);
  return `${title} ${'*'.repeat(stars)}`;
}

/** A task's banner: `TASK [role : name] ***`, or `RUNNING HANDLER [...]` */
export function taskBanner(e: { task: string; role?: string; handler?: boolean }): string {
  return banner(`${e.handler ? 'RUNNING HANDLER' : 'TASK'} [${e.role ? e.role + ' : ' : ''}${e.task}]`);
}

const TAIL = 10;

function tail(s: unknown, n = TAIL): string | undefined {
  if (typeof s !== 'string' || !s.trim()) return undefined;
  const lines = s.replace(/\s+$/, '').split('\n');
  return (lines.length > n ? ['…', ...lines.slice(-n)] : lines).join('\n');
}

/** What a failure shows in the terminal view: msg (or message), rc, and the tail of stderr/stdout. */
export function failureDetail(r: ModuleResult): string {
  const parts: string[] = [];
  if (r.msg !== undefined && r.msg !== '') parts.push(`msg: ${typeof r.msg === 'string' ? r.msg : jsonText(r.msg)}`);
  // include_vars reports its failure under `message`, as Ansible's does
  else if (typeof r.message === 'string') parts.push(`message: ${r.message}`);
  // failed_when held (a module's own msg may be empty then): what made it fail
  if (r.failed_when_result === true && !r.msg) parts.push('failed_when: the condition was true');
  for (const k of ['changed_when', 'failed_when']) if (typeof r[`${k}_result`] === 'string') parts.push(`${k}: ${String(r[`${k}_result`])}`);
  if (r.rc !== undefined) parts.push(`rc: ${r.rc}`);
  const se = tail(r.stderr);
  if (se) parts.push(`stderr:\n${indent(se)}`);
  const so = tail(r.stdout);
  if (so) parts.push(`stdout:\n${indent(so)}`);
  if (r.censored) parts.push(String(r.censored));
  return parts.join('\n');
}

function indent(s: string): string {
  return s
    .split('\n')
    .map((l) => '    ' + l)
    .join('\n');
}

const WORD: Record<string, string> = {
  ok: 'ok',
  changed: 'changed',
  failed: 'fatal',
  skipped: 'skipping',
  unreachable: 'fatal',
  ignored: 'fatal',
};

/** Ansible's host label: `host`, `host -> delegate`, or `host -> delegate(address)` when the delegate is reached at another name */
function hostLabel(e: { host: string; delegatedTo?: string; delegateAddress?: string }): string {
  if (e.delegatedTo === undefined || e.delegatedTo === e.host) return e.host;
  return `${e.host} -> ${e.delegatedTo}${e.delegateAddress !== undefined ? `(${e.delegateAddress})` : ''}`;
}

export function hostLine(e: Extract<EngineEvent, { type: 'host_result' }>, verbosity: number): string {
  const who = `[${hostLabel(e)}]`;
  const r = e.result;
  if (e.status === 'unreachable') return `fatal: ${who}: UNREACHABLE! => ${resultJson(e, r, verbosity)}`;
  if (e.status === 'failed' || e.status === 'ignored') {
    const line = `${exceptionLine(r, verbosity)}fatal: ${who}: FAILED! => ${resultJson(e, r, verbosity)}`;
    return e.status === 'ignored' ? `${line}\n...ignoring` : line;
  }
  return `${WORD[e.status]}: ${who}` + verboseTail(e, r, verbosity);
}

/**
 * debug's result and a non-quiet assert's are always shown, indented (Ansible's
 * _ansible_verbose_always); not a skipped one, nor one censored by no_log.
 */
function shownAlways(e: { action?: string; status: string; noLog?: boolean }, r: ModuleResult): boolean {
  return !e.noLog && e.status !== 'skipped' && (e.action === 'debug' || r[VERBOSE_ALWAYS] === true);
}

/** The result as Ansible's callback dumps it: debug's cleaned first; indented when shown always, or from -vvv */
function resultJson(e: { action?: string; status: string; noLog?: boolean }, r: ModuleResult, verbosity: number): string {
  const indent = shownAlways(e, r) || verbosity > 2 ? 4 : null;
  return e.action === 'debug' ? dumpJson(debugShown(r), indent) : dumpResult(r, indent, verbosity);
}

/** Ansible's line before a failure whose result holds an exception (its last line; the whole from -vvv) */
function exceptionLine(r: ModuleResult, verbosity: number): string {
  if (r.exception === undefined || r.exception === null) return '';
  const text = String(r.exception);
  if (verbosity >= 3) return `The full traceback is:\n${text}\n`;
  return `An exception occurred during task execution. To see the full traceback, use -vvv. The error was: ${text.trim().split('\n').pop()}\n`;
}

/** ` => JSON` after a result's line when Ansible's callback shows the result: always (shownAlways), else from -v */
function verboseTail(e: { action?: string; status: string; noLog?: boolean }, r: ModuleResult, verbosity: number): string {
  return shownAlways(e, r) || verbosity >= 1 ? ` => ${resultJson(e, r, verbosity)}` : '';
}

/** json.dumps as Ansible's callback calls it: keys sorted at every level, text as it is, Python's separators */
function dumpJson(v: unknown, indent: number | null): string {
  return pyJson(v, { indent, sortKeys: true, ensureAscii: false, itemSep: indent === null ? ', ' : ',', keySep: ': ' });
}

/**
 * What Ansible's callback shows of a result (TaskResult.clean_copy, then _dump_results): without
 * failed and skipped (the line says it), internal `_ansible_` keys and the exception, and below -vvv
 * without invocation and diff.
 */
export function dumpResult(r: ModuleResult, indent: number | null, verbosity: number): string {
  const shown: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) {
    if (k === 'failed' || k === 'skipped' || k === 'exception' || k.startsWith('_ansible_')) continue;
    if (verbosity < 3 && (k === 'invocation' || k === 'diff')) continue;
    shown[k] = v;
  }
  return dumpJson(shown, indent);
}

export function itemLine(e: Extract<EngineEvent, { type: 'item_result' }>, verbosity = 0): string {
  if (e.status === 'failed' || e.status === 'ignored') {
    // as Ansible's callback: `failed: [host] (item=x) => {...}`, ignored or not
    return `${exceptionLine(e.result, verbosity)}failed: [${hostLabel(e)}] (item=${e.noLog ? 'None' : e.label}) => ${resultJson(e, e.result, verbosity)}`;
  }
  // Ansible's callback finds no item in a no_log item's censored result: `None`
  const base = `${WORD[e.status]}: [${hostLabel(e)}] => (item=${e.noLog ? 'None' : e.label})`;
  // Ansible's callback writes a skipped item's line with a space at the end (before ` => ` too)
  return (e.status === 'skipped' ? `${base} ` : base) + verboseTail(e, e.result, verbosity);
}

/** What Ansible's callback keeps of a debug result: msg alone (with exception/warnings), else the variable. */
function debugShown(r: ModuleResult): Record<string, unknown> {
  const shown: Record<string, unknown> = {};
  const hasMsg = 'msg' in r;
  for (const [k, v] of Object.entries(r)) {
    if (k.startsWith('_')) continue;
    if (hasMsg ? ['msg', 'exception', 'warnings', 'deprecations'].includes(k) : !['changed', 'failed', 'skipped', 'invocation', 'skip_reason'].includes(k)) shown[k] = v;
  }
  return shown;
}

/** Ansible's line for a loaded include: `included: FILE for h1, h2 [=> (item=x)]` */
export function includedLine(e: Extract<EngineEvent, { type: 'included' }>): string {
  return `included: ${e.file} for ${e.hosts.join(', ')}${e.label !== undefined ? ` => (item=${e.label})` : ''}`;
}

/** Ansible's retry line: `FAILED - RETRYING: [host]: task (N retries left).` */
export function retryLine(e: Extract<EngineEvent, { type: 'retry' }>): string {
  return `FAILED - RETRYING: [${e.host}]: ${e.task} (${e.left} retries left).`;
}

/** how many hosts a progress line names before it only counts the rest */
const NAMED = 10;

/** The line a long task's `task_progress` becomes: the hosts still working and for how long. */
export function progressLine(e: Extract<EngineEvent, { type: 'task_progress' }>): string {
  const secs = (ms: number) => `${Math.round(ms / 1000)}s`;
  const names = e.running.slice(0, NAMED).map((r) => `${r.host} (${secs(r.elapsedMs)})`);
  if (e.running.length > NAMED) names.push(`and ${e.running.length - NAMED} more`);
  const total = e.done + e.running.length + e.queued;
  let line = `... TASK [${e.task}] running ${secs(e.elapsedMs)}, still working: ${names.join(', ') || 'none'}; ${e.done} of ${total} hosts done`;
  if (e.queued) line += `, ${e.queued} waiting for a fork`;
  return line;
}

/**
 * A result's diff as Ansible's default callback writes it (_get_diff): for each entry, the notes
 * on binary or too large sides, then difflib's unified diff of `before` and `after` (headers
 * `before[: before_header]` and `after[: after_header]`, 3 lines of context, a mapping side as
 * sorted JSON, a side without a final line break marked) followed by an empty line, then the
 * module's own `prepared` text. Empty when there is nothing to show.
 */
export function diffText(r: ModuleResult): string {
  const d = r.diff;
  if (!d) return '';
  let out = '';
  for (const x of (Array.isArray(d) ? d : [d]) as Record<string, unknown>[]) {
    if ('dst_binary' in x) out += 'diff skipped: destination file appears to be binary\n';
    if ('src_binary' in x) out += 'diff skipped: source file appears to be binary\n';
    if ('dst_larger' in x) out += `diff skipped: destination file size is greater than ${String(x.dst_larger)}\n`;
    if ('src_larger' in x) out += `diff skipped: source file size is greater than ${String(x.src_larger)}\n`;
    if ('before' in x && 'after' in x) {
      const lines = (side: unknown) => {
        const l = pySplitlinesKeep(diffSide(side));
        if (l.length && !l[l.length - 1].endsWith('\n')) l[l.length - 1] += '\n\\ No newline at end of file\n';
        return l;
      };
      const from = 'before_header' in x ? `before: ${String(x.before_header)}` : 'before';
      const to = 'after_header' in x ? `after: ${String(x.after_header)}` : 'after';
      const diff = unifiedDiff(lines(x.before), lines(x.after), from, to);
      if (diff.length) out += diff.join('') + '\n';
    }
    if (typeof x.prepared === 'string') out += x.prepared;
  }
  return out;
}

/**
 * What Ansible's callback shows for a result in diff mode (v2_on_file_diff): its diff when it
 * changed (a loop item's is shown before the item's line), ending with a line break.
 */
export function resultDiffText(r: ModuleResult): string {
  const t = r.diff && r.changed ? diffText(r) : '';
  return t && !t.endsWith('\n') ? t + '\n' : t;
}

/** A diff side as text: a mapping as Ansible serialises it (sorted JSON, indent 4, ASCII), None as nothing. */
function diffSide(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object' && !Array.isArray(v)) return pyJson(v, { indent: 4, sortKeys: true, ensureAscii: true, itemSep: ',', keySep: ': ' }) + '\n';
  return String(v);
}

/**
 * The recap as Ansible's default callback writes it without colours: `%-26s` for the host (a longer
 * name is not padded), each count as `name=%-4s`, the columns joined by one space (the line ends in
 * the last count's padding), and an empty line after the hosts.
 */
export function recapLines(stats: Record<string, HostStats>): string[] {
  const names = Object.keys(stats).sort();
  const lines = [banner('PLAY RECAP')];
  for (const n of names) {
    const s = stats[n];
    const col = (k: string, v: number) => `${k}=${String(v).padEnd(4)}`;
    const cols = [col('ok', s.ok), col('changed', s.changed), col('unreachable', s.unreachable), col('failed', s.failed), col('skipped', s.skipped), col('rescued', s.rescued), col('ignored', s.ignored)];
    lines.push(`${n.padEnd(26)} : ${cols.join(' ')}`);
  }
  lines.push('');
  return lines;
}

/**
 * set_stats data after the recap, as Ansible's default callback prints it with
 * show_custom_stats: a CUSTOM STATS banner, a line per host, then the run's own under RUN.
 */
export function customStatsLines(custom: Record<string, Record<string, unknown>>): string[] {
  const dump = (v: unknown) => pyJson(v, { indent: 1, sortKeys: true, ensureAscii: false, itemSep: ',', keySep: ': ' }).replace(/\n/g, '');
  const lines = ['', banner('CUSTOM STATS:')];
  for (const h of Object.keys(custom).sort()) if (h !== '_run') lines.push(`\t${h}: ${dump(custom[h])}`);
  if (custom._run) lines.push('', `\tRUN: ${dump(custom._run)}`);
  lines.push('');
  return lines;
}

/** The lines that say a run was interrupted and what it cut short. */
export function interruptedLines(e: Extract<EngineEvent, { type: 'interrupted' }>): string[] {
  const out = [`INTERRUPTED by ${e.signal}: no further task was started`];
  for (const r of e.running) out.push(`  task "${r.task}" was cut short on ${r.hosts.join(', ')}`);
  if (e.stopped) out.push(`  signalled ${e.stopped} remote process group(s): SIGTERM${e.forced ? ', then SIGKILL after the grace period' : ''}`);
  return out;
}
