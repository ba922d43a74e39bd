/**
 * kbs validate: a table of bad inventories (each exactly one problem, exit 4, at the offending
 * value's file:line:col) and good ones (the ClusterSpec built from them). No host is contacted:
 * the hosts' addresses are unroutable and validation never opens a connection.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { loadInventory } from '../../src/inventory/load.js';
import { checkCluster, parseEndpoint, validateCluster } from '../../src/kube/validate.js';
import { KbsError } from '../../src/errors.js';
import { VARIABLES } from '../../src/kube/spec.js';
import { main } from '../../src/cli/main.js';
import { tempDir } from '../helpers/local.js';
import net from 'node:net';

/** Lines joined with newlines (so that line numbers in the table are easy to count). */
const y = (...lines: string[]) => lines.join('\n') + '\n';

function write(files: Record<string, string>): string {
  const dir = tempDir('kbs-validate-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTTY: false, env: process.env });
  return { code, stdout, stderr };
}

/** One control plane cp1 and one worker w1 (lines 1-7), with extra text appended. */
const BASE = y('all:', '  children:', '    control_plane:', '      hosts:', '        cp1: {ansible_host: 192.0.2.11}', '    workers:', '      hosts:', '        w1: {ansible_host: 192.0.2.21}');

interface Bad {
  name: string;
  files: Record<string, string>;
  /** "file:line:col", relative to the inventory's folder */
  at: string;
  message: RegExp;
  hint?: RegExp;
  /** inventory file (default inv.yml) */
  inv?: string;
}

const bad: Bad[] = [
  {
    name: 'typo in a variable name (all vars)',
    files: { 'inv.yml': y('all:', '  vars:', '    kubernets_version: v1.36.2', '  children:', '    control_plane:', '      hosts:', '        cp1:') },
    at: 'inv.yml:3:5',
    message: /unknown variable "kubernets_version"/,
    hint: /did you mean kubernetes_version\?/,
  },
  {
    name: 'typo in a host_vars file',
    files: { 'inv.yml': BASE, 'host_vars/w1.yml': y('kubelet_version: v1.37.1', 'node_ips: 192.0.2.21') },
    at: 'host_vars/w1.yml:2:1',
    message: /unknown variable "node_ips"/,
    hint: /did you mean node_ip\?/,
  },
  {
    name: 'a kbs_ name set in the inventory',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('# the plan', 'kbs_plan: {}') },
    at: 'group_vars/all.yml:2:1',
    message: /unknown kbs variable "kbs_plan"/,
    hint: /reserved for kbs/,
  },
  {
    name: 'group name typo',
    files: { 'inv.yml': y('all:', '  children:', '    control_plane:', '      hosts:', '        cp1:', '    worker:', '      hosts:', '        w1:') },
    at: 'inv.yml:6:5',
    message: /unknown group "worker"/,
    hint: /did you mean workers\?/,
  },
  {
    name: 'etcd group',
    files: { 'inv.yml': BASE + y('    etcd:', '      hosts:', '        e1:') },
    at: 'inv.yml:9:5',
    message: /etcd group is reserved for external etcd, which kbs does not support yet/,
  },
  {
    name: 'no control_plane group',
    files: { 'inv.yml': y('all:', '  children:', '    workers:', '      hosts:', '        w1:') },
    at: 'inv.yml:1:1',
    message: /no control_plane group/,
    hint: /add a group control_plane/,
  },
  {
    name: "another tool's control-plane group name",
    files: { 'inv.yml': y('all:', '  children:', '    kube_control_plane:', '      hosts:', '        cp1:') },
    at: 'inv.yml:3:5',
    message: /no control_plane group/,
    hint: /rename "kube_control_plane" to control_plane/,
  },
  {
    name: 'empty control_plane group',
    files: { 'inv.yml': y('all:', '  hosts:', '    w1:', '  children:', '    control_plane:', '      vars: {}') },
    at: 'inv.yml:5:5',
    message: /control_plane group has no host/,
  },
  {
    name: 'a host in both control_plane and workers (through a child group)',
    files: { 'inv.yml': BASE + y('      children:', '        gpu:', '          hosts:', '            cp1:') },
    at: 'inv.yml:12:13',
    message: /host "cp1" is in both control_plane and workers/,
    hint: /inv\.yml:5:9/,
  },
  {
    name: 'kubernetes_version not a version',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('kubernetes_version: latest') },
    at: 'group_vars/all.yml:1:21',
    message: /kubernetes_version "latest" is not a Kubernetes release version/,
  },
  {
    name: 'kubernetes_version read as a number by YAML',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('kubernetes_version: 1.30') },
    at: 'group_vars/all.yml:1:21',
    message: /kubernetes_version must be a string, not the number 1\.3/,
    hint: /quote it: kubernetes_version: "1\.30" \(YAML reads 1\.30 as a number\)/,
  },
  {
    name: 'kubernetes_version older than supported',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('kubernetes_version: v1.29.9') },
    at: 'group_vars/all.yml:1:21',
    message: /kubernetes_version v1\.29\.9 is not supported: kbs deploys v1\.30 and newer/,
  },
  {
    name: 'kubelet_version four minors older',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('kubernetes_version: v1.37.1'), 'host_vars/w1.yml': y('kubelet_version: v1.33.4') },
    at: 'host_vars/w1.yml:1:18',
    message: /kubelet_version of w1: kubelet v1\.33\.4 is 4 minors older than the control plane v1\.37\.1/,
  },
  {
    name: 'kubelet_version newer than the control plane (group vars)',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('kubernetes_version: 1.35.0'), 'group_vars/workers.yml': y('', 'kubelet_version: v1.36.0') },
    at: 'group_vars/workers.yml:2:18',
    message: /kubelet v1\.36\.0 is newer than the control plane v1\.35\.0/,
  },
  {
    name: 'kubelet_version not a version',
    files: { 'inv.yml': BASE, 'host_vars/w1.yml': y('kubelet_version: "1.36"') },
    at: 'host_vars/w1.yml:1:18',
    message: /kubelet_version "1\.36" of w1 is not a Kubernetes release version/,
  },
  {
    name: 'two control planes without an endpoint',
    files: { 'inv.yml': y('all:', '  children:', '    control_plane:', '      hosts:', '        cp1: {ansible_host: 192.0.2.11}', '        cp2: {ansible_host: 192.0.2.12}') },
    at: 'inv.yml:3:5',
    message: /control_plane_endpoint is required with more than one control plane \(cp1, cp2\)/,
  },
  {
    name: 'endpoint port out of range',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('control_plane_endpoint: "lb.example.com:70000"') },
    at: 'group_vars/all.yml:1:25',
    message: /control_plane_endpoint "lb\.example\.com:70000" is not valid: port 70000 is outside 1-65535/,
  },
  {
    name: 'endpoint host not a DNS name',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('control_plane_endpoint: lb_1.example.com:6443') },
    at: 'group_vars/all.yml:1:25',
    message: /"lb_1\.example\.com" is neither an IP address nor a DNS name/,
  },
  {
    name: 'endpoint a mapping',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('control_plane_endpoint:', '  host: lb.example.com') },
    at: 'group_vars/all.yml:2:3',
    message: /control_plane_endpoint must be a string, not a mapping/,
  },
  {
    name: 'pod_subnet not a CIDR',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet: 10.244.0.0/33') },
    at: 'group_vars/all.yml:1:13',
    message: /pod_subnet: "10\.244\.0\.0\/33" is not a CIDR/,
  },
  {
    name: 'pod_subnet with three CIDRs',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet: [10.244.0.0/16, "fd00:10::/56", 10.245.0.0/16]') },
    at: 'group_vars/all.yml:1:13',
    message: /pod_subnet must hold one CIDR, or two .* it has 3/,
  },
  {
    name: 'dual-stack pair of one family',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet:', '  - 10.244.0.0/16', '  - 10.245.0.0/16') },
    at: 'group_vars/all.yml:3:5',
    message: /pod_subnet: a dual-stack pair must be one IPv4 and one IPv6 CIDR, both are IPv4/,
  },
  {
    name: 'IPv4 service subnet larger than /12',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet: 172.16.0.0/16', 'service_subnet: 10.0.0.0/8') },
    at: 'group_vars/all.yml:2:17',
    message: /service_subnet 10\.0\.0\.0\/8 is too large: for IPv4 the prefix must be \/12 or longer/,
  },
  {
    name: 'IPv6 service subnet larger than /108 (second of a pair)',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet: [10.244.0.0/16, "fd00:10::/56"]', 'service_subnet: [10.96.0.0/12, "fd00:20::/64"]') },
    at: 'group_vars/all.yml:2:32',
    message: /service_subnet fd00:20::\/64 is too large: for IPv6 the prefix must be \/108 or longer/,
  },
  {
    name: 'service subnet with fewer than 10 addresses',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('service_subnet: 10.96.0.0/29') },
    at: 'group_vars/all.yml:1:17',
    message: /service_subnet 10\.96\.0\.0\/29 is too small: 8 addresses/,
  },
  {
    name: 'pod and service subnets overlap',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet: 10.0.0.0/8', 'service_subnet: 10.96.0.0/12') },
    at: 'group_vars/all.yml:2:17',
    message: /service_subnet 10\.96\.0\.0\/12 overlaps pod_subnet 10\.0\.0\.0\/8 \(.*group_vars\/all\.yml:1:13\)/,
  },
  {
    name: 'default service subnet inside the pod subnet',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet: 10.64.0.0/10') },
    at: 'group_vars/all.yml:1:13',
    message: /service_subnet 10\.96\.0\.0\/12 overlaps pod_subnet 10\.64\.0\.0\/10/,
  },
  {
    name: 'pod subnet too large for /24 node ranges',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet: 172.0.0.0/7') },
    at: 'group_vars/all.yml:1:13',
    message: /pod_subnet 172\.0\.0\.0\/7 is too large for node ranges of \/24/,
  },
  {
    name: 'pod subnet smaller than a node range (controller-manager flag)',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('pod_subnet: 10.244.0.0/16', 'controller_manager_extra_args:', '  node-cidr-mask-size-ipv4: 12') },
    at: 'group_vars/all.yml:1:13',
    message: /pod_subnet 10\.244\.0\.0\/16 is smaller than one node's pod range \(\/12\)/,
  },
  {
    name: 'two nodes with one node_ip',
    files: { 'inv.yml': BASE, 'host_vars/cp1.yml': y('node_ip: 192.168.56.11'), 'host_vars/w1.yml': y('# worker', 'node_ip: 192.168.56.11') },
    at: 'host_vars/w1.yml:2:10',
    message: /node_ip 192\.168\.56\.11 of w1 is also the node_ip of cp1 \(.*host_vars\/cp1\.yml:1:10\)/,
  },
  {
    name: 'node_ip not an address',
    files: { 'inv.yml': BASE, 'host_vars/w1.yml': y('node_ip: 192.168.56.300') },
    at: 'host_vars/w1.yml:1:10',
    message: /node_ip "192\.168\.56\.300" of w1 is not an IP address/,
  },
  {
    name: 'node_ip inside the pod subnet',
    files: { 'inv.yml': y('all:', '  children:', '    control_plane:', '      hosts:', '        cp1: {node_ip: 10.244.3.4}') },
    at: 'inv.yml:5:24',
    message: /node_ip 10\.244\.3\.4 of cp1 is inside pod_subnet 10\.244\.0\.0\/16/,
  },
  {
    name: 'two hosts at one ansible_host',
    files: { 'inv.yml': y('all:', '  children:', '    control_plane:', '      hosts:', '        cp1: {ansible_host: 192.0.2.11}', '    workers:', '      hosts:', '        w1: {ansible_host: 192.0.2.11, ansible_port: 22}') },
    at: 'inv.yml:8:28',
    message: /hosts cp1 and w1 are both reached at 192\.0\.2\.11 port 22/,
  },
  {
    name: 'cgroup_driver not a choice',
    files: { 'inv.yml': BASE, 'group_vars/all': y('cgroup_driver: cgroupsfs') },
    at: 'group_vars/all:1:16',
    message: /cgroup_driver must be systemd or cgroupfs, not "cgroupsfs"/,
    hint: /did you mean cgroupfs\?/,
  },
  {
    name: 'kube_install_method not a choice',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('kube_install_method: package') },
    at: 'group_vars/all.yml:1:22',
    message: /kube_install_method must be binary or packages, not "package"/,
    hint: /did you mean packages\?/,
  },
  {
    name: 'kube_download_base not http(s)',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('kube_download_base: ftp://mirror.example.com/k8s') },
    at: 'group_vars/all.yml:1:21',
    message: /kube_download_base "ftp:\/\/mirror\.example\.com\/k8s" is not an http\(s\) URL/,
  },
  {
    name: 'kubeadm_patches folder missing',
    files: { 'inv.yml': BASE, 'host_vars/cp1.yml': y('kubeadm_patches: patches/cp1') },
    at: 'host_vars/cp1.yml:1:18',
    message: /kubeadm_patches folder patches\/cp1 of cp1 not found/,
  },
  {
    name: 'cni_manifest file missing',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('cni_manifest: cni/flannel.yml') },
    at: 'group_vars/all.yml:1:15',
    message: /cni_manifest cni\/flannel\.yml not found/,
  },
  {
    name: 'extra args a list',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('apiserver_extra_args: [audit-log-path=/var/log/audit.log]') },
    at: 'group_vars/all.yml:1:23',
    message: /apiserver_extra_args must be a mapping of flag names to values, not a list/,
  },
  {
    name: 'extra args value a list',
    files: { 'inv.yml': BASE, 'host_vars/w1.yml': y('kubelet_extra_args:', '  max-pods: 200', '  node-labels: [a=b, c=d]') },
    at: 'host_vars/w1.yml:3:16',
    message: /kubelet_extra_args: the value of "node-labels" must be a string, not a list/,
  },
  {
    name: 'extra args flag with dashes',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('scheduler_extra_args:', '  --v: 2') },
    at: 'group_vars/all.yml:2:8',
    message: /scheduler_extra_args: flag "--v" is written with dashes/,
  },
  {
    name: 'a cluster-wide variable set differently for the workers',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('cluster_dns_domain: example.internal'), 'group_vars/workers.yml': y('cluster_dns_domain: cluster.local') },
    at: 'group_vars/workers.yml:1:21',
    message: /cluster_dns_domain must be the same on every node: w1 has "cluster\.local" .* cp1 has "example\.internal"/,
  },
  {
    name: 'a cluster-wide variable set only for the control planes',
    files: { 'inv.yml': BASE, 'group_vars/control_plane.yml': y('kubernetes_version: v1.36.2') },
    at: 'group_vars/control_plane.yml:1:21',
    message: /kubernetes_version must be the same on every node: w1 has the default \(default\), cp1 has "v1\.36\.2"/,
  },
  {
    name: 'a template that needs facts',
    files: { 'inv.yml': BASE, 'group_vars/workers.yml': y("node_ip: '{{ ansible_default_ipv4.address }}'") },
    at: 'group_vars/workers.yml:1:10',
    message: /node_ip is a template that cannot be rendered from the inventory alone \(for w1\): .*ansible_default_ipv4/,
  },
  {
    name: 'cluster_dns_domain not a DNS domain',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('cluster_dns_domain: Cluster.Local') },
    at: 'group_vars/all.yml:1:21',
    message: /cluster_dns_domain "Cluster\.Local" is not a valid DNS domain/,
  },
  {
    name: 'kubelet_config contradicts cgroup_driver',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('cgroup_driver: systemd', 'kubelet_config:', '  maxPods: 200', '  cgroupDriver: cgroupfs') },
    at: 'group_vars/all.yml:4:17',
    message: /kubelet_config\.cgroupDriver "cgroupfs" contradicts cgroup_driver "systemd"/,
  },
  {
    name: 'kubelet_config not a mapping',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('kubelet_config: maxPods=200') },
    at: 'group_vars/all.yml:1:17',
    message: /kubelet_config must be a mapping of KubeletConfiguration fields, not string/,
  },
  {
    name: 'INI inventory: the value in a :vars section',
    inv: 'inv.ini',
    files: { 'inv.ini': y('[control_plane]', 'cp1 ansible_host=192.0.2.11', '', '[all:vars]', 'kubernetes_version=v1.28.0') },
    at: 'inv.ini:5:20',
    message: /kubernetes_version v1\.28\.0 is not supported/,
  },
  {
    name: 'INI inventory: a host variable',
    inv: 'inv.ini',
    files: { 'inv.ini': y('[control_plane]', 'cp1 my_kubelet_version=1 kubelet_version=v1.99.0') },
    at: 'inv.ini:2:42',
    message: /kubelet v1\.99\.0 is newer than the control plane v1\.37\.1/,
  },
  {
    name: 'a load balancer group without an endpoint',
    files: { 'inv.yml': BASE + y('    loadbalancer:', '      hosts:', '        lb1: {ansible_host: 192.0.2.5}') },
    at: 'inv.yml:9:5',
    message: /control_plane_endpoint is required with a loadbalancer group/,
  },
  {
    name: 'a load balancer on a control plane at the apiserver port',
    files: { 'inv.yml': BASE + y('    loadbalancer:', '      hosts:', '        cp1:'), 'group_vars/all.yml': y('control_plane_endpoint: 192.0.2.11') },
    at: 'group_vars/all.yml:1:25',
    message: /cp1 is both a load balancer and a control plane, and the endpoint port 6443 is the apiserver's/,
  },
  {
    name: 'a file of a group_vars folder',
    files: { 'inv.yml': BASE, 'group_vars/all/00-versions.yml': y('kubernetes_version: v1.36.0'), 'group_vars/all/10-net.yml': y('pod_subnet: 10.244.0.0/16', 'service_subnet: "10.96.0.0/12,10.97.0.0/16"') },
    at: 'group_vars/all/10-net.yml:2:17',
    message: /service_subnet: a dual-stack pair must be one IPv4 and one IPv6 CIDR/,
  },
  {
    name: 'a bad group value is reported once, not once per host',
    files: { 'inv.yml': BASE.replace('        w1: {ansible_host: 192.0.2.21}', '        w[1:3]:'), 'group_vars/workers.yml': y('kubelet_version: v1.20.0') },
    at: 'group_vars/workers.yml:1:18',
    message: /kubelet_version of w1: kubelet v1\.20\.0 is 17 minors older/,
  },
  {
    name: 'a value brought in by a YAML merge key points at the anchored value',
    files: {
      'inv.yml': y('all:', '  children:', '    control_plane:', '      vars: &cp', '        node_ip: 10.1.1.1', '      hosts:', '        cp1:', '    workers:', '      vars:', '        <<: *cp', '      hosts:', '        w1:'),
    },
    at: 'inv.yml:5:18',
    message: /node_ip 10\.1\.1\.1 of w1 is also the node_ip of cp1/,
  },
  {
    name: 'ansible_host inside the service subnet (no node_ip)',
    files: { 'inv.yml': BASE.replace('w1: {ansible_host: 192.0.2.21}', 'w1: {ansible_host: 10.96.0.21}') },
    at: 'inv.yml:8:28',
    message: /ansible_host 10\.96\.0\.21 of w1 is inside service_subnet 10\.96\.0\.0\/12, and would be its node IP/,
  },
  {
    name: 'control_plane_endpoint inside the pod subnet',
    files: { 'inv.yml': BASE, 'group_vars/all.yml': y('control_plane_endpoint: "10.244.0.1:6443"') },
    at: 'group_vars/all.yml:1:25',
    message: /control_plane_endpoint 10\.244\.0\.1 is inside pod_subnet 10\.244\.0\.0\/16/,
  },
  {
    name: 'a node name kubeadm refuses',
    files: { 'inv.yml': BASE.replace('        w1: {ansible_host: 192.0.2.21}', '        w1: {ansible_host: 192.0.2.21}\n        Worker_2: {ansible_host: 192.0.2.22}') },
    at: 'inv.yml:9:9',
    message: /"Worker_2" cannot be a Kubernetes node name/,
    hint: /e\.g\. worker-2/,
  },
];

test('bad inventories: one problem each, at the offending value, exit 4', async () => {
  assert.ok(bad.length >= 30, `${bad.length} cases`);
  for (const c of bad) {
    const dir = write(c.files);
    const invFile = join(dir, c.inv ?? 'inv.yml');
    const { errors } = checkCluster(loadInventory(invFile));
    assert.equal(errors.length, 1, `${c.name}: expected one problem, got:\n${errors.map((e) => e.render()).join('\n')}`);
    const e = errors[0];
    assert.equal(e.where(), join(dir, c.at), `${c.name}: ${e.render()}`);
    assert.match(e.message, c.message, c.name);
    assert.ok(e.hint, `${c.name}: has a hint`);
    if (c.hint) assert.match(e.hint, c.hint, c.name);
    assert.throws(() => validateCluster(loadInventory(invFile)), (x: unknown) => x instanceof KbsError && x.where() === e.where());
    const r = await cli(['validate', invFile]);
    assert.equal(r.code, 4, `${c.name}: exit code\n${r.stderr}`);
    assert.equal(r.stdout, '', c.name);
    assert.ok(r.stderr.startsWith(`${join(dir, c.at)}: error: `), `${c.name}: ${r.stderr}`);
    assert.ok(!/\n\s+at /.test(r.stderr), `${c.name}: no stack trace`);
  }
});

test('several problems: kbs validate lists them all; validateCluster throws the first and counts the rest', async () => {
  const dir = write({ 'inv.yml': BASE, 'group_vars/all.yml': y('cgroup_driver: cgroups', 'kube_install_method: apt') });
  const inv = join(dir, 'inv.yml');
  const r = await cli(['validate', inv]);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /all\.yml:1:16: error: cgroup_driver/);
  assert.match(r.stderr, /all\.yml:2:22: error: kube_install_method/);
  assert.match(r.stderr, /2 problems\n$/);
  assert.throws(
    () => validateCluster(loadInventory(inv)),
    (e: unknown) => e instanceof KbsError && e.where().endsWith('all.yml:1:16') && /1 more problem: run kbs validate/.test(e.hint ?? ''),
  );
  const j = await cli(['validate', inv, '--output', 'json']);
  const out = JSON.parse(j.stdout) as { ok: boolean; errors: { line: number; col: number }[] };
  assert.equal(out.ok, false);
  assert.deepEqual(out.errors.map((e) => `${e.line}:${e.col}`), ['1:16', '2:22']);
});

test('a missing inventory or a broken one is the loader error, exit 4', async () => {
  const dir = write({ 'inv.yml': y('all:', '  hostz: {}') });
  let r = await cli(['validate', join(dir, 'nope.yml')]);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /nope\.yml.*not found/);
  r = await cli(['validate', join(dir, 'inv.yml')]);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /inv\.yml:2:3: error: .*hostz/);
});

test('good: one control plane, defaults filled in, sources say "default"', async () => {
  const dir = write({ 'inv.yml': BASE });
  const spec = validateCluster(loadInventory(join(dir, 'inv.yml')));
  assert.equal(spec.kubernetesVersion, 'v1.37.1');
  assert.equal(spec.controlPlaneEndpoint, undefined);
  assert.deepEqual(spec.podSubnets, ['10.244.0.0/16']);
  assert.deepEqual(spec.serviceSubnets, ['10.96.0.0/12']);
  assert.equal(spec.dnsDomain, 'cluster.local');
  assert.equal(spec.cgroupDriver, 'systemd');
  assert.equal(spec.downloadBase, 'https://dl.k8s.io');
  assert.equal(spec.installMethod, 'binary');
  assert.equal(spec.packagesBase, 'https://pkgs.k8s.io/core:/stable:');
  assert.deepEqual(spec.controlPlanes, ['cp1']);
  assert.deepEqual(spec.workers, ['w1']);
  assert.deepEqual(spec.loadbalancers, []);
  assert.deepEqual(spec.nodes.cp1, {
    name: 'cp1',
    role: 'control_plane',
    kubeletVersion: 'v1.37.1',
    address: '192.0.2.11',
    kubeletExtraArgs: {},
    sources: { kubeletVersion: 'default' },
  });
  assert.equal(spec.nodes.w1.role, 'worker');
  assert.equal(spec.sources.kubernetes_version, 'default');
  const r = await cli(['validate', join(dir, 'inv.yml')]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'ok: 1 control plane, 1 worker, kubernetes v1.37.1\n');
});

test('good: HA behind a load balancer, endpoint parsed, older kubelets within skew, sources point at the values', async () => {
  const dir = write({
    'inv.yml': y(
      'all:',
      '  vars:',
      '    kubernetes_version: v1.36.2',
      '    control_plane_endpoint: "lb.example.com:8443"',
      '  children:',
      '    control_plane:',
      '      hosts:',
      '        cp[1:3]:',
      '    workers:',
      '      vars: {kubelet_version: v1.33.0}',
      '      hosts:',
      '        w1:',
      '        w2: {kubelet_version: "1.36.2", node_ip: 192.168.56.22}',
      '    loadbalancer:',
      '      hosts:',
      '        lb1:',
    ),
    'patches/cp1/kubeletconfiguration+strategic.yaml': 'maxPods: 120\n',
    'host_vars/cp1.yml': y('kubeadm_patches: patches/cp1', 'kubelet_extra_args: {max-pods: 120, v: 2}'),
  });
  const spec = validateCluster(loadInventory(join(dir, 'inv.yml')));
  assert.deepEqual(spec.controlPlaneEndpoint, { host: 'lb.example.com', port: 8443 });
  assert.deepEqual(spec.controlPlanes, ['cp1', 'cp2', 'cp3']);
  assert.deepEqual(spec.workers, ['w1', 'w2']);
  assert.deepEqual(spec.loadbalancers, ['lb1']);
  assert.equal(spec.kubernetesVersion, 'v1.36.2');
  assert.equal(spec.nodes.w1.kubeletVersion, 'v1.33.0');
  assert.equal(spec.nodes.w2.kubeletVersion, 'v1.36.2');
  assert.equal(spec.nodes.w2.nodeIp, '192.168.56.22');
  assert.equal(spec.nodes.cp1.kubeadmPatches, join(dir, 'patches/cp1'));
  assert.deepEqual(spec.nodes.cp1.kubeletExtraArgs, { 'max-pods': '120', v: '2' });
  assert.equal(spec.nodes.cp2.address, 'cp2');
  assert.equal(spec.sources.kubernetes_version, `${join(dir, 'inv.yml')}:3:25`);
  assert.equal(spec.sources.control_plane_endpoint, `${join(dir, 'inv.yml')}:4:29`);
  assert.equal(spec.nodes.w1.sources.kubeletVersion, `${join(dir, 'inv.yml')}:10:31`);
  const r = await cli(['validate', join(dir, 'inv.yml')]);
  assert.equal(r.stdout, 'ok: 3 control planes, 2 workers, 1 load balancer, kubernetes v1.36.2\n');
});

test('good: dual-stack subnets (list and comma forms), extra args, kubelet_config, a URL manifest', () => {
  const dir = write({
    'inv.yml': BASE,
    'group_vars/all.yml': y(
      'pod_subnet: [10.244.0.0/16, "fd00:10::/56"]',
      'service_subnet: "10.96.0.0/16,fd00:20::/112"',
      'apiserver_extra_args: {audit-log-maxage: 30, anonymous-auth: false}',
      'kubelet_config: {maxPods: 150, cgroupDriver: systemd}',
      'cni_manifest: https://example.com/cni.yaml',
      'kube_download_base: https://mirror.example.com/k8s/',
      'kube_install_method: packages',
      'kube_packages_base: "http://apt.example.com/k8s:/stable:/"',
      'cluster_dns_domain: k8s.example.internal',
    ),
    'host_vars/cp1.yml': y('node_ip: "192.168.56.11,fd00:56::11"'),
  });
  const spec = validateCluster(loadInventory(join(dir, 'inv.yml')));
  assert.deepEqual(spec.podSubnets, ['10.244.0.0/16', 'fd00:10::/56']);
  assert.deepEqual(spec.serviceSubnets, ['10.96.0.0/16', 'fd00:20::/112']);
  assert.deepEqual(spec.apiserverExtraArgs, { 'audit-log-maxage': '30', 'anonymous-auth': 'false' });
  assert.deepEqual(spec.kubeletConfig, { maxPods: 150, cgroupDriver: 'systemd' });
  assert.equal(spec.cniManifest, 'https://example.com/cni.yaml');
  assert.equal(spec.downloadBase, 'https://mirror.example.com/k8s');
  assert.equal(spec.installMethod, 'packages');
  assert.equal(spec.packagesBase, 'http://apt.example.com/k8s:/stable:');
  assert.equal(spec.dnsDomain, 'k8s.example.internal');
  assert.equal(spec.nodes.cp1.nodeIp, '192.168.56.11,fd00:56::11');
});

test('good: group_vars folder, templates rendered from inventory vars, a local manifest', () => {
  const dir = write({
    'inventory/hosts.yml': BASE,
    'inventory/group_vars/all/versions.yml': y('k8s_minor: "1.35"', 'kubernetes_version: "v{{ k8s_minor }}.4"'),
    'inventory/group_vars/all/net.yml': y('pod_subnet: 10.200.0.0/16'),
    'inventory/host_vars/w1.yml': y('node_ip: "{{ ansible_host }}"'),
    'manifests/cni.yaml': 'kind: List\n',
    'inventory/group_vars/all/cni.yml': y('cni_manifest: ../manifests/cni.yaml'),
  });
  const spec = validateCluster(loadInventory(join(dir, 'inventory')));
  assert.equal(spec.kubernetesVersion, 'v1.35.4');
  assert.deepEqual(spec.podSubnets, ['10.200.0.0/16']);
  assert.equal(spec.nodes.w1.nodeIp, '192.0.2.21');
  assert.equal(spec.cniManifest, join(dir, 'manifests/cni.yaml'));
  assert.equal(spec.sources.pod_subnet, `${join(dir, 'inventory/group_vars/all/net.yml')}:1:13`);
});

test('user variables and Ansible names are not flagged; near misses are', () => {
  const dir = write({ 'inv.yml': BASE, 'group_vars/all.yml': y('ansible_user: debian', 'app_version: 3', 'ntp_servers: [a]', 'node_ip_list: []') });
  assert.deepEqual(checkCluster(loadInventory(join(dir, 'inv.yml'))).errors, []);
});

test('control_plane_endpoint forms', () => {
  assert.deepEqual(parseEndpoint('10.0.0.5'), { host: '10.0.0.5', port: 6443 });
  assert.deepEqual(parseEndpoint('api.example.com:443'), { host: 'api.example.com', port: 443 });
  assert.deepEqual(parseEndpoint('[fd00::5]:6443'), { host: 'fd00::5', port: 6443 });
  assert.deepEqual(parseEndpoint('fd00::5'), { host: 'fd00::5', port: 6443 });
  assert.match(String(parseEndpoint('api:0')), /port 0 is outside/);
  assert.match(String(parseEndpoint('[10.0.0.1]:6443')), /not an IPv6 address/);
  assert.match(String(parseEndpoint(':6443')), /host is empty/);
  assert.match(String(parseEndpoint('api:https')), /not a number/);
});

test('-i adds more inventory files', async () => {
  const dir = write({
    'cp.yml': y('all:', '  children:', '    control_plane:', '      hosts:', '        cp1: {ansible_host: 192.0.2.11}'),
    'workers.yml': y('workers:', '  hosts:', '    w1: {ansible_host: 192.0.2.21}', '    w2: {ansible_host: 192.0.2.21}'),
  });
  let r = await cli(['validate', join(dir, 'cp.yml')]);
  assert.equal(r.stdout, 'ok: 1 control plane, 0 workers, kubernetes v1.37.1\n');
  r = await cli(['validate', join(dir, 'cp.yml'), '-i', join(dir, 'workers.yml')]);
  assert.equal(r.code, 4);
  assert.match(r.stderr, /workers\.yml:4:24: error: hosts w1 and w2 are both reached at 192\.0\.2\.21 port 22/);
});

test("docs/cluster.md's variable table lists exactly the variables kbs reads", () => {
  const doc = readFileSync(join(import.meta.dirname, '../../docs/cluster.md'), 'utf8');
  const table = doc.slice(doc.indexOf('| variable | default | meaning |'), doc.indexOf('## The plan'));
  const documented = [...table.matchAll(/^\| (`[a-z_]+`(?:, `[a-z_]+`)*) \|/gm)].flatMap((m) => m[1].split(', ').map((s) => s.replace(/`/g, '')));
  assert.deepEqual(documented.sort(), Object.keys(VARIABLES).sort());
});

test('no host is contacted: no socket connects during kbs validate', async () => {
  const dir = write({ 'inv.yml': BASE, 'group_vars/all.yml': y('kubernetes_version: v1.36.2') });
  const bad = write({ 'inv.yml': BASE, 'group_vars/all.yml': y('kubernetes_version: v1.2.3') });
  const calls: unknown[] = [];
  const original = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    calls.push(args[0]);
    return (original as (...a: unknown[]) => net.Socket).apply(this, args);
  } as typeof original;
  try {
    assert.equal((await cli(['validate', join(dir, 'inv.yml')])).code, 0);
    assert.equal((await cli(['validate', join(bad, 'inv.yml')])).code, 4);
  } finally {
    net.Socket.prototype.connect = original;
  }
  assert.deepEqual(calls, []);
});

test('good: templates over groups and hostvars (the load balancer address as the endpoint)', () => {
  const dir = write({
    'inv.yml': BASE + y('    loadbalancer:', '      hosts:', '        lb1: {ansible_host: 192.0.2.5}'),
    'group_vars/all.yml': y(
      `control_plane_endpoint: "{{ hostvars[groups['loadbalancer'][0]]['ansible_host'] }}:6443"`,
      'kubernetes_version: "{{ k8s_version }}"',
      'k8s_version: v1.36.2',
    ),
    'group_vars/workers.yml': y("kubelet_version: \"{{ k8s_version | regex_replace('36', '35') }}\""),
  });
  const spec = validateCluster(loadInventory(join(dir, 'inv.yml')));
  assert.deepEqual(spec.controlPlaneEndpoint, { host: '192.0.2.5', port: 6443 });
  assert.equal(spec.kubernetesVersion, 'v1.36.2');
  assert.equal(spec.nodes.w1.kubeletVersion, 'v1.35.2');
  assert.equal(spec.nodes.cp1.kubeletVersion, 'v1.36.2');
});
