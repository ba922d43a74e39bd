/**
 * Running a custom module on the host, in one exec over the host's connection, as Ansible runs
 * it with pipelining: a private folder in the remote tmp (~/.ansible/tmp, else $TMPDIR or /tmp),
 * the host's Python (ansible_python_interpreter, else the first of Ansible's auto_silent list
 * found on the host), and on stdin the module arguments and the zip that a small wrapper puts on
 * sys.path before running ansible.modules.NAME as __main__ (AnsibleModule reads the arguments
 * from ansible.module_utils.basic._ANSIBLE_ARGS, as AnsiballZ sets them). Old-style modules
 * (WANT_JSON, key=value) get their arguments in a file named on their command line, as in Ansible.
 * The folder is removed when the command ends.
 */
import { shq } from '../../transport/shell.js';

/** Ansible 2.14's INTERPRETER_PYTHON_FALLBACK, after /usr/bin/python3 (its choice on Debian, Ubuntu, Fedora, RHEL 9) */
export const PYTHON_FALLBACK = [
  '/usr/bin/python3',
  'python3.11',
  'python3.10',
  'python3.9',
  'python3.8',
  'python3.7',
  'python3.6',
  'python3.5',
  '/usr/libexec/platform-python',
  'python2.7',
  '/usr/bin/python',
  'python',
];

/** the first stdout line when kbs looked for the Python */
export const DISCOVERED = 'KBS_DISCOVERED_PYTHON=';

const WRAPPER = (name: string) => `import os, sys, json, runpy
d = sys.argv[1]
data = getattr(sys.stdin, 'buffer', sys.stdin).read()
nl = data.index(b'\\n')
args = json.loads(data[:nl].decode('utf-8'))
args['ANSIBLE_MODULE_ARGS']['_ansible_tmpdir'] = d
zp = os.path.join(d, 'ansible_${name}_payload.zip')
f = open(zp, 'wb')
f.write(data[nl + 1:])
f.close()
sys.path = [zp] + [p for p in sys.path if p not in ('', '.', os.getcwd())]
from ansible.module_utils import basic
basic._ANSIBLE_ARGS = json.dumps(args).encode('utf-8')
runpy.run_module(mod_name='ansible.modules.${name}', init_globals=dict(_module_fqn='ansible.modules.${name}', _modlib_path=zp), run_name='__main__', alter_sys=True)
`;

function prelude(remoteTmp: string, python: string | undefined): string[] {
  const rt = remoteTmp === '~' || remoteTmp.startsWith('~/') ? `"$HOME"${shq(remoteTmp.slice(1))}` : shq(remoteTmp);
  return [
    'umask 077',
    `kbs_rt=${rt}`,
    'mkdir -p "$kbs_rt" 2>/dev/null',
    'kbs_d=$(mktemp -d "$kbs_rt/ansible-tmp-kbs.XXXXXXXX" 2>/dev/null) || kbs_d=$(mktemp -d "${TMPDIR:-/tmp}/ansible-tmp-kbs.XXXXXXXX") || exit 1',
    'trap \'rm -rf "$kbs_d"\' EXIT',
    python === undefined
      ? [
          'kbs_py=',
          `for p in ${PYTHON_FALLBACK.join(' ')}; do kbs_py=$(command -v "$p" 2>/dev/null) && break; kbs_py=; done`,
          '[ -n "$kbs_py" ] || kbs_py=/usr/bin/python',
          `echo "${DISCOVERED}$kbs_py"`,
        ].join('\n')
      : `kbs_py=${shq(python)}`,
  ];
}

/** the command for a module using AnsibleModule: stdin is the arguments' JSON line, then the zip */
export function newStyleCommand(name: string, remoteTmp: string, python: string | undefined): string {
  return [...prelude(remoteTmp, python), `"$kbs_py" -c ${shq(WRAPPER(name))} "$kbs_d"`].join('\n') + '\n';
}

/**
 * The command for an old-style module: stdin is the arguments file (argsLength bytes), then the
 * module. `interpreter` is the module's #! line made concrete ('python' → the host's Python),
 * or undefined for a module run directly (a binary).
 */
export function oldStyleCommand(remoteTmp: string, python: string | undefined, argsLength: number, interpreter: 'python' | string[] | undefined): string {
  const run =
    interpreter === undefined ? '"$kbs_d/module"' : interpreter === 'python' ? '"$kbs_py" "$kbs_d/module"' : `${interpreter.map(shq).join(' ')} "$kbs_d/module"`;
  return (
    [
      ...prelude(remoteTmp, interpreter === 'python' ? python : ''),
      `dd of="$kbs_d/args" bs=1 count=${argsLength} 2>/dev/null`,
      'cat > "$kbs_d/module"',
      'chmod 700 "$kbs_d/module"',
      `${run} "$kbs_d/args"`,
    ].join('\n') + '\n'
  );
}
