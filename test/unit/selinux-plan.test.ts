/**
 * ansible.posix.selinux planned from recorded probe output, for the paths a host without SELinux
 * cannot show (a mounted selinuxfs: enforcing/permissive switches, the temporary permissive mode
 * on the way to disabled; grubby's kernel arguments). The paths this host can show are compared
 * with ansible-playbook in test/integration/compare-selinux.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { kernelEnabled, selinuxPlanner } from '../../src/modules/selinux.js';

const CONFIG = 'SELINUX=enforcing\nSELINUXTYPE=targeted\n';
/** the probe's output: selinuxfs at /sys/fs/selinux in MODE (1 enforcing, 0 permissive), the config file */
const probe = (enforce: string | undefined, extra = '', config = CONFIG) =>
  `@@fields\nMNT\t${enforce === undefined ? '' : '/sys/fs/selinux'}\n${enforce === undefined ? '' : `ENFORCE\t${enforce}\n`}SYSCONF\t1\nRTYPE\ttargeted\nCF\t1\nMODE\t644\n${extra}@@config\n${config}`;

function plan(args: Record<string, unknown>, out: string, check = false) {
  const a = selinuxPlanner.args.read(args);
  const p = selinuxPlanner.plan(a, out, { diff: false, check });
  return { result: p.result, changes: p.changes.map((c) => c.command ?? `write ${c.write?.path} <- ${c.write?.data}`) };
}

test('enforcing to permissive: the running mode and the config file', () => {
  const p = plan({ policy: 'targeted', state: 'permissive' }, probe('1'));
  assert.deepEqual(p.changes, ['write /etc/selinux/config <- SELINUX=permissive\nSELINUXTYPE=targeted\n', 'printf 0 > /sys/fs/selinux/enforce']);
  assert.deepEqual(p.result, {
    changed: true,
    msg: "SELinux state changed from 'enforcing' to 'permissive', Config SELinux state changed from 'enforcing' to 'permissive'",
    configfile: '/etc/selinux/config',
    policy: 'targeted',
    state: 'permissive',
    reboot_required: false,
  });
});

test('already enforcing: nothing to do', () => {
  const p = plan({ policy: 'targeted', state: 'enforcing' }, probe('1'));
  assert.deepEqual(p.changes, []);
  assert.equal(p.result.changed, false);
  assert.equal(p.result.msg, '');
});

test('enforcing to disabled: permissive until the reboot, with Ansible\'s warning', () => {
  const p = plan({ state: 'disabled' }, probe('1'));
  assert.deepEqual(p.changes, ['write /etc/selinux/config <- SELINUX=disabled\nSELINUXTYPE=targeted\n', 'printf 0 > /sys/fs/selinux/enforce']);
  assert.equal(p.result.reboot_required, true);
  assert.deepEqual(p.result.warnings, ["SELinux state temporarily changed from 'enforcing' to 'permissive'. State change will take effect next reboot."]);
  const q = plan({ state: 'disabled' }, probe('0', '', 'SELINUX=disabled\nSELINUXTYPE=targeted\n'));
  assert.deepEqual(q.changes, []);
  assert.deepEqual(q.result.warnings, ['SELinux state change will take effect next reboot']);
  assert.equal(q.result.changed, false);
});

test('check mode: a policy change answers changed alone, as the module exits early', () => {
  const p = plan({ policy: 'mls', state: 'enforcing' }, probe('1'), true);
  assert.deepEqual(p.result, { changed: true });
});

test('update_kernel_param: selinux=0 added or removed with grubby', () => {
  const g = (args: string) => `GRUBBY\t/usr/sbin/grubby\nGRUBBYRC\t0\n@@grubby\nindex=0\nargs="ro quiet${args}"\nindex=1\nargs="ro${args}"\n`;
  const off = plan({ state: 'disabled', update_kernel_param: true }, probe('0', g('')));
  assert.deepEqual(off.changes.slice(1), ['/usr/sbin/grubby --update-kernel=ALL --args selinux=0']);
  assert.match(String(off.result.msg), /Kernel SELinux state changed from 'enabled' to 'disabled'$/);
  const on = plan({ policy: 'targeted', state: 'enforcing', update_kernel_param: true }, probe('1', g(' selinux=0')));
  assert.deepEqual(on.changes, ['/usr/sbin/grubby --update-kernel=ALL --remove-args selinux=0']);
  assert.equal(on.result.msg, "Kernel SELinux state changed from 'disabled' to 'enabled'");
});

test('grubby --info=ALL read as get_kernel_enabled', () => {
  assert.equal(kernelEnabled('args="ro"\nargs="ro quiet"\n'), true);
  assert.equal(kernelEnabled('args="ro selinux=0"\n'), false);
  assert.equal(kernelEnabled('args="ro selinux=0"\nargs="ro"\n'), null);
});
