/**
 * The validated cluster model: what an inventory asks for, after `kbs validate` (src/kube/validate.ts)
 * checked it. Defaults are filled in; `sources` says where each cluster-level value came from, for
 * the explanations of `kbs plan`. The variables themselves (names, defaults, scope) are listed in
 * VARIABLES, which docs/cluster.md mirrors.
 */

export type NodeRole = 'control_plane' | 'worker';
export type CgroupDriver = 'systemd' | 'cgroupfs';
export type InstallMethod = 'binary' | 'packages';

export interface Endpoint {
  host: string;
  port: number;
}

export interface NodeSpec {
  /** the inventory hostname */
  name: string;
  role: NodeRole;
  /** "vX.Y.Z"; defaults to the cluster's kubernetesVersion */
  kubeletVersion: string;
  /** node_ip when set in the inventory; otherwise decided on the host (see docs/cluster.md) */
  nodeIp?: string;
  /** the address kbs reaches the host at: ansible_host, else the inventory name */
  address: string;
  /** ansible_port when set */
  port?: number;
  kubeletExtraArgs: Record<string, string>;
  /** kubeadm_patches resolved to an absolute folder on the workstation */
  kubeadmPatches?: string;
  /** where this node's kubelet_version ("file:line:col", or "default" when it follows kubernetes_version) and node_ip came from */
  sources: { kubeletVersion: string; nodeIp?: string };
}

export interface ClusterSpec {
  /** "vX.Y.Z" */
  kubernetesVersion: string;
  /** control_plane_endpoint; absent: the first control plane's node IP, port 6443 */
  controlPlaneEndpoint?: Endpoint;
  /** one CIDR, or two (one IPv4, one IPv6, in the order given) for dual-stack */
  podSubnets: string[];
  serviceSubnets: string[];
  dnsDomain: string;
  cgroupDriver: CgroupDriver;
  /** without a trailing slash */
  downloadBase: string;
  installMethod: InstallMethod;
  /** kube_packages_base, without a trailing slash (the packages method's repositories) */
  packagesBase: string;
  /** an absolute path on the workstation, or an http(s) URL */
  cniManifest?: string;
  apiserverExtraArgs: Record<string, string>;
  controllerManagerExtraArgs: Record<string, string>;
  schedulerExtraArgs: Record<string, string>;
  kubeletConfig: Record<string, unknown>;
  /** inventory order; controlPlanes[0] runs kubeadm init on a new cluster */
  controlPlanes: string[];
  workers: string[];
  loadbalancers: string[];
  /** every control plane and worker, by name */
  nodes: Record<string, NodeSpec>;
  /** cluster-level variable name -> where its value came from: "file:line:col" or "default" */
  sources: Record<string, string>;
}

/** How a variable may be set. */
export type VarScope = 'cluster' | 'host';

export interface VarInfo {
  scope: VarScope;
  /** the documented default (undefined: none, or computed; see docs/cluster.md) */
  default?: unknown;
  /** one line, for hints */
  what: string;
}

/** The default kubernetes_version of a new cluster. */
export const DEFAULT_KUBERNETES_VERSION = 'v1.37.1';
/** The oldest kubernetes_version kbs deploys. */
export const MIN_KUBERNETES_MINOR = 30;

/** Every inventory variable kbs reads. Cluster-level ones must agree on every node. */
export const VARIABLES: Record<string, VarInfo> = {
  kubernetes_version: { scope: 'cluster', default: DEFAULT_KUBERNETES_VERSION, what: 'control-plane version, vX.Y.Z' },
  kubelet_version: { scope: 'host', what: 'the kubelet version of a node, vX.Y.Z (default: kubernetes_version)' },
  control_plane_endpoint: { scope: 'cluster', what: 'host or host:port of the apiserver (required with several control planes)' },
  pod_subnet: { scope: 'cluster', default: '10.244.0.0/16', what: 'a CIDR, or a list of two for dual-stack' },
  service_subnet: { scope: 'cluster', default: '10.96.0.0/12', what: 'a CIDR, or a list of two for dual-stack' },
  cluster_dns_domain: { scope: 'cluster', default: 'cluster.local', what: 'the cluster DNS domain' },
  cgroup_driver: { scope: 'cluster', default: 'systemd', what: 'systemd or cgroupfs' },
  kube_download_base: { scope: 'cluster', default: 'https://dl.k8s.io', what: 'an http(s) URL in dl.k8s.io layout' },
  kube_install_method: { scope: 'cluster', default: 'binary', what: 'binary or packages' },
  kube_packages_base: { scope: 'cluster', default: 'https://pkgs.k8s.io/core:/stable:', what: 'packages method: the per-minor apt repositories, BASE/vX.Y/deb/' },
  node_ip: { scope: 'host', what: 'the address the kubelet registers' },
  kubelet_extra_args: { scope: 'host', default: {}, what: 'a mapping of kubelet flags to string values' },
  kubelet_config: { scope: 'cluster', default: {}, what: 'a mapping merged into the KubeletConfiguration' },
  kubeadm_patches: { scope: 'host', what: 'a folder of kubeadm patch files' },
  apiserver_extra_args: { scope: 'cluster', default: {}, what: 'a mapping of kube-apiserver flags to string values' },
  controller_manager_extra_args: { scope: 'cluster', default: {}, what: 'a mapping of kube-controller-manager flags to string values' },
  scheduler_extra_args: { scope: 'cluster', default: {}, what: 'a mapping of kube-scheduler flags to string values' },
  cni_manifest: { scope: 'cluster', what: 'a manifest file or http(s) URL applied once' },
};

/** The inventory groups kbs reads. */
export const GROUPS = {
  controlPlane: 'control_plane',
  workers: 'workers',
  loadbalancer: 'loadbalancer',
  /** reserved for external etcd */
  etcd: 'etcd',
} as const;
