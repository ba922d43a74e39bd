/**
 * kbs (the built copy in dist/) with stand-ins for what it lacks, to measure how a real project
 * loads apart from missing modules and module arguments:
 *
 *   KBS_STUB_MODULES=kube,group_by KBS_STUB_ARGS=service.daemon_reload \
 *     node bench/kubespray/kbs-stubbed.mjs run --list-tasks -i inv playbook.yml
 *
 * A stand-in module accepts any arguments and fails if a task ever runs it; a stand-in argument
 * is accepted with any value. With KBS_STUB_LEARN=1 the command is repeated in this process,
 * adding a stand-in for each module or argument the loader reports as unknown (never for an
 * Ansible keyword), until it loads or fails otherwise; the last line on stderr then reads
 * `kbs-stubbed: {"modules":[...],"args":[...]}`. Plain JavaScript so that its start-up costs
 * what bin/kbs.js costs.
 */
import { getModule, registerModule } from '../../dist/src/modules/registry.js';

const PREFIX = /^(ansible\.(builtin|legacy|posix)|community\.general)\./;
/** Ansible 2.14's task keywords: an "unknown" one is a loader gap, never a module to stand in for */
const KEYWORDS = new Set(('action any_errors_fatal args async become become_exe become_flags become_method become_user changed_when check_mode collections connection debugger delay delegate_facts delegate_to diff environment failed_when ignore_errors ignore_unreachable local_action loop loop_control module_defaults name no_log notify poll port register remote_user retries run_once tags throttle timeout until vars when listen').split(' '));

const modules = [];
const args = [];

function stubModule(name) {
  if (getModule(name)) return;
  modules.push(name);
  registerModule({
    name: name.replace(PREFIX, ''),
    freeForm: true,
    schema: { type: 'object', additionalProperties: true },
    async run() {
      throw new Error(`${name} is a stand-in of bench/kubespray/kbs-stubbed.mjs and cannot run`);
    },
  });
}

/** `module.arg`: the argument is accepted with any value, and no longer required */
function stubArg(spec) {
  const [modName, arg] = spec.split('.');
  const mod = getModule(modName);
  if (!mod || !arg || args.includes(spec)) return false;
  const props = { ...(mod.schema.properties ?? {}), [arg]: {} };
  const schema = { ...mod.schema, properties: props };
  if (Array.isArray(schema.required)) schema.required = schema.required.filter((r) => r !== arg);
  for (const k of ['anyOf', 'oneOf', 'allOf']) delete schema[k];
  // a new module object: kbs keeps one checked schema per module object
  registerModule({ ...mod, schema });
  args.push(spec);
  return true;
}

for (const m of (process.env.KBS_STUB_MODULES ?? '').split(',').filter(Boolean)) stubModule(m);
for (const a of (process.env.KBS_STUB_ARGS ?? '').split(',').filter(Boolean)) stubArg(a);

/** `module.arg` of a load error about a module argument (unknown, bad value, missing) */
function argProblem(err) {
  let m = /unknown argument "([^"]+)" in module "([^"]+)"/.exec(err) ?? /"([^"]+)" in module "([^"]+)"/.exec(err);
  if (m) return `${m[2]}.${m[1]}`;
  m = /module "([^"]+)" is missing the required argument "([^"]+)"/.exec(err);
  return m ? `${m[1]}.${m[2]}` : undefined;
}

if (process.env.KBS_STUB_LEARN !== '1') {
  await import('../../dist/src/cli/entry.js');
} else {
  const { main } = await import('../../dist/src/cli/main.js');
  const argv = process.argv.slice(2);
  let code = 0;
  for (let i = 0; i < 500; i++) {
    let out = '';
    let err = '';
    code = await main(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), isTTY: false, env: process.env });
    const mod = /unknown module(?: or keyword)? "([^"]+)"/.exec(err);
    const arg = argProblem(err);
    let learned = false;
    if (code !== 0 && mod && !KEYWORDS.has(mod[1]) && !mod[1].startsWith('with_') && !getModule(mod[1])) {
      stubModule(mod[1]);
      learned = true;
    } else if (code !== 0 && arg) learned = stubArg(arg);
    if (!learned) {
      process.stdout.write(out);
      process.stderr.write(err);
      break;
    }
  }
  process.stderr.write(`kbs-stubbed: ${JSON.stringify({ modules, args })}\n`);
  process.exitCode = code;
}
