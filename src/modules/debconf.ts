/**
 * ansible.builtin.debconf: sets a debconf question of a package (debconf-set-selections) when
 * debconf-show gives another value, and reports the package's questions. As Ansible's: a boolean
 * compares case-insensitively, a question debconf-show does not list always counts as changed
 * (so does a password, which debconf-show never prints), `unseen` keeps it unseen (-u). A
 * password value is shown as ******** in the result (kbs never prints secrets).
 */
import { shq } from '../transport/shell.js';
import type { ModuleDef, ModuleResult } from './types.js';
import { failed } from './util/args.js';
import { runPlanned, type Planner } from './util/change.js';
import { declareArgs } from './util/declare.js';

const VTYPES = ['boolean', 'error', 'multiselect', 'note', 'password', 'seen', 'select', 'string', 'text', 'title'] as const;

const args = declareArgs({
  name: { type: 'str', required: true, aliases: ['pkg'] },
  question: { type: 'str', aliases: ['selection', 'setting'] },
  vtype: { type: 'str', choices: VTYPES },
  // type str, as in Ansible: a YAML boolean is True/False (optStr)
  value: { type: 'str', aliases: ['answer'] },
  unseen: { type: 'bool', default: false },
});

/** debconf-show's "* question: value" lines (the * marks a seen question) */
export function parseSelections(out: string): Record<string, string> {
  const sel: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    sel[line.slice(0, i).replace(/^[*\s]+|[*\s]+$/g, '').trim()] = line.slice(i + 1).trim();
  }
  return sel;
}

type A = ReturnType<typeof args.read>;

export const debconfPlanner: Planner<A> = {
  args,
  probe: (a) => `command -v debconf-show >/dev/null 2>&1 || { echo 'debconf-show is not installed' >&2; exit 127; }; LC_ALL=C debconf-show ${shq(a.name)}`,
  probeError: (a) => `debconf-show ${a.name} failed`,
  probeFailed: (_a, q) => failed(q.stderr.trim() || `debconf-show failed (rc ${q.rc})`),
  plan(a, out, { diff }) {
    const prev = parseSelections(out);
    const given = [a.question, a.vtype, a.value].filter((x) => x !== undefined).length;
    if (given > 0 && given < 3) return { result: failed('parameters are required together: question, vtype, value'), changes: [] };
    if (a.question === undefined) return { result: { changed: false, msg: '', current: prev }, changes: [] };
    const q = a.question;
    let value = a.value as string;
    let changed = !(q in prev);
    if (!changed) {
      const existing = a.vtype === 'boolean' ? prev[q].toLowerCase() : prev[q];
      if (a.vtype === 'boolean') value = value.toLowerCase();
      changed = value !== existing;
    }
    if (!changed) return { result: { changed: false, msg: '', current: prev }, changes: [] };
    // debconf's own spelling of a boolean goes to debconf-set-selections; the result shows the value as given
    const setTo = a.vtype === 'boolean' ? (value === 'True' ? 'true' : value === 'False' ? 'false' : value) : value;
    const previous = { [q]: q in prev ? prev[q] : '' };
    // a password never appears in kbs's output (Ansible shows it unless the task says no_log)
    const shown = a.vtype === 'password' ? '********' : value;
    const result: ModuleResult = { changed: true, msg: '', current: { [q]: shown }, previous };
    if (diff) result.diff = { before: previous, after: { ...previous, [q]: shown } } as unknown as ModuleResult['diff'];
    const line = [a.name, q, a.vtype, setTo].join(' ');
    return {
      result,
      changes: [
        {
          description: `set the debconf question ${q} of ${a.name}`,
          command: `printf '%s' ${shq(line)} | debconf-set-selections${a.unseen ? ' -u' : ''}`,
          failWith: (w) => failed(w.stderr),
        },
      ],
    };
  },
};

export const debconf: ModuleDef = {
  name: 'debconf',
  schema: args.schema,
  run: (a, ctx) => runPlanned(debconfPlanner, a, ctx),
};
