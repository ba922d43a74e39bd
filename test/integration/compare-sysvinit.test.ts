/**
 * sysvinit, kbs against ansible-playbook 2.14 over a real sshd on this machine (no systemd here:
 * `service NAME status` runs the script): an init script of the test's own with LSB headers,
 * enabled (update-rc.d defaults) and started, a second run that changes nothing, check mode,
 * stopped, restarted, disabled in runlevels, a ps pattern, the service alias, a missing script,
 * and a script whose start fails. Every registered result is compared (but `invocation`). Each
 * tool gets the same script under its own name; scripts, links and processes are removed after.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Sshd } from '../helpers/sshd.js';
import { USERS, registeredResult, registeredStep, runTool, startHosts, stopHosts } from './modules-ssh-shared.js';

let sshd: Sshd;
let work: string;
let inv: string;

const NAMES = { a: 'kbs-cmp-sysv-a', k: 'kbs-cmp-sysv-k' };

function script(name: string, failStart = false): string {
  return `#!/bin/sh
### BEGIN INIT INFO
# Provides:          ${name}
# Required-Start:
# Required-Stop:
# Default-Start:     2 3 4 5
# Default-Stop:      0 1 6
# Short-Description: a test service of kbs
### END INIT INFO
P=/run/${name}.pid
case "$1" in
  start) ${failStart ? 'echo "cannot start" >&2; exit 1;' : ''}[ -f $P ] && kill -0 "$(cat $P)" 2>/dev/null && exit 0; (exec setsid sleep 1000 </dev/null >/dev/null 2>&1 & echo $! > $P); echo "Starting ${name} $2";;
  stop) [ -f $P ] && kill "$(cat $P)" 2>/dev/null; rm -f $P; echo "Stopping ${name}";;
  status) if [ -f $P ] && kill -0 "$(cat $P)" 2>/dev/null; then echo "${name} is running"; exit 0; else echo "${name} is not running"; exit 3; fi;;
  *) echo "usage" >&2; exit 2;;
esac
`;
}

function install(name: string): void {
  for (const [n, fail] of [[name, false], [`${name}-bad`, true]] as const) {
    writeFileSync(`/etc/init.d/${n}`, script(n, fail));
    chmodSync(`/etc/init.d/${n}`, 0o755);
  }
}

function remove(name: string): void {
  for (const n of [name, `${name}-bad`]) {
    execFileSync('sh', ['-c', `/etc/init.d/${n} stop >/dev/null 2>&1; update-rc.d -f ${n} remove >/dev/null 2>&1; rm -f /etc/init.d/${n} /run/${n}.pid; true`]);
  }
}

before(async () => {
  for (const n of Object.values(NAMES)) remove(n);
  ({ sshd, work, inv } = await startHosts('sysv', { asroot: USERS.asroot }));
});
after(async () => {
  for (const n of Object.values(NAMES)) remove(n);
  await stopHosts(sshd, work);
});

const step = (args: string, extra = '') => registeredStep('sysvinit', args, extra);

const PB = `- hosts: asroot
  gather_facts: false
  tasks:
${step('{name: "{{ svc }}", enabled: true, state: started}')}${step('{name: "{{ svc }}", enabled: true, state: started}')}${step('{name: "{{ svc }}", state: stopped}', '      check_mode: true\n')}${step('{name: "{{ svc }}", state: stopped}')}${step('{name: "{{ svc }}", state: stopped}')}${step('{service: "{{ svc }}", state: restarted, sleep: 0, arguments: extra}')}${step('{name: "{{ svc }}", enabled: false, runlevels: ["2", "3"]}')}${step('{name: "{{ svc }}", enabled: false, runlevels: ["2", "3"]}')}${step('{name: "{{ svc }}", state: started, pattern: "no-such-process-kbs-xyz"}')}${step('{name: "{{ svc }}", enabled: true}', '      check_mode: true\n')}${step('{name: "{{ svc }}-bad", state: started}')}${step('{name: kbs-no-such-service-xyz, state: started}')}    - debug: {msg: "{{ lookup('pipe', 'ls /etc/rc2.d /etc/rc3.d /etc/rc5.d | grep -c -- ' + svc + '$') }}"}
`;

test('sysvinit: as ansible-playbook', async () => {
  const run = async (tool: 'a' | 'k') => {
    const name = NAMES[tool];
    install(name);
    const pb = join(work, `sysv-${tool}.yml`);
    writeFileSync(pb, PB);
    const args = ['-i', inv, pb, '-e', `svc=${name}`];
    const r = await runTool(tool, work, args);
    remove(name);
    // the service's own name differs between the two runs
    return { ...r, msgs: JSON.parse(JSON.stringify(r.msgs).split(name).join('SVC')) as Record<string, unknown[]> };
  };
  const a = await run('a');
  const k = await run('k');
  assert.equal(a.code, 0, a.out);
  assert.equal(k.code, 0, k.out);
  assert.deepEqual(k.msgs, a.msgs);
  // what the results are, so that the comparison cannot pass on two wrong answers
  const m = k.msgs.asroot.slice(0, 12).map(registeredResult);
  assert.equal(m[0].changed, true);
  assert.deepEqual((m[0].status as Record<string, { changed: boolean }>).started.changed, true);
  assert.equal(m[1].changed, false);
  assert.equal(m[2].changed, true); // check mode: would stop
  assert.equal(m[3].changed, true);
  assert.equal(m[4].changed, false);
  assert.equal(m[5].changed, true);
  assert.equal(m[6].changed, true);
  assert.equal(m[7].changed, false);
  assert.equal(m[10].failed, true);
  assert.match(String(m[10].msg), /^Failed to start service: SVC-bad$/);
  assert.equal(m[11].msg, 'Could not find the requested service kbs-no-such-service-xyz: ');
});
