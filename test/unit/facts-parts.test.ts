/** The pieces of fact parsing: distributions, date_time, netmasks, names, filters. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { distroFacts } from '../../src/facts/distro.js';
import { dateTimeFacts } from '../../src/facts/datetime.js';
import { networkOf, parseDefaultRoute, prefixToNetmask } from '../../src/facts/network.js';
import { nameFacts, parseEnv, selinux, serviceMgr, virtualization } from '../../src/facts/system.js';
import { filterFacts, prefixFacts, stripPrefix } from '../../src/facts/index.js';
import { globToRegExp } from '../../src/util/glob.js';

const osr = (s: string) => s.trim().split('\n');

test('distributions and families as Ansible names them', () => {
  const cases: [string, string | undefined, string | undefined, Partial<ReturnType<typeof distroFacts>>][] = [
    [
      'ID=ubuntu\nID_LIKE=debian\nVERSION_ID="22.04"\nVERSION="22.04.4 LTS (Jammy Jellyfish)"\nVERSION_CODENAME=jammy',
      'bookworm/sid',
      undefined,
      { distribution: 'Ubuntu', os_family: 'Debian', distribution_version: '22.04', distribution_major_version: '22', distribution_release: 'jammy' },
    ],
    [
      'NAME="CentOS Linux"\nVERSION="7 (Core)"\nID="centos"\nID_LIKE="rhel fedora"\nVERSION_ID="7"',
      undefined,
      'CentOS Linux release 7.9.2009 (Core)',
      { distribution: 'CentOS', os_family: 'RedHat', distribution_version: '7.9', distribution_major_version: '7', distribution_release: 'Core' },
    ],
    [
      'NAME="Red Hat Enterprise Linux"\nVERSION="9.4 (Plow)"\nID="rhel"\nVERSION_ID="9.4"',
      undefined,
      'Red Hat Enterprise Linux release 9.4 (Plow)',
      { distribution: 'RedHat', os_family: 'RedHat', distribution_version: '9.4', distribution_release: 'Plow' },
    ],
    ['ID="almalinux"\nVERSION_ID="8.10"', undefined, undefined, { distribution: 'AlmaLinux', os_family: 'RedHat', distribution_major_version: '8' }],
    ['ID=amzn\nVERSION_ID="2023"', undefined, undefined, { distribution: 'Amazon', os_family: 'RedHat' }],
    ['ID="opensuse-leap"\nVERSION_ID="15.5"', undefined, undefined, { distribution: 'openSUSE Leap', os_family: 'Suse' }],
    ['ID=alpine\nVERSION_ID=3.20.1', undefined, undefined, { distribution: 'Alpine', os_family: 'Alpine', distribution_release: 'NA' }],
    // not in Ansible's map: capitalised ID, family from ID_LIKE
    ['ID=mydistro\nID_LIKE="ubuntu debian"\nVERSION_ID=1', undefined, undefined, { distribution: 'Mydistro', os_family: 'Debian' }],
    ['ID=weird\nVERSION_ID=', undefined, undefined, { distribution: 'Weird', os_family: 'Weird', distribution_version: 'NA', distribution_major_version: 'NA' }],
    // Debian: version from /etc/debian_version, but not when it is a codename (testing)
    ['ID=debian\nVERSION_CODENAME=trixie', 'trixie/sid', undefined, { distribution: 'Debian', distribution_version: 'NA', distribution_release: 'trixie' }],
  ];
  for (const [os, deb, rh, want] of cases) {
    const got = distroFacts(osr(os), deb, rh);
    for (const [k, v] of Object.entries(want)) assert.equal(got[k as keyof typeof got], v, `${os.split('\n')[0]}: ${k}`);
  }
});

test('date_time matches GNU date for several instants and offsets', () => {
  const instants = [0, 951782400 /* 2000-02-29 */, 1704067199, 1704067200, 1735689599, 1767225600 + 86400 * 200];
  const zones: [string, string][] = [
    ['+0000', 'UTC0'],
    ['+0530', 'IST-5:30'],
    ['-0800', 'PST8'],
    ['+1400', 'LINT-14'],
  ];
  for (const epoch of instants) {
    for (const [off, tz] of zones) {
      const want = execFileSync('date', ['-d', `@${epoch}`, '+%Y-%m-%d %H:%M:%S %w %W %A'], { env: { TZ: tz }, encoding: 'utf8' }).trim();
      const dt = dateTimeFacts(`${epoch} 000000000 ${off} X`);
      assert.ok(dt);
      const got = `${dt.date} ${dt.time} ${dt.weekday_number} ${dt.weeknumber} ${dt.weekday}`;
      assert.equal(got, want, `epoch ${epoch} offset ${off}`);
      assert.equal(dt.iso8601, new Date(epoch * 1000).toISOString().replace('.000', ''));
    }
  }
  assert.equal(dateTimeFacts('garbage'), undefined);
});

test('netmask and network from a prefix', () => {
  assert.equal(prefixToNetmask(0), '0.0.0.0');
  assert.equal(prefixToNetmask(8), '255.0.0.0');
  assert.equal(prefixToNetmask(20), '255.255.240.0');
  assert.equal(prefixToNetmask(31), '255.255.255.254');
  assert.equal(prefixToNetmask(32), '255.255.255.255');
  assert.equal(networkOf('10.11.37.200', 20), '10.11.32.0');
  assert.equal(networkOf('192.168.1.77', 32), '192.168.1.77');
});

test('default route: lowest metric wins, routes without a device are ignored', () => {
  const r = parseDefaultRoute([
    'default via 10.0.0.1 dev eth1 metric 600',
    'default via 10.0.1.1 dev eth0 proto dhcp src 10.0.1.5 metric 100',
    'default dev wg0 scope link metric 50',
  ]);
  assert.deepEqual(r, { gateway: undefined, dev: 'wg0', src: undefined, metric: 50 });
  assert.equal(parseDefaultRoute([]), undefined);
});

test('fqdn: hostname -f first, then /etc/hosts, then the node name', () => {
  const hosts = ['127.0.0.1 localhost', '10.1.1.5 db1.corp.example db1 # comment'];
  assert.equal(nameFacts('db1', 'db1.other.example', hosts).fqdn, 'db1.other.example');
  assert.deepEqual(nameFacts('db1', '', hosts), { hostname: 'db1', nodename: 'db1', fqdn: 'db1.corp.example', domain: 'corp.example' });
  assert.deepEqual(nameFacts('db2', undefined, hosts), { hostname: 'db2', nodename: 'db2', fqdn: 'db2', domain: '' });
  assert.equal(nameFacts('app.dc1.example', undefined, []).hostname, 'app');
  assert.equal(nameFacts('app.dc1.example', undefined, []).domain, 'dc1.example');
});

test('service manager and virtualization fallbacks', () => {
  assert.equal(serviceMgr('systemd', new Set()), 'systemd');
  assert.equal(serviceMgr('bash', new Set(['systemctl', 'systemd_booted'])), 'systemd');
  assert.equal(serviceMgr('init', new Set(['openrc', 'initd'])), 'openrc');
  assert.equal(serviceMgr('init', new Set(['initd'])), 'sysvinit');
  assert.equal(serviceMgr(undefined, new Set()), 'service');
  assert.deepEqual(virtualization(undefined, new Set(['dockerenv']), undefined, undefined, undefined), { type: 'docker', role: 'guest' });
  assert.deepEqual(virtualization(undefined, new Set(), undefined, 'VMware Virtual Platform', 'VMware, Inc.'), { type: 'VMware', role: 'guest' });
  assert.deepEqual(virtualization('oracle', new Set(), undefined, undefined, undefined), { type: 'virtualbox', role: 'guest' });
  assert.deepEqual(virtualization('none', new Set(['dockerenv']), undefined, undefined, undefined), { type: 'NA', role: 'NA' });
});

test('env: secret-looking names are redacted', () => {
  const env = parseEnv('AWS_SECRET_ACCESS_KEY=abc\0DB_PASSWORD=hunter2\0HOME=/root\0VAULT_TOKEN=s.x\0');
  assert.equal(env.HOME, '/root');
  for (const k of ['AWS_SECRET_ACCESS_KEY', 'DB_PASSWORD', 'VAULT_TOKEN']) assert.ok(k in env);
  const text = JSON.stringify(env);
  for (const secret of ['abc', 'hunter2', 's.x']) assert.ok(!text.includes(`"${secret}"`), secret);
});

test('setup filter globs, with and without the ansible_ prefix', () => {
  const pre = prefixFacts({ hostname: 'a', memtotal_mb: 1, memfree_mb: 2, eth0: {}, ansible_local: {} });
  assert.deepEqual(Object.keys(pre), ['ansible_hostname', 'ansible_memtotal_mb', 'ansible_memfree_mb', 'ansible_eth0', 'ansible_local']);
  assert.deepEqual(Object.keys(filterFacts(pre, '*_mb')), ['ansible_memtotal_mb', 'ansible_memfree_mb']);
  assert.deepEqual(Object.keys(filterFacts(pre, ['hostname', 'ansible_eth[0-9]'])), ['ansible_hostname', 'ansible_eth0']);
  assert.deepEqual(Object.keys(filterFacts(pre, 'mem?otal_mb')), ['ansible_memtotal_mb']);
  assert.deepEqual(Object.keys(filterFacts(pre, 'ansible_eth[!0]')), []);
  assert.equal(Object.keys(filterFacts(pre, [])).length, 5);
  assert.equal(Object.keys(filterFacts(pre, '*')).length, 5);
  assert.ok(!globToRegExp('a.b').test('axb'));
  assert.deepEqual(stripPrefix({ ansible_hostname: 'a', foo: 1 }), { hostname: 'a', foo: 1 });
});

test('selinux: enabled only when selinuxfs is mounted (enforce file readable)', () => {
  assert.deepEqual(selinux(undefined, ['SELINUX=enforcing']), { status: 'disabled' });
  assert.deepEqual(selinux('0', ['SELINUX=enforcing', 'SELINUXTYPE=targeted']), {
    status: 'enabled',
    mode: 'permissive',
    config_mode: 'enforcing',
    type: 'targeted',
  });
});
