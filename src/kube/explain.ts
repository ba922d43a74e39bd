/** The plan in words, for `kbs plan`, and the summary at the end of `kbs apply`. Pure. */
import type { Plan } from './contract.js';
import type { NodeIpChoice } from './nodeip.js';

export function explainPlan(plan: Plan, ips: Record<string, NodeIpChoice>, endpoint: string): string {
  const lines: string[] = [];
  lines.push(`cluster ${plan.cluster}: ${plan.newCluster ? 'new' : 'existing'}, control plane ${plan.kubernetesVersion}, endpoint ${endpoint}`);
  lines.push(`the cluster's kubeadm: ${plan.kubeadmVersion}, from ${plan.kubeadmSource}`);
  const names = Object.keys(plan.nodes);
  const w = Math.max(4, ...names.map((n) => n.length));
  lines.push('');
  lines.push(`${'NODE'.padEnd(w)}  ${'ROLE'.padEnd(13)}  ${'ACTION'.padEnd(6)}  ${'KUBEADM'.padEnd(9)}  ${'KUBELET'.padEnd(9)}  NODE IP`);
  for (const [name, n] of Object.entries(plan.nodes)) {
    const action = n.action + (n.reset ? '*' : '');
    lines.push(`${name.padEnd(w)}  ${n.role.padEnd(13)}  ${action.padEnd(6)}  ${n.kubeadmVersion.padEnd(9)}  ${n.kubeletVersion.padEnd(9)}  ${ips[name]?.ip ?? '?'}`);
  }
  if (Object.values(plan.nodes).some((n) => n.reset)) lines.push('* kubeadm reset first: an earlier attempt left files behind');
  lines.push('');
  lines.push('why:');
  for (const [name, n] of Object.entries(plan.nodes)) {
    lines.push(`  ${name}: ${n.reason}`);
    if (ips[name]) lines.push(`  ${' '.repeat(name.length)}  node IP ${ips[name].ip}: ${ips[name].reason}`);
    if (n.inferred) lines.push(`  ${' '.repeat(name.length)}  no record on the node: one is written, marked inferred (${n.inferred.action} with ${n.inferred.version})`);
  }
  if (plan.notes.length) {
    lines.push('');
    lines.push('notes:');
    for (const note of plan.notes) lines.push(`  - ${note}`);
  }
  return lines.join('\n') + '\n';
}
