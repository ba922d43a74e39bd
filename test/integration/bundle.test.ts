/**
 * bin/kbs.js runs the one-file build dist/kbs.cjs (npm run build: tsc, then scripts/bundle.mjs):
 * it finds the shipped playbooks and roles, loads ajv for an error message and reads its
 * dependencies' files (nunjucks filters) as the unbundled build does, reaches a host over a real
 * sshd with the bundled ssh2 (its native crypto binding found beside the bundle); V8's code cache
 * is saved per command and used by the next run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { deserialize, serialize } from 'node:v8';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { sshdInventory } from '../helpers/kbs.js';
import { tempDir } from '../helpers/tmp.js';
import { encryptVault } from '../../src/vault/format.js';

const BIN = resolve('bin/kbs.js');
let sshd: Sshd | undefined;
before(async () => {
  sshd = await startSshd();
});
after(async () => {
  await sshd?.stop();
});
const kbs = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmpdir() });
const kbsEnv = (env: Record<string, string>, ...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: tmpdir(), env: { ...process.env, ...env } });

test('the bundle is built', () => {
  assert.ok(existsSync(resolve('dist/kbs.cjs')), 'dist/kbs.cjs is missing: npm run build');
});

test('the bundle finds the shipped cluster playbook and its roles', () => {
  const dir = tempDir('kbs-bundle-');
  const inv = join(dir, 'inv.yml');
  writeFileSync(inv, 'all:\n  children:\n    control_plane:\n      hosts:\n        cp1: { ansible_host: 192.0.2.10 }\n');
  const r = kbs('apply', inv, '--syntax-check');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /playbook: .*\/playbooks\/cluster\.yml/);
});

test('a playbook runs on localhost; a bad argument gets the message with the position', () => {
  const dir = tempDir('kbs-bundle-');
  const pb = join(dir, 'pb.yml');
  writeFileSync(pb, `- hosts: localhost
  gather_facts: false
  tasks:
    - command: echo {{ 'a-b' | replace('-', '_') | upper }}
      register: r
    - assert: { that: "r.stdout == 'A_B'" }
`);
  const ok = kbs('run', pb, '-i', 'localhost,');
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /localhost\s+: ok=2\s+changed=1/);
  writeFileSync(pb, '- hosts: localhost\n  tasks:\n    - copy: { dest: /x, mdoe: 1 }\n');
  const bad = kbs('run', pb, '-i', 'localhost,');
  assert.equal(bad.status, 4);
  assert.match(bad.stderr, /pb\.yml:3:\d+: error: unknown argument "mdoe" in module "copy"/);
  assert.match(bad.stderr, /did you mean mode\?/);
  assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');
});

test('the code cache: one file per command, written by its first complete run, used or replaced after', () => {
  const dir = tempDir('kbs-codecache-');
  const env = { KBS_CACHE_DIR: dir };
  const inv = join(dir, 'inv.yml');
  writeFileSync(inv, 'all:\n  children:\n    control_plane:\n      hosts:\n        cp1: {ansible_host: 10.0.0.1}\n');
  // a command that runs (exit 0), not only its --help; and one that stops at a missing inventory (exit 4)
  const validate = () => kbsEnv(env, 'validate', inv);
  const failing = () => kbsEnv(env, 'validate', join(dir, 'no-such-inventory.yml'));
  assert.equal(kbsEnv(env, 'validate', '--help').status, 0);
  assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.bin')), [], 'a --help run writes no cache');
  // a run that ended early keeps a partial cache: it is used by the next runs, and replaced by the
  // first complete run's (a cache from a run that stopped at a bad inventory would hold too little)
  assert.equal(failing().status, 4);
  const bins = () => readdirSync(dir).filter((f) => f.endsWith('.bin')).sort();
  assert.equal(bins().length, 1, bins().join(' '));
  assert.match(bins()[0], /^part-[0-9a-f]{12}-[0-9a-f]{12}-validate\.bin$/);
  const partIno = statSync(join(dir, bins()[0])).ino;
  assert.equal(failing().status, 4);
  assert.equal(statSync(join(dir, bins()[0])).ino, partIno, 'a partial cache V8 accepts is not written again by a run that ends early');
  const first = validate();
  assert.equal(first.status, 0, first.stderr);
  const files = bins();
  assert.equal(files.length, 1, files.join(' '));
  assert.match(files[0], /^code-[0-9a-f]{12}-[0-9a-f]{12}-validate\.bin$/);
  const data = readFileSync(join(dir, files[0]));
  assert.ok(data.length > 100_000, `${data.length} bytes`);
  assert.equal(statSync(join(dir, files[0])).mode & 0o777, 0o600);
  // later runs use it and do not write it again (a new file would be a new inode), nor does a failing one
  const ino = statSync(join(dir, files[0])).ino;
  const second = validate();
  assert.equal(second.stdout, first.stdout);
  assert.equal(failing().status, 4);
  assert.equal(statSync(join(dir, files[0])).ino, ino);
  assert.deepEqual(bins(), files);
  // data V8 refuses (not its format) is replaced, and the run is not disturbed; writing it removes
  // an older build's file for this bundle and command and a stale temp file, not another bundle's
  writeFileSync(join(dir, files[0]), 'not a code cache');
  const place = files[0].slice(0, 'code-'.length + 12);
  writeFileSync(join(dir, `${place}-000000000000-validate.bin`), 'older build');
  writeFileSync(join(dir, 'code-aaaaaaaaaaaa-000000000000-validate.bin'), 'another checkout');
  writeFileSync(join(dir, 'code-x.bin.99.tmp'), 'left by a killed run');
  spawnSync('touch', ['-d', '1 hour ago', join(dir, 'code-x.bin.99.tmp')]);
  const third = validate();
  assert.equal(third.status, 0, third.stderr);
  assert.equal(third.stdout, first.stdout);
  assert.ok(readFileSync(join(dir, files[0])).length > 100_000);
  assert.deepEqual(bins(), ['code-aaaaaaaaaaaa-000000000000-validate.bin', files[0]].sort());
  // another command has its own file; KBS_CODE_CACHE=0 writes none
  kbsEnv(env, 'plan', join(dir, 'no-such-inventory.yml'));
  assert.deepEqual(bins().filter((f) => !f.startsWith('code-aaaa')).map((f) => f.replace(/-[0-9a-f]+-[0-9a-f]+-/, '-')).sort(), ['code-validate.bin', 'part-plan.bin']);
  const off = tempDir('kbs-codecache-');
  assert.equal(kbsEnv({ KBS_CACHE_DIR: off, KBS_CODE_CACHE: '0' }, 'validate', inv).status, 0);
  assert.deepEqual(readdirSync(off), []);
  // a folder others may write to is not trusted: no cache read or written there
  const open = tempDir('kbs-codecache-');
  chmodSync(open, 0o777);
  assert.equal(kbsEnv({ KBS_CACHE_DIR: open }, 'validate', inv).status, 0);
  assert.deepEqual(readdirSync(open), []);
});

test('what templates compile to is kept beside the code cache and used by the next run; an unknown filter is placed either way', () => {
  const dir = tempDir('kbs-tplcache-');
  const pb = join(dir, 'pb.yml');
  writeFileSync(pb, `- hosts: localhost
  gather_facts: false
  vars: {n: 3}
  tasks:
    - debug: {msg: "{{ range(n) | map('string') | join('-') }} {{ 'x' if n is odd else 'y' }}"}
`);
  const env = { KBS_CACHE_DIR: dir };
  const run = () => kbsEnv(env, 'run', pb, '-i', 'localhost,');
  const first = run();
  assert.equal(first.status, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /"msg": "0-1-2 x"/);
  const tpl = () => readdirSync(dir).filter((f) => /^tpl-[0-9a-f]{12}-[0-9a-f]{12}\.bin$/.test(f));
  assert.equal(tpl().length, 1, readdirSync(dir).join(' '));
  const file = join(dir, tpl()[0]);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.ok(readFileSync(file).includes(Buffer.from("range(n) | map('string')")), 'the template is in the file');
  // the next run compiles nothing new: it renders from the file and does not write it again
  const ino = statSync(file).ino;
  const second = run();
  assert.equal(second.stdout.replace(/\d+\.\d+s/g, ''), first.stdout.replace(/\d+\.\d+s/g, ''));
  assert.equal(statSync(file).ino, ino);
  // entries of another shape (a file edited by hand) are compiled again and replaced
  const broken = deserialize(readFileSync(file)) as Map<string, unknown>;
  for (const k of broken.keys()) broken.set(k, { code: 42 });
  writeFileSync(file, serialize(broken), { mode: 0o600 });
  const repaired = run();
  assert.equal(repaired.status, 0, repaired.stderr);
  assert.match(repaired.stdout, /"msg": "0-1-2 x"/);
  assert.ok([...(deserialize(readFileSync(file)) as Map<string, { code: unknown }>).values()].every((e) => typeof e.code === 'string'));
  // a template whose filter does not exist: the same positioned error from a fresh parse and from the file
  writeFileSync(pb, `- hosts: localhost\n  gather_facts: false\n  tasks:\n    - debug: {msg: "{{ 1 | nosuchfilter }}"}\n`);
  const bad1 = run();
  const bad2 = run();
  assert.equal(bad1.status, 4, bad1.stderr);
  assert.match(bad1.stderr, /pb\.yml:4:\d+: error: .*nosuchfilter/);
  assert.equal(bad2.stderr, bad1.stderr);
  // a file V8 cannot read is ignored and replaced; a file others may write is not read (and replaced)
  writeFileSync(file, 'not a serialized map');
  assert.equal(run().status, 4);
  assert.ok(readFileSync(file).includes(Buffer.from('nosuchfilter')));
  chmodSync(file, 0o666);
  const before = statSync(file).ino;
  assert.equal(run().status, 4);
  assert.notEqual(statSync(file).ino, before, 'a file others may write was used');
  assert.equal(statSync(file).mode & 0o777, 0o600);
});

test('the templates kept across runs are the playbook\'s own: never a vault value, a variable from the inventory or a host', () => {
  const dir = tempDir('kbs-tplsecret-');
  writeFileSync(join(dir, 'pw'), 'pw-for-the-test\n');
  const vaulted = encryptVault("VAULTED-9f3a {{ 'x' }}", 'pw-for-the-test').trimEnd().split('\n').map((l) => `      ${l}`).join('\n');
  writeFileSync(join(dir, 'inv.yml'), "all:\n  hosts:\n    localhost:\n      ansible_connection: local\n      inv_value: \"INVENTORY-77c1 {{ 'y' }}\"\n");
  const pb = join(dir, 'pb.yml');
  writeFileSync(pb, `- hosts: localhost
  gather_facts: false
  vars:
    secret: !vault |
${vaulted}
  tasks:
    - command: printf 'HOST-5e2d %s%s z }}' '{' '{'
      register: out
      changed_when: false
    - debug: {msg: "PLAYBOOK-0b4e {{ secret | length }} {{ inv_value }} {{ out.stdout }}"}
    - command: "env A=1 printf 'FREEFORM-41d7 %s' {{ 'w' }}"
      changed_when: false
    - template: {src: plain.j2, dest: "${dir}/plain.out"}
    - template: {src: vaulted.j2, dest: "${dir}/vaulted.out"}
`);
  writeFileSync(join(dir, 'plain.j2'), "TEMPLATEFILE-c3a1 {{ 'v' }}\n");
  writeFileSync(join(dir, 'vaulted.j2'), encryptVault("VAULTEDFILE-2e8b {{ 'u' }}\n", 'pw-for-the-test'));
  const r = kbsEnv({ KBS_CACHE_DIR: dir }, 'run', pb, '-i', join(dir, 'inv.yml'), '--vault-password-file', join(dir, 'pw'));
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /PLAYBOOK-0b4e \d+ INVENTORY-77c1 y HOST-5e2d \{\{ z \}\}/);
  assert.equal(readFileSync(join(dir, 'plain.out'), 'utf8'), 'TEMPLATEFILE-c3a1 v\n');
  assert.equal(readFileSync(join(dir, 'vaulted.out'), 'utf8'), 'VAULTEDFILE-2e8b u\n');
  const [file] = readdirSync(dir).filter((f) => f.startsWith('tpl-'));
  const kept = readFileSync(join(dir, file));
  // the playbook's own: its templates, a free-form command whole (as it is rendered), a template file
  const keys = [...(deserialize(kept) as Map<string, unknown>).keys()];
  assert.ok(keys.some((k) => k.includes('PLAYBOOK-0b4e')), 'the playbook\'s template was not kept');
  assert.ok(keys.some((k) => k.endsWith("\0env A=1 printf 'FREEFORM-41d7 %s' {{ 'w' }}")), 'the free-form command was not kept whole');
  // as the template module renders it (its Jinja options in the key), not only as the load checked it
  assert.ok(keys.some((k) => k.startsWith('t{') && k.includes('TEMPLATEFILE-c3a1')), 'the template file was not kept as rendered');
  for (const text of ['VAULTED-9f3a', 'VAULTEDFILE-2e8b', 'INVENTORY-77c1', 'HOST-5e2d']) assert.ok(!kept.includes(Buffer.from(text)), `${text} was kept`);
});

test('what playbook and role files parse to is kept and used by the next run, with the same positions; never a vaulted file', () => {
  const dir = tempDir('kbs-yamlcache-');
  writeFileSync(join(dir, 'pw'), 'pw-for-the-test\n');
  mkdirSync(join(dir, 'roles/r/tasks'), { recursive: true });
  writeFileSync(join(dir, 'roles/r/tasks/main.yml'), '- debug: {msg: "ROLE-3c1d {{ n }}"}\n');
  const vaulted = encryptVault('VAULTED-71be', 'pw-for-the-test').trimEnd().split('\n').map((l) => `      ${l}`).join('\n');
  writeFileSync(join(dir, 'vars.yml'), `other: VARSFILE-2d4a\nsecret: !vault |\n${vaulted}\n`);
  writeFileSync(join(dir, 'whole.yml'), encryptVault('whole: WHOLEFILE-8e0f\n', 'pw-for-the-test'));
  const pb = join(dir, 'pb.yml');
  writeFileSync(pb, `- hosts: localhost
  gather_facts: false
  vars: {n: PLAYBOOK-5a9c}
  vars_files: [vars.yml, whole.yml]
  roles: [r]
  tasks:
    - debug: {msg: "{{ secret | length }} {{ whole }}"}
`);
  const run = () => kbsEnv({ KBS_CACHE_DIR: dir }, 'run', pb, '-i', 'localhost,', '--vault-password-file', join(dir, 'pw'));
  const first = run();
  assert.equal(first.status, 0, first.stdout + first.stderr);
  assert.match(first.stdout, /ROLE-3c1d PLAYBOOK-5a9c/);
  const files = readdirSync(dir).filter((f) => /^yaml-[0-9a-f]{12}-[0-9a-f]{12}\.bin$/.test(f));
  assert.equal(files.length, 1, readdirSync(dir).join(' '));
  const file = join(dir, files[0]);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const kept = readFileSync(file);
  for (const text of ['ROLE-3c1d', 'PLAYBOOK-5a9c']) assert.ok(kept.includes(Buffer.from(text)), `${text} is not kept`);
  for (const text of ['VARSFILE-2d4a', 'VAULTED-71be', 'WHOLEFILE-8e0f']) assert.ok(!kept.includes(Buffer.from(text)), `${text} was kept`);
  // the next run reads the files' values from it, and does not write it again
  const ino = statSync(file).ino;
  const second = run();
  assert.equal(second.stdout.replace(/\d+\.\d+s/g, ''), first.stdout.replace(/\d+\.\d+s/g, ''));
  assert.equal(statSync(file).ino, ino);
  // a kept file's error is placed where a fresh parse places it (a changed role file is parsed again)
  writeFileSync(join(dir, 'roles/r/tasks/main.yml'), '- debug: {msg: hi}\n- name: two\n  no_such_module: {x: 1}\n');
  const bad1 = run();
  const bad2 = run();
  assert.equal(bad1.status, 4, bad1.stderr);
  assert.match(bad1.stderr, /main\.yml:3:3: error: unknown module or keyword "no_such_module"/);
  assert.equal(bad2.stderr, bad1.stderr);
  // the run did read the values from the file: values changed in it change what the run loads
  const changed = deserialize(readFileSync(file)) as Map<string, { value: unknown }>;
  for (const e of changed.values()) e.value = 'not a playbook';
  writeFileSync(file, serialize(changed), { mode: 0o600 });
  const tampered = run();
  assert.equal(tampered.status, 4);
  assert.notEqual(tampered.stderr, bad1.stderr);
  // entries of another shape are parsed again (and replaced)
  for (const e of changed.values()) (e as Record<string, unknown>).lines = 'x';
  writeFileSync(file, serialize(changed), { mode: 0o600 });
  assert.equal(run().stderr, bad1.stderr);
});

test("V8's optimising compiler is made less eager (Node 20), unless KBS_V8_DEFAULTS=1", { skip: process.versions.v8.startsWith('11.3.') ? false : 'the setting is for V8 11.3' }, () => {
  // the setting is part of V8's flags, which V8 checks a code cache against: a cache written
  // with the setting is refused without it (and rewritten: a new inode), and kept with it
  const dir = tempDir('kbs-v8flags-');
  const validate = (env: Record<string, string> = {}) => kbsEnv({ KBS_CACHE_DIR: dir, ...env }, 'validate', join(dir, 'no-such-inventory.yml'));
  const first = validate();
  assert.equal(first.status, 4, first.stderr);
  assert.doesNotMatch(first.stderr, /unrecognized flag|Try --help/);
  const [file] = readdirSync(dir).map((f) => join(dir, f));
  const ino = statSync(file).ino;
  assert.equal(validate().stderr, first.stderr);
  assert.equal(statSync(file).ino, ino, 'the same flags: the cache is used');
  const defaults = validate({ KBS_V8_DEFAULTS: '1' });
  assert.equal(defaults.stderr, first.stderr);
  assert.notEqual(statSync(file).ino, ino, "V8's default flags: the cache written with the setting is refused");
});

test('over ssh with the bundled ssh2; its native crypto binding is required from where npm put it', () => {
  const bundle = readFileSync(resolve('dist/kbs.cjs'), 'utf8');
  const bindings = [...bundle.matchAll(/require\("(\.[^"]+\.node)"\)/g)].map((m) => resolve('dist', m[1]));
  // the binding npm built (ssh2's install script; without a compiler ssh2 runs on its JavaScript code)
  const built = resolve('node_modules/ssh2/lib/protocol/crypto/build/Release/sshcrypto.node');
  assert.ok(bindings.includes(built), `the bundle requires ${bindings.join(', ') || 'no native addon'}, not ${built}`);
  const dir = tempDir('kbs-bundle-');
  const inv = sshdInventory(join(dir, 'inv.yml'), sshd!, ['node1']);
  const pb = join(dir, 'pb.yml');
  writeFileSync(pb, '- hosts: all\n  gather_facts: false\n  tasks:\n    - command: id -un\n      register: r\n      changed_when: false\n    - assert: { that: "r.stdout == \'root\'" }\n');
  const r = kbs('run', pb, '-i', inv);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /node1\s+: ok=2\s+changed=0/);
});
