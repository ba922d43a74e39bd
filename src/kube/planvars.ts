/**
 * The decisions as the playbook's one variable, `kbs_plan` (docs/cluster.md). `kbs apply` passes it
 * as an extra variable; `kbs plan --output vars` prints the same for ansible-playbook. Pure.
 */
import type { Plan } from './contract.js';
import type { NodeIpChoice } from './nodeip.js';
import type { ClusterSpec } from './spec.js';

export interface PlanVars {
  kbs_plan: {
    cluster: string;
    kubernetes_version: string;
    kubeadm_version: string;
    init_host: string;
    endpoint: string;
    new_cluster: boolean;
    /** cni_manifest resolved: an absolute path on the workstation or a URL */
    cni_manifest?: string;
    /** the components' extra flags, every value a string (kubeadm refuses numbers and booleans there) */
    apiserver_extra_args: Record<string, string>;
    controller_manager_extra_args: Record<string, string>;
    scheduler_extra_args: Record<string, string>;
    nodes: Record<string, Record<string, unknown>>;
  };
}

function hostPort(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export function toPlanVars(plan: Plan, spec: ClusterSpec, ips: Record<string, NodeIpChoice>): PlanVars {
  const ep = spec.controlPlaneEndpoint ? hostPort(spec.controlPlaneEndpoint.host, spec.controlPlaneEndpoint.port) : hostPort(ips[plan.initHost]?.ip ?? spec.nodes[plan.initHost].address, 6443);
  const nodes: PlanVars['kbs_plan']['nodes'] = {};
  for (const [name, n] of Object.entries(plan.nodes)) {
    nodes[name] = {
      role: n.role,
      action: n.action,
      reset: n.reset,
      ready: n.ready,
      kubeadm_version: n.kubeadmVersion,
      kubelet_version: n.kubeletVersion,
      kubectl_version: n.kubectlVersion,
      node_ip: ips[name]?.ip ?? '',
      kubelet_node_ip: (ips[name]?.ips ?? []).join(','),
      kubelet_extra_args: spec.nodes[name]?.kubeletExtraArgs ?? {},
      reason: n.reason,
      ...(spec.nodes[name]?.kubeadmPatches ? { kubeadm_patches: spec.nodes[name].kubeadmPatches } : {}),
      ...(n.inferred ? { inferred_record: n.inferred } : {}),
    };
  }
  return {
    kbs_plan: {
      cluster: plan.cluster,
      kubernetes_version: plan.kubernetesVersion,
      kubeadm_version: plan.kubeadmVersion,
      init_host: plan.initHost,
      endpoint: ep,
      new_cluster: plan.newCluster,
      ...(spec.cniManifest ? { cni_manifest: spec.cniManifest } : {}),
      apiserver_extra_args: spec.apiserverExtraArgs,
      controller_manager_extra_args: spec.controllerManagerExtraArgs,
      scheduler_extra_args: spec.schedulerExtraArgs,
      nodes,
    },
  };
}
