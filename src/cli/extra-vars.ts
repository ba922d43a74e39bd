/** -e values: `k=v k2="v 2"`, a JSON/YAML mapping, or `@file.yml`. Later ones win. */
import { resolve } from 'node:path';
import { KbsError } from '../errors.js';
import type { Vars } from '../load/model.js';
import { parseYaml } from '../yaml/read.js';
import { parseKv } from '../load/kv.js';

export function parseExtraVars(values: string[], cwd = process.cwd()): Vars {
  const out: Vars = {};
  for (const v of values) {
    const s = v.trim();
    if (s.startsWith('@')) {
      const file = resolve(cwd, s.slice(1));
      const yf = parseYaml(file);
      if (yf.value == null) continue;
      if (typeof yf.value !== 'object' || Array.isArray(yf.value)) {
        throw new KbsError('USAGE', `-e @${s.slice(1)}: the file must hold a mapping of variables`, { pos: { file } });
      }
      Object.assign(out, yf.value);
    } else if (s.startsWith('{')) {
      const yf = parseYaml('<-e>', s);
      Object.assign(out, yf.value as Vars);
    } else {
      const kv = parseKv(s, { freeForm: false });
      if (!Object.keys(kv).length || kv._raw_params !== undefined) throw new KbsError('USAGE', `-e "${s}" is not key=value, a mapping or @file`, { hint: 'e.g. -e version=1.30.4 or -e @vars.yml' });
      Object.assign(out, kv);
    }
  }
  return out;
}
