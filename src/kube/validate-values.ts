/**
 * The cluster-level values of kbs validate, one method per variable: the value's type and form,
 * kubeadm's limits (subnet sizes, node ranges), defaults filled in. Each problem is reported at
 * the value (or the element of a list or mapping) through `fail`.
 */
import { isAbsolute, resolve } from 'node:path';
import type { ErrorCode, Position } from '../errors.js';
import type { YamlPath } from '../yaml/read.js';
import { originText } from '../inventory/origins.js';
import { bits, overlaps, parseCidr, rangeSize, type Cidr } from './net.js';
import type { InventoryReader, Read } from './reader.js';
import { DEFAULT_KUBERNETES_VERSION, MIN_KUBERNETES_MINOR, type Endpoint } from './spec.js';
import { isDnsSubdomain, isFile, isHttpUrl, isPlainMap, nearest, parseEndpoint, typeName } from './validate-util.js';
import { parseVersion, type KubeVersion } from './version.js';

/** Default cluster values (docs/cluster.md). */
export const DEFAULTS = {
  podSubnet: '10.244.0.0/16',
  serviceSubnet: '10.96.0.0/12',
  dnsDomain: 'cluster.local',
  cgroupDriver: 'systemd',
  downloadBase: 'https://dl.k8s.io',
  packagesBase: 'https://pkgs.k8s.io/core:/stable:',
  installMethod: 'binary',
} as const;

/** kubeadm's limits (cmd/kubeadm/app/constants). */
const MIN_SERVICE_ADDRESSES = 10n;
const MIN_POD_ADDRESSES = 14n;
const MAX_SERVICE_HOST_BITS = 20;
const POD_NODE_MASK_MAX_DIFF = 16;

const CHOICES: Record<string, readonly string[]> = {
  cgroup_driver: ['systemd', 'cgroupfs'],
  kube_install_method: ['binary', 'packages'],
};

export type Fail = (code: ErrorCode, message: string, pos: Position | undefined, hint?: string, once?: string) => void;

export class ValueChecks {
  constructor(
    private readonly r: InventoryReader,
    private readonly base: string,
    private readonly fail: Fail,
  ) {}

  str(x: Read, name: string, what: string): string | undefined {
    if (!x.set || x.broken) return undefined;
    if (typeof x.value === 'string') return x.value;
    const written = (x.origin && originText(x.origin)) ?? String(x.raw);
    const hint =
      typeof x.raw === 'number' ? `quote it: ${name}: "${written}" (YAML reads ${written} as a number)` : `write ${what}`;
    this.fail('SCHEMA', `${name} must be a string, not ${typeName(x.value)}`, this.r.pos(x), hint);
    return undefined;
  }

  kubernetesVersion(x: Read): KubeVersion | undefined {
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

  endpoint(x: Read): Endpoint | undefined {
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
  subnets(x: Read, name: string, def: string): Cidr[] {
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

  checkPodSubnets(x: Read, cidrs: Cidr[], cmArgs: Record<string, string>): void {
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

  checkServiceSubnets(x: Read, cidrs: Cidr[]): void {
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

  checkSubnetOverlap(podRead: Read, pods: Cidr[], svcRead: Read, svcs: Cidr[]): void {
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
  elementPath(x: Read, i: number): YamlPath {
    return Array.isArray(x.value) ? [i] : [];
  }

  dnsDomain(x: Read): string {
    if (!x.set) return DEFAULTS.dnsDomain;
    const s = this.str(x, 'cluster_dns_domain', 'a DNS domain, e.g. cluster.local');
    if (s === undefined) return DEFAULTS.dnsDomain;
    if (!isDnsSubdomain(s)) {
      this.fail('SCHEMA', `cluster_dns_domain "${s}" is not a valid DNS domain`, this.r.pos(x), 'lower-case letters, digits, "-" and ".", each label starting and ending with a letter or digit (e.g. cluster.local)');
    }
    return s;
  }

  choice(x: Read, name: string, def: string): string {
    if (!x.set) return def;
    const s = this.str(x, name, CHOICES[name].join(' or '));
    if (s === undefined) return def;
    if (!CHOICES[name].includes(s)) {
      const near = nearest(s, CHOICES[name], 3);
      this.fail('SCHEMA', `${name} must be ${CHOICES[name].join(' or ')}, not "${s}"`, this.r.pos(x), near ? `did you mean ${near}?` : `write ${CHOICES[name].join(' or ')} (default ${def})`);
    }
    return s;
  }

  baseUrl(x: Read, name: string, def: string, layout: string): string {
    if (!x.set) return def;
    const s = this.str(x, name, 'an http(s) URL');
    if (s === undefined) return def;
    if (!isHttpUrl(s)) {
      this.fail('SCHEMA', `${name} "${s}" is not an http(s) URL`, this.r.pos(x), `write the base URL of a mirror in ${layout}`);
      return def;
    }
    return s.replace(/\/+$/, '');
  }

  kubeletConfig(x: Read, cgroupDriver: string): Record<string, unknown> {
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

  cniManifest(x: Read): string | undefined {
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
  stringMap(x: Read, name: string): Record<string, string> | undefined {
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
}
