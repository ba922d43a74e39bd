/**
 * ansible.builtin.expect: run a command under a pseudo-terminal on the host and answer its
 * prompts from kbs, as Ansible 2.14's module does with pexpect on the host. The terminal is made
 * on the host by util-linux `script` (expect/pty.ts says why); kbs reads the terminal's output as
 * it arrives over the task's connection (ExecOptions.talk, become as for any module), matches the
 * questions and writes the answers (expect/conversation.ts). No check mode, as in Ansible: the
 * task is skipped. The answers go only to the command's terminal: never into a command line, a
 * log or the result.
 */
import { KbsError } from '../errors.js';
import type { TalkIO } from '../transport/types.js';
import type { ModuleContext, ModuleDef, ModuleResult } from './types.js';
import { failed, intArg } from './util/args.js';
import { change } from './util/change.js';
import { REQUIRED_STR_EMPTY_OK, declareArgs } from './util/declare.js';
import { INT, TEMPLATED } from './util/schema.js';
import { Conversation, ranResult, readQuestions, skippedResult, splitCommandLine, type Question } from './expect/conversation.js';
import { PtyReader, killScript, ptyScript } from './expect/pty.js';

/** Ansible's dict type: a mapping, or a JSON string of one */
function responsesArg(v: unknown): Record<string, unknown> {
  let r = v;
  if (typeof r === 'string') {
    try {
      r = JSON.parse(r) as unknown;
    } catch {
      /* refused below */
    }
  }
  if (typeof r !== 'object' || r === null || Array.isArray(r)) {
    throw new KbsError('TASK', `argument 'responses' is of type ${Array.isArray(r) ? 'list' : typeof r} and we were unable to convert to dict: dictionary requested, could not parse JSON or key=value`);
  }
  return r as Record<string, unknown>;
}

/** timeout: seconds; null waits for ever (Infinity); -1 is pexpect's default (30), another negative times out at once */
export function timeoutArg(v: unknown): number {
  if (v === null) return Infinity;
  const n = intArg(v, 'timeout', 30);
  return n === -1 ? 30 : Math.max(0, n);
}

const args = declareArgs({
  command: REQUIRED_STR_EMPTY_OK,
  chdir: { type: 'str' },
  creates: { type: 'str' },
  removes: { type: 'str' },
  responses: { type: 'any', required: true, schema: { type: ['object', 'string'] }, read: responsesArg },
  timeout: { type: 'any', schema: { anyOf: [INT, { type: 'null' }, TEMPLATED] }, read: timeoutArg, default: 30, nullable: true },
  echo: { type: 'bool', default: false },
});

type ExpectArgs = ReturnType<typeof args.read>;

export const expect: ModuleDef = {
  name: 'expect',
  schema: args.schema,
  noCheckMode: true,
  run: async (raw, ctx) => {
    const a = args.read(raw);
    const questions = readQuestions(a.responses as Record<string, unknown>);
    if (a.command.trim() === '') return { ...failed('no command given'), rc: 256 };
    return converse(ctx, a, questions);
  },
};

/** Run the command in its terminal, answer the questions, and build Ansible's result. */
async function converse(ctx: ModuleContext, a: ExpectArgs, questions: Question[]): Promise<ModuleResult> {
  const cmd = a.command;
  const conv = new Conversation(questions);
  const reader = new PtyReader();
  const timeoutMs = a.timeout === Infinity ? undefined : a.timeout * 1000;
  let io: TalkIO | undefined;
  let stopped: { why: 'timeout'; output: Buffer } | { why: 'exhausted'; msg: string } | undefined;
  let killed = false;
  let start: Date | undefined;
  let timer: NodeJS.Timeout | undefined;
  const kill = () => {
    if (killed || reader.report.pid === undefined) return;
    killed = true;
    void ctx.run(killScript(reader.report.pid), { inline: true }).catch(() => undefined);
  };
  const stop = (s: NonNullable<typeof stopped>) => {
    if (stopped) return;
    stopped = s;
    clearTimeout(timer);
    kill(); // or as soon as the pid is known
  };
  // as pexpect's expect(): the time counts from the command's start on the host (its pid reported:
  // not the login or sudo before it), and again from each match
  const arm = () => {
    clearTimeout(timer);
    if (timeoutMs !== undefined && !stopped) timer = setTimeout(() => stop({ why: 'timeout', output: conv.output() }), timeoutMs);
  };
  const r = await change(ctx, 'run the command', ptyScript({ argv: splitCommandLine(cmd), chdir: a.chdir, creates: a.creates, removes: a.removes, echo: a.echo }), {
    keepFailure: true,
    talk: {
      start: (x) => (io = x),
      stdout: (chunk) => {
        if (stopped) return;
        const steps = conv.feed(chunk);
        for (const s of steps) {
          if ('send' in s) io?.write(s.send);
          else return stop({ why: 'exhausted', msg: s.exhausted });
        }
        if (steps.length) arm();
      },
      stderr: (chunk) => {
        if (!reader.feed(chunk)) return;
        start = new Date();
        if (stopped) kill();
        else arm();
      },
    },
  }).finally(() => clearTimeout(timer));
  const end = new Date();
  if (!r) return { changed: false, skipped: true, msg: 'remote module (expect) does not support check mode' };
  const rep = reader.report;
  if (rep.skip) return skippedResult(cmd, rep.skip, (rep.skip === 'creates' ? a.creates : a.removes) ?? '');
  if (rep.chdir !== undefined) return failed(`[Errno ${rep.chdir}] ${ERRNO[rep.chdir] ?? 'cannot change directory'}: '${a.chdir ?? ''}'`);
  if (rep.notFound) return failed(`The command was not found or was not executable: ${splitCommandLine(cmd)[0] ?? ''}.`);
  if (rep.noScript) return failed('the expect module needs util-linux\'s "script" on the host (it makes the pseudo-terminal)');
  if (rep.pid === undefined) return { ...failed(`cannot run the command in a pseudo-terminal: ${reader.rest().trim() || r.stderr.trim() || `rc ${r.rc}`}`), rc: r.rc };
  if (stopped?.why === 'exhausted') return failed(stopped.msg);
  if (stopped?.why === 'timeout') return ranResult(cmd, stopped.output, null, start ?? end, end);
  return ranResult(cmd, conv.output(), r.rc, start ?? end, end);
}

const ERRNO: Record<number, string> = { 2: 'No such file or directory', 13: 'Permission denied', 20: 'Not a directory' };
