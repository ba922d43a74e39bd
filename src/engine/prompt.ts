/**
 * vars_prompt, as Ansible's PlaybookExecutor and Display.do_var_prompt do it: before a play runs,
 * each name not given as an extra var (-e) is asked for (the CLI's prompter, on the terminal);
 * without a terminal there is a warning and the default (or the text "None", as Ansible's
 * to_text(None)). An empty answer takes the default; `encrypt` hashes the answer as password_hash
 * does; `unsafe` keeps it from being templated. A private answer is masked in all output.
 */
import { KbsError } from '../errors.js';
import type { Play, Vars } from '../load/model.js';
import { passwordHash } from '../template/filters-extra.js';
import { addSecret } from '../vault/redact.js';
import { protectUnsafe } from '../yaml/read.js';
import type { RunContext } from './context.js';

export async function promptVars(ctx: RunContext, play: Play): Promise<Vars> {
  const out: Vars = {};
  for (const p of play.varsPrompt ?? []) {
    if (Object.prototype.hasOwnProperty.call(ctx.opts.extraVars, p.name)) continue;
    const vars = { ...play.vars, ...out, ...ctx.opts.extraVars };
    const where = { pos: p.pos };
    const prompt = p.prompt === undefined || p.prompt === null ? p.name : String(ctx.templater.render(p.prompt, vars, where));
    const dflt = p.default === undefined || p.default === null ? undefined : ctx.templater.render(p.default, vars, where);
    const isPrivate = p.private === undefined ? true : ctx.templater.condition(p.private, vars, where);
    const confirm = p.confirm === undefined ? false : ctx.templater.condition(p.confirm, vars, where);
    const msg = prompt && dflt !== undefined ? `${prompt} [${String(dflt)}]: ` : prompt ? `${prompt}: ` : `input for ${p.name}: `;
    const answer = ctx.opts.prompter ? await ctx.opts.prompter({ msg, private: isPrivate, confirm }) : undefined;
    if (answer === undefined) ctx.emit({ type: 'warning', msg: 'Not prompting as we are not in interactive mode', pos: p.pos });
    // an empty answer takes the default; no answer and no default is Ansible's to_text(None)
    const value = !answer && dflt !== undefined ? dflt : answer;
    let text = value === undefined ? 'None' : String(value);
    if (p.encrypt !== undefined) {
      try {
        text = String(passwordHash(text, p.encrypt, p.salt ?? null, p.salt_size ?? null));
      } catch (e) {
        throw new KbsError('TEMPLATE', `vars_prompt ${p.name}: ${(e as Error).message}`, { pos: p.pos, hint: 'encrypt takes sha512_crypt, sha256_crypt or md5_crypt' });
      }
    }
    if (isPrivate && answer) addSecret(text);
    if (p.unsafe !== undefined && ctx.templater.condition(p.unsafe, vars, where)) text = protectUnsafe(text);
    out[p.name] = text;
  }
  return out;
}
