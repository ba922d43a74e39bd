/**
 * The ansible-core installed on the workstation, found as Ansible finds its own code: the
 * Python that runs `ansible-playbook` (its #! line) is asked where the `ansible` package is;
 * then a plain `python3`. KBS_ANSIBLE_PYTHON names the Python to ask instead (tests point it at
 * a Python without ansible). The answer is kept for the rest of the process.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export interface AnsibleCore {
  /** the Python asked */
  python: string;
  /** folder of the `ansible` package (…/ansible), whose module_utils are bundled */
  root: string;
  /** ansible-core's version, e.g. 2.14.18 */
  version: string;
}

export type CoreLookup = { core: AnsibleCore } | { error: string };

const cache = new Map<string, CoreLookup>();

function onPath(cmd: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** the interpreter (and its arguments) of a script's #! line: `#!/usr/bin/env python3` → ['/usr/bin/env', 'python3'] */
export function shebangOf(file: string): string[] | undefined {
  try {
    const head = readFileSync(file).subarray(0, 256).toString('utf8');
    const m = /^#!\s*([^\n]+)/.exec(head);
    return m ? m[1].trim().split(/\s+/) : undefined;
  } catch {
    return undefined;
  }
}

/** the Pythons to ask, in order, each as a command line */
export function pythonCandidates(env: NodeJS.ProcessEnv): string[][] {
  if (env.KBS_ANSIBLE_PYTHON) return [[env.KBS_ANSIBLE_PYTHON]];
  const out: string[][] = [];
  const ap = onPath('ansible-playbook', env);
  const sb = ap ? shebangOf(ap) : undefined;
  if (sb) out.push(sb);
  out.push(['python3']);
  return out;
}

const ASK = 'import os, ansible, ansible.release; print(os.path.dirname(os.path.abspath(ansible.__file__))); print(ansible.release.__version__)';

/** ansible-core on this workstation, or why it was not found */
export function findAnsibleCore(env: NodeJS.ProcessEnv = process.env): CoreLookup {
  const cands = pythonCandidates(env);
  const key = JSON.stringify(cands);
  const hit = cache.get(key);
  if (hit) return hit;
  const tried: string[] = [];
  let found: CoreLookup | undefined;
  for (const [cmd, ...pre] of cands) {
    tried.push([cmd, ...pre].join(' '));
    const r = spawnSync(cmd, [...pre, '-c', ASK], { encoding: 'utf8', timeout: 30_000, env });
    const lines = (r.stdout ?? '').trim().split('\n');
    if (r.status === 0 && lines.length === 2 && existsSync(join(lines[0], 'module_utils', 'basic.py'))) {
      found = { core: { python: [cmd, ...pre].join(' '), root: lines[0], version: lines[1].trim() } };
      break;
    }
  }
  found ??= { error: `no Python with ansible-core found (asked ${tried.join(', ')})` };
  cache.set(key, found);
  return found;
}
