/** The facts parser on captured outputs of FACTS_SCRIPT (test/unit/facts-fixtures/*.txt). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseFacts } from '../../src/facts/index.js';
import type { InterfaceFacts } from '../../src/facts/index.js';
import { KbsError } from '../../src/errors.js';

const fixture = (name: string) => readFileSync(new URL(`./facts-fixtures/${name}`, import.meta.url), 'utf8');

test('Debian 12 VM: identity, distribution, kernel', () => {
  const f = parseFacts(fixture('debian12-vm.txt'));
  assert.equal(f.hostname, 'cp1');
  assert.equal(f.nodename, 'cp1');
  // no `hostname -f` answer: the /etc/hosts entry gives the fqdn
  assert.equal(f.fqdn, 'cp1.k8s.example.com');
  assert.equal(f.domain, 'k8s.example.com');
  assert.equal(f.os_family, 'Debian');
  assert.equal(f.distribution, 'Debian');
  assert.equal(f.distribution_version, '12.7');
  assert.equal(f.distribution_major_version, '12');
  assert.equal(f.distribution_release, 'bookworm');
  assert.equal(f.system, 'Linux');
  assert.equal(f.kernel, '6.1.0-25-amd64');
  assert.equal(f.kernel_version, '#1 SMP PREEMPT_DYNAMIC Debian 6.1.106-3 (2024-08-26)');
  assert.equal(f.architecture, 'x86_64');
  assert.equal(f.machine, 'x86_64');
  assert.equal(f.machine_id, '5c1f0f6b2e0a4c7d9f8e1a2b3c4d5e6f');
  assert.equal(f.product_uuid, '8f3c2a10-6b4e-4d2a-9c1e-0242ac120002');
  assert.equal(f.service_mgr, 'systemd');
  assert.equal(f.pkg_mgr, 'apt');
  assert.equal(f.virtualization_type, 'kvm');
  assert.equal(f.virtualization_role, 'guest');
  assert.deepEqual(f.apparmor, { status: 'enabled' });
  assert.deepEqual(f.selinux, { status: 'disabled' });
  assert.equal(f.uptime_seconds, 86400);
  assert.deepEqual(f.dns, { search: ['k8s.example.com', 'example.com'], nameservers: ['192.168.56.1', '2001:db8::53'] });
});

test('Debian 12 VM: memory and CPU as Ansible counts them', () => {
  const f = parseFacts(fixture('debian12-vm.txt'));
  assert.equal(f.memtotal_mb, Math.floor(4024504 / 1024));
  assert.equal(f.memfree_mb, Math.floor(2011236 / 1024));
  assert.equal(f.swaptotal_mb, Math.floor(1048572 / 1024));
  assert.equal(f.swapfree_mb, 512);
  assert.equal(f.memory_mb.nocache.free, 1964 + 51 + 1100);
  assert.equal(f.processor_count, 2); // two physical ids
  assert.equal(f.processor_cores, 2); // cpu cores
  assert.equal(f.processor_threads_per_core, 2); // siblings / cores
  assert.equal(f.processor_vcpus, 8);
  assert.equal(f.processor_nproc, 8);
  assert.deepEqual(f.processor.slice(0, 3), ['0', 'GenuineIntel', 'Intel(R) Xeon(R) Gold 6230 CPU @ 2.10GHz']);
});

test('Debian 12 VM: network, lowest-metric default route, secondaries, bridge', () => {
  const f = parseFacts(fixture('debian12-vm.txt'));
  assert.deepEqual(f.interfaces, ['lo', 'ens3', 'ens4', 'br-1a2b3c', 'veth9f1']);
  assert.deepEqual(f.default_ipv4, {
    interface: 'ens3',
    alias: 'ens3',
    gateway: '10.0.2.2',
    address: '10.0.2.15',
    prefix: '24',
    netmask: '255.255.255.0',
    network: '10.0.2.0',
    broadcast: '10.0.2.255',
    macaddress: '52:54:00:12:34:56',
    mtu: 1500,
    type: 'ether',
  });
  assert.deepEqual(f.default_ipv6, {});
  assert.deepEqual(f.all_ipv4_addresses, ['10.0.2.15', '192.168.56.11', '192.168.56.100', '172.18.0.1']);
  assert.deepEqual(f.all_ipv6_addresses, ['fe80::5054:ff:fe12:3456']);
  const ens4 = f.ens4 as InterfaceFacts;
  assert.equal(ens4.ipv4?.address, '192.168.56.11');
  assert.deepEqual(ens4.ipv4_secondaries?.map((a) => a.address), ['192.168.56.100']);
  const br = f.br_1a2b3c as InterfaceFacts;
  assert.equal(br.device, 'br-1a2b3c');
  assert.equal(br.type, 'bridge');
  assert.equal(br.ipv4?.netmask, '255.255.0.0');
  assert.equal(br.ipv4?.network, '172.18.0.0');
  const veth = f.veth9f1 as InterfaceFacts;
  assert.equal(veth.promisc, true);
  assert.equal(veth.mtu, 1450);
  assert.equal(veth.ipv4, undefined);
});

test('Debian 12 VM: user, env (secrets redacted, newlines kept), date_time in host time', () => {
  const f = parseFacts(fixture('debian12-vm.txt'));
  assert.equal(f.user_id, 'vagrant');
  assert.equal(f.user_uid, 1000);
  assert.equal(f.user_gid, 1000);
  assert.equal(f.user_dir, '/home/vagrant');
  assert.equal(f.user_shell, '/bin/bash');
  assert.equal(f.env.PATH, '/usr/local/bin:/usr/bin:/bin');
  assert.equal(f.env.MULTI, 'line one\nline two');
  assert.notEqual(f.env.GITHUB_TOKEN, undefined);
  assert.ok(!JSON.stringify(f).includes('ghp_notreallyasecret'), 'token value must not appear in facts');
  assert.equal(f.date_time?.epoch, '1725375600');
  assert.equal(f.date_time?.iso8601, '2024-09-03T15:00:00Z');
  assert.equal(f.date_time?.iso8601_micro, '2024-09-03T15:00:00.123456Z');
  assert.equal(f.date_time?.date, '2024-09-03');
  assert.equal(f.date_time?.time, '17:00:00');
  assert.equal(f.date_time?.tz, 'CEST');
  assert.equal(f.date_time?.tz_offset, '+0200');
});

test('nspawn machine: no default route, no DMI, no machine-id, banner before the output', () => {
  const f = parseFacts(fixture('nspawn-noroute.txt'));
  assert.deepEqual(f.default_ipv4, {});
  assert.deepEqual(f.default_ipv6, {});
  assert.equal(f.product_uuid, 'NA');
  assert.equal(f.machine_id, 'NA');
  assert.equal(f.fqdn, 'node7');
  assert.equal(f.domain, '');
  assert.equal(f.distribution_version, '12.11');
  assert.equal(f.virtualization_type, 'systemd-nspawn');
  assert.equal(f.service_mgr, 'systemd');
  assert.deepEqual(f.interfaces, ['lo', 'host0']);
  assert.deepEqual(f.all_ipv4_addresses, ['10.77.0.17']);
  assert.deepEqual(f.all_ipv6_addresses, []);
  // no "physical id" lines: one socket per processor, as Ansible counts them
  assert.equal(f.processor_count, 2);
  assert.equal(f.processor_cores, 1);
  assert.equal(f.processor_vcpus, 2);
  assert.equal(f.swaptotal_mb, 0);
  assert.equal(f.date_time?.weekday, 'Monday');
  assert.equal(f.date_time?.weeknumber, '01');
});

test('Rocky 9 aarch64: IPv6-only default (multipath), VLAN key, wireguard peer, selinux', () => {
  const f = parseFacts(fixture('rocky9-ipv6.txt'));
  assert.equal(f.distribution, 'Rocky');
  assert.equal(f.os_family, 'RedHat');
  assert.equal(f.distribution_version, '9.3');
  assert.equal(f.distribution_major_version, '9');
  assert.equal(f.distribution_release, 'Blue Onyx');
  assert.equal(f.pkg_mgr, 'dnf');
  assert.equal(f.architecture, 'aarch64');
  assert.equal(f.hostname, 'worker-3');
  assert.equal(f.fqdn, 'worker-3.lab.example.net');
  assert.equal(f.domain, 'lab.example.net');
  assert.deepEqual(f.default_ipv4, {});
  assert.deepEqual(f.default_ipv6, {
    interface: 'eth0',
    gateway: 'fe80::1',
    address: '2001:db8:10::3',
    prefix: '64',
    scope: 'global',
    macaddress: '0c:42:a1:00:00:03',
    mtu: 9000,
    type: 'ether',
  });
  assert.deepEqual(f.all_ipv6_addresses, ['2001:db8:10::3', 'fe80::e42:a1ff:fe00:3']);
  assert.deepEqual(f.all_ipv4_addresses, ['169.254.10.3', '10.9.0.3']);
  assert.deepEqual(f.interfaces, ['lo', 'eth0', 'eth0.100', 'bond0', 'wg0']);
  assert.equal((f.eth0_100 as InterfaceFacts).device, 'eth0.100');
  assert.equal((f.bond0 as InterfaceFacts).type, 'bonding');
  assert.equal((f.bond0 as InterfaceFacts).active, false);
  const wg = f.wg0 as InterfaceFacts;
  assert.equal(wg.type, 'tunnel');
  assert.equal(wg.ipv4?.address, '10.9.0.3');
  assert.equal(wg.ipv4?.prefix, '32');
  assert.deepEqual(f.selinux, { status: 'enabled', mode: 'enforcing', config_mode: 'enforcing', type: 'targeted' });
  assert.equal(f.virtualization_type, 'NA');
  assert.equal(f.processor_count, 4);
  assert.equal(f.processor_vcpus, 4);
  assert.equal(f.product_uuid, '4C4C4544-0042-3510-8052-B4C04F4E3732');
  // env from the `env | tr '\n' '\0'` fallback
  assert.equal(f.env.LANG, 'C.UTF-8');
  assert.equal(f.date_time?.time, '07:00:00');
  assert.equal(f.date_time?.date, '2024-03-01');
  assert.equal(f.date_time?.iso8601_micro, '2024-03-01T12:00:00.000000Z');
});

test('output without the facts header is a KbsError, not a crash', () => {
  assert.throws(
    () => parseFacts('sh: 1: grep: not found\n', 'web1'),
    (e: unknown) => e instanceof KbsError && e.code === 'TASK' && e.host === 'web1',
  );
});
