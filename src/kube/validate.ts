/**
 * `kbs validate`: checks a loaded inventory against what `kbs apply` needs and builds the
 * ClusterSpec, contacting no host. Every problem is a KbsError at the offending value
 * (file:line:col) with a hint; checkCluster collects them all, validateCluster throws the first.
 * The checks are listed in docs/cluster.md ("kbs validate").
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { editDistance, KbsError, type ErrorCode, type Position } from '../errors.js';
import { groupHosts } from '../inventory/vars.js';
import { originOf, originPos } from '../inventory/origins.js';
import type { Inventory } from '../inventory/types.js';
import type { YamlPath } from '../load/yaml.js';
import { bits, overlaps, parseCidr, parseIp, rangeSize, type Cidr } from './net.js';
import { InventoryReader, type Read } from './reader.js';
import {
  DEFAULT_KUBERNETES_VERSION,
  GROUPS,
  MIN_KUBERNETES_MINOR,
  VARIABLES,
  type ClusterSpec,
  type Endpoint,
  type NodeSpec,
} from './spec.js';
import { kubeletSkewProblem, parseVersion, type KubeVersion } from './version.js';

export interface ValidateOptions {
  /** folder that relative kubeadm_patches and cni_manifest paths are resolved against (default: the inventory's folder) */
  baseDir?: string;
}

export interface Validation {
  /** set when there is no error */
  spec?: ClusterSpec;
  errors: KbsError[];
}

/** Every problem of the inventory (in the order the checks run), and the spec when there is none. */
export function checkCluster(inv: Inventory, opts: ValidateOptions = {}): Validation {
  const v = new Validator(inv, opts.baseDir ?? (inv.sources[0] ? dirname(inv.sources[0]) : process.cwd()));
  const spec = v.run();
  return v.errors.length ? { errors: v.errors } : { spec, errors: [] };
}

/** The ClusterSpec, or the first problem thrown (its hint says how many more there are). */
export function validateCluster(inv: Inventory, opts: ValidateOptions = {}): ClusterSpec {
  const { spec, errors } = checkCluster(inv, opts);
  if (errors.length === 0) return spec!;
  const first = errors[0];
  if (errors.length === 1) throw first;
  const more = errors.length - 1;
  throw new KbsError(first.code, first.message, {
    pos: first.pos,
    hint: `${first.hint ?? ''}${first.hint ? '; ' : ''}${more} more problem${more === 1 ? '' : 's'}: run kbs validate to see all`,
    detail: { problems: errors.length },
  });
}

/** Default cluster values (docs/cluster.md). */
const DEFAULTS = {
  podSubnet: '10.244.0.0/16',
  serviceSubnet: '10.96.0.0/12',
  dnsDomain: 'cluster.local',
  cgroupDriver: 'systemd',
  downloadBase: 'https://dl.k8s.io',
  packagesBase: 'https://pkgs.k8s.io/core:/stable:',
  installMethod: 'binary',
  apiserverPort: 6443,
} as const;

/** kubeadm's limits (cmd/kubeadm/app/constants). */
const MIN_SERVICE_ADDRESSES = 10n;
const MIN_POD_ADDRESSES = 14n;
const MAX_SERVICE_HOST_BITS = 20;
const POD_NODE_MASK_MAX_DIFF = 16;

const KNOWN_GROUPS = ['all', 'ungrouped', GROUPS.controlPlane, GROUPS.workers, GROUPS.loadbalancer, GROUPS.etcd];
/** groups other tools use for control planes, named in the hint when control_plane is missing */
const OTHER_CP_GROUPS = ['masters', 'master', 'kube_control_plane', 'kube-master', 'kube_master', 'controlplane', 'control-plane'];

const CHOICES: Record<string, readonly string[]> = {
  cgroup_driver: ['systemd', 'cgroupfs'],
  kube_install_method: ['binary', 'packages'],
};

const EXTRA_ARGS = ['kubelet_extra_args', 'apiserver_extra_args', 'controller_manager_extra_args', 'scheduler_extra_args'] as const;

class Validator {
  readonly errors: KbsError[] = [];
  private readonly seen = new Set<string>();
  private readonly r: InventoryReader;

  constructor(
    private readonly inv: Inventory,
    private readonly base: string,
  ) {
    this.r = new InventoryReader(inv, base, (e) => this.add(e));
  }

  /** Adds a problem once: by position and message, or by position and `once` (one report per written value, not per host). */
  private add(e: KbsError, once?: string): void {
    const key = `${e.where()}\0${once ?? e.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.errors.push(e);
  }

  private fail(code: ErrorCode, message: string, pos: Position | undefined, hint?: string, once?: string): void {
    this.add(new KbsError(code, message, { pos: pos ?? this.top(), hint }), once);
  }

  /** the first inventory file, line 1 (for problems of the whole inventory) */
  private top(): Position {
    return { file: this.inv.sources[0] ?? 'inventory', line: 1, col: 1 };
  }

  run(): ClusterSpec | undefined {
    this.checkNames();
    const groups = this.checkGroups();
    if (!groups) return undefined;
    const { cps, workers, lbs } = groups;
    const nodes = [...cps, ...workers];
    this.checkNodeNames(cps, workers);
    this.checkClusterWide(cps[0], nodes);
    const c = this.clusterValues(cps[0]);
    const specs: Record<string, NodeSpec> = {};
    for (const n of nodes) specs[n] = this.nodeSpec(n, cps.includes(n) ? 'control_plane' : 'worker', c.version);
    this.checkNodeNetwork(nodes, c.podCidrs, c.serviceCidrs);
    this.checkAddresses([...nodes, ...lbs.filter((h) => !nodes.includes(h))]);
    this.checkEndpoint(cps, lbs, c.endpoint, c.endpointRead, c.podCidrs, c.serviceCidrs);
    if (this.errors.length) return undefined;
    return {
      kubernetesVersion: c.version?.text ?? DEFAULT_KUBERNETES_VERSION,
      ...(c.endpoint ? { controlPlaneEndpoint: c.endpoint } : {}),
      podSubnets: c.podCidrs.map((x) => x.text),
      serviceSubnets: c.serviceCidrs.map((x) => x.text),
      dnsDomain: c.dnsDomain,
      cgroupDriver: c.cgroupDriver as ClusterSpec['cgroupDriver'],
      downloadBase: c.downloadBase,
      installMethod: c.installMethod as ClusterSpec['installMethod'],
      packagesBase: c.packagesBase,
      ...(c.cniManifest ? { cniManifest: c.cniManifest } : {}),
      apiserverExtraArgs: c.args.apiserver_extra_args,
      controllerManagerExtraArgs: c.args.controller_manager_extra_args,
      schedulerExtraArgs: c.args.scheduler_extra_args,
      kubeletConfig: c.kubeletConfig,
      controlPlanes: cps,
      workers,
      loadbalancers: lbs,
      nodes: specs,
      sources: c.sources,
    };
  }

  // ---- names -----------------------------------------------------------------------------------

  /** Variable names that look like kbs's but are not (typos), reserved kbs_ names; group name typos; etcd. */
  private checkNames(): void {
    const known = Object.keys(VARIABLES);
    const layers: object[] = [];
    for (const g of this.inv.groups.values()) layers.push(...[g.sourceVars, ...(g.fileVars ?? [])].filter((x): x is NonNullable<typeof x> => !!x));
    for (const h of this.inv.hosts.values()) layers.push(...[h.sourceVars, ...(h.fileVars ?? [])].filter((x): x is NonNullable<typeof x> => !!x));
    for (const l of layers) {
      for (const name of Object.keys(l)) {
        if (name in VARIABLES || name.startsWith('ansible_')) continue;
        const origin = originOf(l, name);
        const pos = origin ? originPos(origin, [], 'key') : undefined;
        if (name.startsWith('kbs_')) {
          this.fail('SCHEMA', `unknown kbs variable "${name}"`, pos, 'names starting with kbs_ are reserved for kbs; kbs_plan is computed by kbs and passed to the playbook, never set in the inventory');
          continue;
        }
        const near = nearest(name, known);
        if (near) this.fail('SCHEMA', `unknown variable "${name}"`, pos, `did you mean ${near}? (docs/cluster.md lists the variables kbs reads)`);
      }
    }
    for (const g of this.inv.groups.values()) {
      if (KNOWN_GROUPS.includes(g.name)) continue;
      const near = nearest(g.name, KNOWN_GROUPS.slice(2));
      if (near) this.fail('INVENTORY', `unknown group "${g.name}"`, g.pos, `did you mean ${near}? kbs reads the groups ${GROUPS.controlPlane}, ${GROUPS.workers} and ${GROUPS.loadbalancer}`);
    }
    const etcd = this.inv.groups.get(GROUPS.etcd);
    if (etcd) {
      this.fail('INVENTORY', 'the etcd group is reserved for external etcd, which kbs does not support yet', etcd.pos, 'remove the etcd group: kbs runs etcd on the control planes (kubeadm\'s stacked topology)');
    }
  }

  // ---- groups ----------------------------------------------------------------------------------

  private checkGroups(): { cps: string[]; workers: string[]; lbs: string[] } | undefined {
    const cpGroup = this.inv.groups.get(GROUPS.controlPlane);
    if (!cpGroup) {
      const other = OTHER_CP_GROUPS.find((g) => this.inv.groups.has(g));
      this.fail(
        'INVENTORY',
        'the inventory has no control_plane group',
        other ? this.inv.groups.get(other)!.pos : undefined,
        other ? `kbs reads the control planes from the group control_plane: rename "${other}" to control_plane` : 'add a group control_plane with at least one host (and workers for the worker nodes)',
      );
      return undefined;
    }
    const cps = groupHosts(this.inv, GROUPS.controlPlane);
    if (cps.length === 0) {
      this.fail('INVENTORY', 'the control_plane group has no host', cpGroup.pos, 'list at least one host under control_plane: hosts:');
      return undefined;
    }
    const workers = this.inv.groups.has(GROUPS.workers) ? groupHosts(this.inv, GROUPS.workers) : [];
    const lbs = this.inv.groups.has(GROUPS.loadbalancer) ? groupHosts(this.inv, GROUPS.loadbalancer) : [];
    let ok = true;
    for (const w of workers) {
      if (!cps.includes(w)) continue;
      ok = false;
      this.fail(
        'INVENTORY',
        `host "${w}" is in both control_plane and workers`,
        this.entryPos(GROUPS.workers, w),
        `a node is either a control plane or a worker: remove it from one group (it is listed as a control plane at ${fmt(this.entryPos(GROUPS.controlPlane, w))})`,
      );
    }
    return ok ? { cps, workers: workers.filter((w) => !cps.includes(w)), lbs } : undefined;
  }

  /** The roles register each node under its inventory name, which kubeadm requires to be a DNS-1123 subdomain. */
  private checkNodeNames(cps: string[], workers: string[]): void {
    for (const [group, names] of [[GROUPS.controlPlane, cps], [GROUPS.workers, workers]] as const) {
      for (const n of names) {
        if (isDnsSubdomain(n)) continue;
        this.fail(
          'INVENTORY',
          `"${n}" cannot be a Kubernetes node name: kubeadm requires lower-case letters, digits, "-" and "." (a DNS-1123 subdomain)`,
          this.entryPos(group, n),
          `kbs registers each node under its inventory name: rename the host (e.g. ${suggestName(n)}) and keep its address in ansible_host`,
        );
      }
    }
  }

  /** Where `host` is listed in `group` or the first of its descendants that lists it. */
  private entryPos(group: string, host: string): Position | undefined {
    const queue = [group];
    const seen = new Set(queue);
    for (let i = 0; i < queue.length; i++) {
      const g = this.inv.groups.get(queue[i]);
      if (!g) continue;
      if (g.hosts.includes(host)) return g.hostPos?.get(host) ?? this.inv.hosts.get(host)?.pos;
      for (const c of g.children) if (!seen.has(c)) (seen.add(c), queue.push(c));
    }
    return this.inv.hosts.get(host)?.pos;
  }

  // ---- cluster-wide values ---------------------------------------------------------------------

  /** A cluster-level variable must read the same on every node. */
  private checkClusterWide(ref: string, nodes: string[]): void {
    for (const [name, info] of Object.entries(VARIABLES)) {
      if (info.scope !== 'cluster') continue;
      const a = this.r.read(ref, name);
      if (a.broken) continue;
      for (const n of nodes) {
        if (n === ref) continue;
        const b = this.r.read(n, name);
        if (b.broken || sameValue(a.value, b.value)) continue;
        const at = b.origin ? b : a;
        this.fail(
          'INVENTORY',
          `${name} must be the same on every node: ${n} has ${show(b)} (${this.r.where(b)}), ${ref} has ${show(a)} (${this.r.where(a)})`,
          this.r.pos(at),
          `${name} is cluster-wide: set it once in group_vars/all.yml (or the all group's vars), not per host or group`,
        );
        break;
      }
    }
  }

  private clusterValues(ref: string) {
    const sources: Record<string, string> = {};
    const read = (name: string): Read => {
      const x = this.r.read(ref, name);
      sources[name] = this.r.where(x);
      return x;
    };
    const version = this.kubernetesVersion(read('kubernetes_version'));
    const endpointRead = read('control_plane_endpoint');
    const endpoint = this.endpoint(endpointRead);
    const podRead = read('pod_subnet');
    const serviceRead = read('service_subnet');
    const args = {} as Record<(typeof EXTRA_ARGS)[number], Record<string, string>>;
    for (const a of EXTRA_ARGS) if (a !== 'kubelet_extra_args') args[a] = this.stringMap(read(a), a) ?? {};
    const podCidrs = this.subnets(podRead, 'pod_subnet', DEFAULTS.podSubnet);
    const serviceCidrs = this.subnets(serviceRead, 'service_subnet', DEFAULTS.serviceSubnet);
    this.checkPodSubnets(podRead, podCidrs, args.controller_manager_extra_args);
    this.checkServiceSubnets(serviceRead, serviceCidrs);
    this.checkSubnetOverlap(podRead, podCidrs, serviceRead, serviceCidrs);
    const dnsDomain = this.dnsDomain(read('cluster_dns_domain'));
    const cgroupDriver = this.choice(read('cgroup_driver'), 'cgroup_driver', DEFAULTS.cgroupDriver);
    const installMethod = this.choice(read('kube_install_method'), 'kube_install_method', DEFAULTS.installMethod);
    const downloadBase = this.baseUrl(read('kube_download_base'), 'kube_download_base', DEFAULTS.downloadBase, "dl.k8s.io's layout, e.g. https://dl.k8s.io");
    const packagesBase = this.baseUrl(read('kube_packages_base'), 'kube_packages_base', DEFAULTS.packagesBase, "pkgs.k8s.io's layout ({base}/v1.37/deb/), e.g. https://pkgs.k8s.io/core:/stable:");
    const kubeletConfig = this.kubeletConfig(read('kubelet_config'), cgroupDriver);
    const cniManifest = this.cniManifest(read('cni_manifest'));
    return { version, endpoint, endpointRead, podCidrs, serviceCidrs, dnsDomain, cgroupDriver, installMethod, downloadBase, packagesBase, kubeletConfig, cniManifest, args, sources };
  }

  private str(x: Read, name: string, what: string): string | undefined {
    if (!x.set || x.broken) return undefined;
    if (typeof x.value === 'string') return x.value;
    const hint =
      typeof x.value === 'number' ? `quote it: ${name}: "${String(x.raw)}" (YAML reads ${String(x.raw)} as a number)` : `write ${what}`;
    this.fail('SCHEMA', `${name} must be a string, not ${typeName(x.value)}`, this.r.pos(x), hint);
    return undefined;
  }

  private kubernetesVersion(x: Read): KubeVersion | undefined {
    if (!x.set) return parseVersion(DEFAULT_KUBERNETES_VERSION);
    const s = this.str(x, 'kubernetes_version', `a release such as ${DEFAULT_KUBERNETES_VERSION}`);
    if (s === undefined) return undefined;
    const v = parseVersion(s);
    if (!v) {
      this.fail('SCHEMA', `kubernetes_version "${s}" is not a Kubernetes release version`, this.r.pos(x), `write vX.Y.Z, e.g. ${DEFAULT_KUBERNETES_VERSION} (pre-releases are not supported)`);
      return undefined;
    }
    if (v.major !== 1 || v.minor < MIN_KUBERNETES_MINOR) {
      this.fail('SCHEMA', `kubernetes_version ${v.text} is not supported: kbs deploys v1.${MIN_KUBERNETES_MINOR} and newer`, this.r.pos(x), `use v1.${MIN_KUBERNETES_MINOR}.0 or later (default ${DEFAULT_KUBERNETES_VERSION})`);
      return undefined;
    }
    return v;
  }

  private endpoint(x: Read): Endpoint | undefined {
    if (!x.set) return undefined;
    const s = this.str(x, 'control_plane_endpoint', 'host or host:port, e.g. lb.example.com:6443');
    if (s === undefined) return undefined;
    const e = parseEndpoint(s);
    if (typeof e === 'string') {
      this.fail('SCHEMA', `control_plane_endpoint "${s}" is not valid: ${e}`, this.r.pos(x), 'write host or host:port (an IPv6 address with a port in brackets: [fd00::10]:6443)');
      return undefined;
    }
    return e;
  }

  /** A CIDR, a comma-separated pair, or a list of one or two; each a valid CIDR; two are one IPv4 and one IPv6. */
  private subnets(x: Read, name: string, def: string): Cidr[] {
    if (!x.set) return [parseCidr(def)!];
    if (x.broken) return [];
    let items: { text: unknown; path: YamlPath }[];
    if (typeof x.value === 'string') items = x.value.split(',').map((t) => ({ text: t.trim(), path: [] }));
    else if (Array.isArray(x.value)) items = x.value.map((t, i) => ({ text: t, path: [i] }));
    else {
      this.fail('SCHEMA', `${name} must be a CIDR or a list of two, not ${typeName(x.value)}`, this.r.pos(x), `e.g. ${name}: ${def}`);
      return [];
    }
    if (items.length === 0 || items.length > 2) {
      this.fail('SCHEMA', `${name} must hold one CIDR, or two (one IPv4, one IPv6) for dual-stack; it has ${items.length}`, this.r.pos(x), `e.g. ${name}: [${def}, fd00:10::/${name === 'pod_subnet' ? 56 : 112}]`);
      return [];
    }
    const out: Cidr[] = [];
    for (const it of items) {
      const c = parseCidr(it.text);
      if (!c) {
        this.fail('SCHEMA', `${name}: ${JSON.stringify(it.text)} is not a CIDR`, this.r.pos(x, it.path), `write address/prefix, e.g. ${def}`);
        return [];
      }
      out.push(c);
    }
    if (out.length === 2 && out[0].family === out[1].family) {
      this.fail('SCHEMA', `${name}: a dual-stack pair must be one IPv4 and one IPv6 CIDR, both are IPv${out[0].family}`, this.r.pos(x, items[1].path), 'write one IPv4 and one IPv6 CIDR, e.g. [10.244.0.0/16, fd00:10::/56]');
      return [];
    }
    return out;
  }

  private checkPodSubnets(x: Read, cidrs: Cidr[], cmArgs: Record<string, string>): void {
    if (cmArgs['allocate-node-cidrs'] === 'false') return;
    cidrs.forEach((c, i) => {
      const path = this.elementPath(x, i);
      if (rangeSize(c) < MIN_POD_ADDRESSES) {
        this.fail('SCHEMA', `pod_subnet ${c.text} is too small: ${rangeSize(c)} addresses, kubeadm needs at least ${MIN_POD_ADDRESSES}`, this.r.pos(x, path), 'use a larger range, e.g. 10.244.0.0/16');
        return;
      }
      const flag = c.family === 4 ? 'node-cidr-mask-size-ipv4' : 'node-cidr-mask-size-ipv6';
      const nodeMask = Number(cmArgs[flag] ?? cmArgs['node-cidr-mask-size'] ?? (c.family === 4 ? 24 : 64));
      if (!Number.isInteger(nodeMask)) return;
      if (c.prefix > nodeMask) {
        this.fail('SCHEMA', `pod_subnet ${c.text} is smaller than one node's pod range (/${nodeMask})`, this.r.pos(x, path), `use a prefix of /${nodeMask} or shorter, or set controller_manager_extra_args ${flag}`);
      } else if (nodeMask - c.prefix > POD_NODE_MASK_MAX_DIFF) {
        this.fail('SCHEMA', `pod_subnet ${c.text} is too large for node ranges of /${nodeMask}: kubeadm allows at most ${POD_NODE_MASK_MAX_DIFF} bits between them`, this.r.pos(x, path), `use a prefix of /${nodeMask - POD_NODE_MASK_MAX_DIFF} or longer, or set controller_manager_extra_args ${flag}`);
      }
    });
  }

  private checkServiceSubnets(x: Read, cidrs: Cidr[]): void {
    cidrs.forEach((c, i) => {
      const path = this.elementPath(x, i);
      const hostBits = bits(c.family) - c.prefix;
      if (hostBits > MAX_SERVICE_HOST_BITS) {
        this.fail('SCHEMA', `service_subnet ${c.text} is too large: for IPv${c.family} the prefix must be /${bits(c.family) - MAX_SERVICE_HOST_BITS} or longer`, this.r.pos(x, path), `kubeadm refuses service ranges of more than 2^${MAX_SERVICE_HOST_BITS} addresses; e.g. ${c.family === 4 ? '10.96.0.0/12' : 'fd00:20::/108'}`);
      } else if (rangeSize(c) < MIN_SERVICE_ADDRESSES) {
        this.fail('SCHEMA', `service_subnet ${c.text} is too small: ${rangeSize(c)} addresses, kubeadm needs at least ${MIN_SERVICE_ADDRESSES} (cluster DNS takes the tenth)`, this.r.pos(x, path), 'use a larger range, e.g. 10.96.0.0/12');
      }
    });
  }

  private checkSubnetOverlap(podRead: Read, pods: Cidr[], svcRead: Read, svcs: Cidr[]): void {
    for (const [j, s] of svcs.entries()) {
      for (const [i, p] of pods.entries()) {
        if (!overlaps(s, p)) continue;
        const podAt = podRead.set ? this.r.where(podRead) : 'default';
        this.fail('INVENTORY', `service_subnet ${s.text} overlaps pod_subnet ${p.text} (${podAt})`, this.r.pos(svcRead.set ? svcRead : podRead, this.elementPath(svcRead.set ? svcRead : podRead, svcRead.set ? j : i)), 'pod and service ranges must be disjoint: change one of them');
        return;
      }
    }
  }

  /** The YAML path of the i-th subnet: an index into a list, nothing for a (comma-separated) string. */
  private elementPath(x: Read, i: number): YamlPath {
    return Array.isArray(x.value) ? [i] : [];
  }

  private dnsDomain(x: Read): string {
    if (!x.set) return DEFAULTS.dnsDomain;
    const s = this.str(x, 'cluster_dns_domain', 'a DNS domain, e.g. cluster.local');
    if (s === undefined) return DEFAULTS.dnsDomain;
    if (!isDnsSubdomain(s)) {
      this.fail('SCHEMA', `cluster_dns_domain "${s}" is not a valid DNS domain`, this.r.pos(x), 'lower-case letters, digits, "-" and ".", each label starting and ending with a letter or digit (e.g. cluster.local)');
    }
    return s;
  }

  private choice(x: Read, name: string, def: string): string {
    if (!x.set) return def;
    const s = this.str(x, name, CHOICES[name].join(' or '));
    if (s === undefined) return def;
    if (!CHOICES[name].includes(s)) {
      const near = nearest(s, CHOICES[name], 3);
      this.fail('SCHEMA', `${name} must be ${CHOICES[name].join(' or ')}, not "${s}"`, this.r.pos(x), near ? `did you mean ${near}?` : `write ${CHOICES[name].join(' or ')} (default ${def})`);
    }
    return s;
  }

  private baseUrl(x: Read, name: string, def: string, layout: string): string {
    if (!x.set) return def;
    const s = this.str(x, name, 'an http(s) URL');
    if (s === undefined) return def;
    if (!isHttpUrl(s)) {
      this.fail('SCHEMA', `${name} "${s}" is not an http(s) URL`, this.r.pos(x), `write the base URL of a mirror in ${layout}`);
      return def;
    }
    return s.replace(/\/+$/, '');
  }

  private kubeletConfig(x: Read, cgroupDriver: string): Record<string, unknown> {
    if (!x.set || x.broken) return {};
    if (!isPlainMap(x.value)) {
      this.fail('SCHEMA', `kubelet_config must be a mapping of KubeletConfiguration fields, not ${typeName(x.value)}`, this.r.pos(x), 'e.g. kubelet_config: {maxPods: 200}');
      return {};
    }
    const cfg = x.value;
    for (const k of ['apiVersion', 'kind']) {
      if (k in cfg) this.fail('SCHEMA', `kubelet_config sets "${k}", which kbs writes itself`, this.r.pos(x, [k]), 'list only KubeletConfiguration fields (e.g. maxPods), without apiVersion and kind');
    }
    if ('cgroupDriver' in cfg && cfg.cgroupDriver !== cgroupDriver) {
      this.fail('INVENTORY', `kubelet_config.cgroupDriver ${JSON.stringify(cfg.cgroupDriver)} contradicts cgroup_driver "${cgroupDriver}"`, this.r.pos(x, ['cgroupDriver']), 'set the driver once, with cgroup_driver (containerd and the kubelet must agree)');
    }
    return cfg;
  }

  private cniManifest(x: Read): string | undefined {
    if (!x.set) return undefined;
    const s = this.str(x, 'cni_manifest', 'a file path or an http(s) URL');
    if (s === undefined) return undefined;
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(s)) {
      if (!isHttpUrl(s)) this.fail('SCHEMA', `cni_manifest "${s}" is not an http(s) URL`, this.r.pos(x), 'write a path on this machine or an http(s) URL');
      return s;
    }
    const p = isAbsolute(s) ? s : resolve(this.base, s);
    if (!isFile(p)) {
      this.fail('NOT_FOUND', `cni_manifest ${s} not found (${p})`, this.r.pos(x), `a relative path is read from the inventory's folder ${this.base}`);
    }
    return p;
  }

  /** A mapping of flag names to values; scalars become strings. */
  private stringMap(x: Read, name: string): Record<string, string> | undefined {
    if (!x.set || x.broken) return undefined;
    if (!isPlainMap(x.value)) {
      this.fail('SCHEMA', `${name} must be a mapping of flag names to values, not ${typeName(x.value)}`, this.r.pos(x), `e.g. ${name}: {v: "2"} (flag names without the leading --)`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(x.value)) {
      if (k.startsWith('-')) {
        this.fail('SCHEMA', `${name}: flag "${k}" is written with dashes`, this.r.pos(x, [k], 'value'), `write the name without the leading dashes: ${k.replace(/^-+/, '')}`);
        continue;
      }
      if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v);
      else {
        this.fail('SCHEMA', `${name}: the value of "${k}" must be a string, not ${typeName(v)}`, this.r.pos(x, [k]), 'flags take one value; a list goes in one string, comma-separated');
      }
    }
    return out;
  }

  // ---- nodes -----------------------------------------------------------------------------------

  private nodeSpec(n: string, role: NodeSpec['role'], cluster: KubeVersion | undefined): NodeSpec {
    const kv = this.r.read(n, 'kubelet_version');
    let kubeletVersion = cluster?.text ?? DEFAULT_KUBERNETES_VERSION;
    if (kv.set) {
      const s = this.str(kv, 'kubelet_version', `a release such as ${kubeletVersion}`);
      const v = s === undefined ? undefined : parseVersion(s);
      if (s !== undefined && !v) {
        this.fail('SCHEMA', `kubelet_version "${s}" of ${n} is not a Kubernetes release version`, this.r.pos(kv), `write vX.Y.Z, e.g. ${kubeletVersion}`, 'kubelet_version');
      } else if (v && cluster) {
        const problem = kubeletSkewProblem(v, cluster);
        if (problem) {
          this.fail('INVENTORY', `kubelet_version of ${n}: ${problem}`, this.r.pos(kv), `the kubelet may lag kubernetes_version by up to 3 minors, never lead it (version skew policy); e.g. ${cluster.text}`, 'kubelet_version');
        }
      }
      if (v) kubeletVersion = v.text;
    }
    const ipRead = this.r.read(n, 'node_ip');
    let nodeIp: string | undefined;
    if (ipRead.set) {
      const s = this.str(ipRead, 'node_ip', 'an IP address');
      if (s !== undefined) {
        const ips = s.split(',').map((t) => t.trim());
        const parsed = ips.map(parseIp);
        if (parsed.some((p) => !p) || ips.length > 2) {
          this.fail('SCHEMA', `node_ip "${s}" of ${n} is not an IP address`, this.r.pos(ipRead), 'write the address the kubelet registers, e.g. 192.168.56.11 (dual-stack: "192.168.56.11,fd00::11")', 'node_ip');
        } else if (ips.length === 2 && parsed[0]!.family === parsed[1]!.family) {
          this.fail('SCHEMA', `node_ip "${s}" of ${n}: two addresses must be one IPv4 and one IPv6`, this.r.pos(ipRead), 'write one address, or one of each family for dual-stack', 'node_ip');
        } else nodeIp = s;
      }
    }
    const ah = this.r.read(n, 'ansible_host');
    const address = typeof ah.value === 'string' && ah.value ? ah.value : n;
    const ap = this.r.read(n, 'ansible_port');
    const port = ap.set && ap.value !== null && Number.isInteger(Number(ap.value)) ? Number(ap.value) : undefined;
    const kea = this.stringMap(this.r.read(n, 'kubelet_extra_args'), 'kubelet_extra_args') ?? {};
    const kp = this.r.read(n, 'kubeadm_patches');
    let kubeadmPatches: string | undefined;
    if (kp.set) {
      const s = this.str(kp, 'kubeadm_patches', 'a folder path');
      if (s !== undefined) {
        kubeadmPatches = isAbsolute(s) ? s : resolve(this.base, s);
        if (!isDir(kubeadmPatches)) {
          this.fail('NOT_FOUND', `kubeadm_patches folder ${s} of ${n} not found (${kubeadmPatches})`, this.r.pos(kp), `a relative path is read from the inventory's folder ${this.base}; the folder holds files such as kubeletconfiguration+strategic.yaml`, 'kubeadm_patches');
        }
      }
    }
    return {
      name: n,
      role,
      kubeletVersion,
      ...(nodeIp ? { nodeIp } : {}),
      address,
      ...(port !== undefined ? { port } : {}),
      kubeletExtraArgs: kea,
      ...(kubeadmPatches ? { kubeadmPatches } : {}),
      sources: { kubeletVersion: kv.set ? this.r.where(kv) : 'default', ...(ipRead.set ? { nodeIp: this.r.where(ipRead) } : {}) },
    };
  }

  /** Two nodes with one node_ip; a node_ip inside the pod or service range. */
  private checkNodeNetwork(nodes: string[], pods: Cidr[], svcs: Cidr[]): void {
    const byIp = new Map<string, { host: string; read: Read }>();
    for (const n of nodes) {
      const x = this.r.read(n, 'node_ip');
      if (!x.set || typeof x.value !== 'string') continue;
      for (const part of x.value.split(',').map((t) => t.trim())) {
        const ip = parseIp(part);
        if (!ip) continue;
        const key = `${ip.family}:${ip.value}`;
        const first = byIp.get(key);
        if (first) {
          this.fail('INVENTORY', `node_ip ${part} of ${n} is also the node_ip of ${first.host} (${this.r.where(first.read)})`, this.r.pos(x), 'every node registers with its own address: fix one of them', 'node_ip duplicate');
        } else byIp.set(key, { host: n, read: x });
        const hit = inRange(ip, pods, svcs);
        if (hit) {
          this.fail('INVENTORY', `node_ip ${part} of ${n} is inside ${hit}`, this.r.pos(x), 'node addresses must be outside the pod and service ranges: change the node_ip or the range', 'node_ip range');
        }
      }
    }
    for (const n of nodes) {
      if (this.r.read(n, 'node_ip').set) continue;
      const ah = this.r.read(n, 'ansible_host');
      const ip = parseIp(ah.value);
      const hit = ip && inRange(ip, pods, svcs);
      if (hit) {
        this.fail('INVENTORY', `ansible_host ${String(ah.value)} of ${n} is inside ${hit}, and would be its node IP`, this.r.pos(ah) ?? this.inv.hosts.get(n)?.pos, 'node addresses must be outside the pod and service ranges: change the range (or set node_ip to an address outside it)', 'ansible_host range');
      }
    }
  }

  /** Two hosts reached at the same address and port (ansible_host, ansible_port). */
  private checkAddresses(hosts: string[]): void {
    const seen = new Map<string, string>();
    for (const h of hosts) {
      const ah = this.r.read(h, 'ansible_host');
      if (ah.broken) continue;
      const addr = typeof ah.value === 'string' && ah.value ? ah.value : h;
      const ap = this.r.read(h, 'ansible_port');
      const port = ap.set && ap.value !== null ? String(ap.value) : '22';
      const key = `${normaliseHost(addr)}:${port}`;
      const first = seen.get(key);
      if (first) {
        const pos = ah.set ? this.r.pos(ah) : this.inv.hosts.get(h)?.pos;
        this.fail('INVENTORY', `hosts ${first} and ${h} are both reached at ${addr} port ${port}`, pos, `each host needs its own ansible_host (or ansible_port); check ${first}'s and ${h}'s`, 'address');
      } else seen.set(key, h);
    }
  }

  /** HA needs an endpoint; a load balancer group needs one too; a balancer on a control plane cannot take the apiserver's port. */
  private checkEndpoint(cps: string[], lbs: string[], endpoint: Endpoint | undefined, x: Read, pods: Cidr[], svcs: Cidr[]): void {
    if (!x.set && cps.length > 1) {
      this.fail(
        'INVENTORY',
        `control_plane_endpoint is required with more than one control plane (${cps.join(', ')})`,
        this.inv.groups.get(GROUPS.controlPlane)?.pos,
        'set control_plane_endpoint in group_vars/all.yml to the load balancer\'s address, e.g. lb.example.com:6443 (kubeadm\'s high-availability guide)',
      );
      return;
    }
    if (!x.set && lbs.length > 0) {
      this.fail('INVENTORY', 'control_plane_endpoint is required with a loadbalancer group', this.inv.groups.get(GROUPS.loadbalancer)?.pos, `set control_plane_endpoint to the load balancer's address, e.g. ${lbs[0]}:6443`);
      return;
    }
    if (!endpoint) return;
    const ip = parseIp(endpoint.host);
    const hit = ip && inRange(ip, pods, svcs);
    if (hit) {
      this.fail('INVENTORY', `control_plane_endpoint ${endpoint.host} is inside ${hit}`, this.r.pos(x), 'the endpoint is an address on your network, outside the pod and service ranges');
      return;
    }
    const port = endpoint.port;
    for (const lb of lbs) {
      if (cps.includes(lb) && port === DEFAULTS.apiserverPort) {
        this.fail('INVENTORY', `${lb} is both a load balancer and a control plane, and the endpoint port ${port} is the apiserver's`, this.r.pos(x), 'haproxy and kube-apiserver cannot both listen on 6443: give the endpoint another port (e.g. 8443) or put the balancer on another host');
        return;
      }
    }
  }
}

// ---- helpers -----------------------------------------------------------------------------------

/** "pod_subnet 10.244.0.0/16" when the address is inside one of the ranges. */
function inRange(ip: { family: 4 | 6; value: bigint }, pods: Cidr[], svcs: Cidr[]): string | undefined {
  const one: Cidr = { family: ip.family, network: ip.value, prefix: bits(ip.family), text: '' };
  const p = pods.find((c) => overlaps(c, one));
  if (p) return `pod_subnet ${p.text}`;
  const sv = svcs.find((c) => overlaps(c, one));
  return sv ? `service_subnet ${sv.text}` : undefined;
}

/** The known name closest to `name` when it is a near miss (edit distance ≤ max, case ignored), else undefined. */
function nearest(name: string, known: readonly string[], max = 2): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    if (k === name) return undefined;
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= max ? best : undefined;
}

function fmt(p: Position | undefined): string {
  if (!p) return 'the inventory';
  return p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
}

function show(x: Read): string {
  return x.set ? JSON.stringify(x.value) : 'the default';
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return typeof v;
}

function isPlainMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** host, host:port, [v6]:port, or a bare IPv6 address; the port defaults to 6443. */
export function parseEndpoint(s: string): Endpoint | string {
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracket) {
    host = bracket[1];
    portText = bracket[2];
    if (parseIp(host)?.family !== 6) return `"${host}" in brackets is not an IPv6 address`;
  } else if (parseIp(s)?.family === 6) {
    host = s;
  } else {
    const i = s.lastIndexOf(':');
    host = i < 0 ? s : s.slice(0, i);
    portText = i < 0 ? undefined : s.slice(i + 1);
    if (host.includes(':')) return 'an IPv6 address with a port must be written in brackets';
  }
  if (host === '') return 'the host is empty';
  if (!parseIp(host) && !isDnsName(host)) return `"${host}" is neither an IP address nor a DNS name`;
  if (portText === undefined) return { host, port: DEFAULTS.apiserverPort };
  if (!/^\d+$/.test(portText)) return `port "${portText}" is not a number`;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `port ${port} is outside 1-65535`;
  return { host, port };
}

function isDnsName(s: string): boolean {
  return s.length <= 253 && s.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && s.split('.').every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

function suggestName(n: string): string {
  const s = n.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return s || 'node-1';
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

function normaliseHost(h: string): string {
  const ip = parseIp(h);
  return ip ? `${ip.family}:${ip.value}` : h.toLowerCase();
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isFile(p: string): boolean {
  return existsSync(p) && !isDir(p);
}
