/** The python3 on the workstation's PATH, found once (kbs itself needs none); null without one. */
import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';

let python: string | null | undefined;

/** what Ansible's sys.executable is: ansible_playbook_python, the implicit localhost's interpreter */
export function workstationPython(): string | null {
  if (python === undefined) {
    python = (process.env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'python3')).find((p) => existsSync(p)) ?? null;
  }
  return python;
}
