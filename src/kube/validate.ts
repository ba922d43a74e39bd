/**
 * `kbs validate`: checks a loaded inventory against what `kbs apply` needs and builds the
 * ClusterSpec, contacting no host. Every problem is a KbsError at the offending value
 * (file:line:col) with a hint; checkCluster collects them all, validateCluster throws the first.
 * The checks are listed in docs/cluster.md ("kbs validate"). Here: names, groups, agreement of
 * cluster-wide values, nodes, addresses, the endpoint; each cluster value's own checks are in
 * validate-values.ts.
 * Over 400 lines: one Validator whose checks read each other's results (groups, nodes,
 * addresses, endpoint) while collecting every problem in one pass.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { KbsError, type ErrorCode, type Position } from '../errors.js';
import { groupHosts } from '../inventory/vars.js';
import { originOf, originPos } from '../inventory/origins.js';
import type { Inventory } from '../inventory/types.js';
import { parseIp, type Cidr } from './net.js';
import { InventoryReader, type Read } from './reader.js';
import { DEFAULT_KUBERNETES_VERSION, GROUPS, VARIABLES, type ClusterSpec, type Endpoint, type NodeSpec } from './spec.js';
import { APISERVER_PORT, fmt, inRange, isDir, isDnsSubdomain, nearest, normaliseHost, sameValue, show, suggestName } from './validate-util.js';
import { DEFAULTS, ValueChecks } from './validate-values.js';
import { kubeletSkewProblem, parseVersion, type KubeVersion } from './version.js';
import type { Vars } from '../load/model.js';

export { parseEndpoint } from './validate-util.js';

export interface ValidateOptions {
  /** folder that relative kubeadm_patches and cni_manifest paths are resolved against (default: the inventory's folder) */
  baseDir?: string;
  /** `-e` variables, which override the inventory's (as in Ansible) */
  extraVars?: Vars;
}

export interface Validation {
  /** set when there is no error */
  spec?: ClusterSpec;
  errors: KbsError[];
}

/** Every problem of the inventory (in the order the checks run), and the spec when there is none. */
export function checkCluster(inv: Inventory, opts: ValidateOptions = {}): Validation {
  const v = new Validator(inv, opts.baseDir ?? (inv.sources[0] ? dirname(inv.sources[0]) : process.cwd()), opts.extraVars);
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

const KNOWN_GROUPS = ['all', 'ungrouped', GROUPS.controlPlane, GROUPS.workers, GROUPS.loadbalancer, GROUPS.etcd];
/** groups other tools use for control planes, named in the hint when control_plane is missing */
const OTHER_CP_GROUPS = ['masters', 'master', 'kube_control_plane', 'kube-master', 'kube_master', 'controlplane', 'control-plane'];

const EXTRA_ARGS = ['kubelet_extra_args', 'apiserver_extra_args', 'controller_manager_extra_args', 'scheduler_extra_args'] as const;

class Validator {
  readonly errors: KbsError[] = [];
  private readonly seen = new Set<string>();
  private readonly r: InventoryReader;
  private readonly v: ValueChecks;

  constructor(
    private readonly inv: Inventory,
    private readonly base: string,
    extraVars: Vars = {},
  ) {
    this.r = new InventoryReader(inv, base, (e) => this.add(e), extraVars);
    this.v = new ValueChecks(this.r, base, (...a) => this.fail(...a));
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
    const version = this.v.kubernetesVersion(read('kubernetes_version'));
    const endpointRead = read('control_plane_endpoint');
    const endpoint = this.v.endpoint(endpointRead);
    const podRead = read('pod_subnet');
    const serviceRead = read('service_subnet');
    const args = {} as Record<(typeof EXTRA_ARGS)[number], Record<string, string>>;
    for (const a of EXTRA_ARGS) if (a !== 'kubelet_extra_args') args[a] = this.v.stringMap(read(a), a) ?? {};
    const podCidrs = this.v.subnets(podRead, 'pod_subnet', DEFAULTS.podSubnet);
    const serviceCidrs = this.v.subnets(serviceRead, 'service_subnet', DEFAULTS.serviceSubnet);
    this.v.checkPodSubnets(podRead, podCidrs, args.controller_manager_extra_args);
    this.v.checkServiceSubnets(serviceRead, serviceCidrs);
    this.v.checkSubnetOverlap(podRead, podCidrs, serviceRead, serviceCidrs);
    const dnsDomain = this.v.dnsDomain(read('cluster_dns_domain'));
    const cgroupDriver = this.v.choice(read('cgroup_driver'), 'cgroup_driver', DEFAULTS.cgroupDriver);
    const installMethod = this.v.choice(read('kube_install_method'), 'kube_install_method', DEFAULTS.installMethod);
    const downloadBase = this.v.baseUrl(read('kube_download_base'), 'kube_download_base', DEFAULTS.downloadBase, "dl.k8s.io's layout, e.g. https://dl.k8s.io");
    const packagesBase = this.v.baseUrl(read('kube_packages_base'), 'kube_packages_base', DEFAULTS.packagesBase, "pkgs.k8s.io's layout ({base}/v1.37/deb/), e.g. https://pkgs.k8s.io/core:/stable:");
    const kubeletConfig = this.v.kubeletConfig(read('kubelet_config'), cgroupDriver);
    const cniManifest = this.v.cniManifest(read('cni_manifest'));
    return { version, endpoint, endpointRead, podCidrs, serviceCidrs, dnsDomain, cgroupDriver, installMethod, downloadBase, packagesBase, kubeletConfig, cniManifest, args, sources };
  }
  // ---- nodes -----------------------------------------------------------------------------------

  private nodeSpec(n: string, role: NodeSpec['role'], cluster: KubeVersion | undefined): NodeSpec {
    const kv = this.r.read(n, 'kubelet_version');
    let kubeletVersion = cluster?.text ?? DEFAULT_KUBERNETES_VERSION;
    if (kv.set) {
      const s = this.v.str(kv, 'kubelet_version', `a release such as ${kubeletVersion}`);
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
      const s = this.v.str(ipRead, 'node_ip', 'an IP address');
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
    const kea = this.v.stringMap(this.r.read(n, 'kubelet_extra_args'), 'kubelet_extra_args') ?? {};
    const kp = this.r.read(n, 'kubeadm_patches');
    let kubeadmPatches: string | undefined;
    if (kp.set) {
      const s = this.v.str(kp, 'kubeadm_patches', 'a folder path');
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
      if (cps.includes(lb) && port === APISERVER_PORT) {
        this.fail('INVENTORY', `${lb} is both a load balancer and a control plane, and the endpoint port ${port} is the apiserver's`, this.r.pos(x), 'haproxy and kube-apiserver cannot both listen on 6443: give the endpoint another port (e.g. 8443) or put the balancer on another host');
        return;
      }
    }
  }
}
