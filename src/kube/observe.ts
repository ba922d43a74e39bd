/**
 * What kbs reads from a node before deciding (the "kbs node state" task of playbooks/gather.yml):
 * its record, the kubeadm binaries installed, the marks kubeadm leaves, and on a control plane
 * the cluster's own view (kubeadm-config, Nodes). Pure: parses the task's output.
 */
import { parse as parseYamlText } from 'yaml';
import { parseRecordFile, type RecordFile } from './record.js';
import { parseVersion } from './version.js';

export interface ClusterView {
  /** ClusterConfiguration.kubernetesVersion from the kubeadm-config ConfigMap */
  kubernetesVersion?: string;
  controlPlaneEndpoint?: string;
  /** Node objects: name → ready, kubelet version */
  nodes: Record<string, { ready: boolean; kubeletVersion?: string }>;
  /** why the view is missing or partial (the apiserver did not answer, ...) */
  error?: string;
}

export interface NodeObservation {
  record?: RecordFile;
  /** why /etc/kbs/kubeadm.json exists but could not be read */
  recordError?: string;
  /** versions under /usr/local/lib/kbs/kubeadm */
  kubeadmInstalled: string[];
  /** `kubeadm version -o short` of the kubeadm on PATH */
  kubeadmVersion?: string;
  kubeletVersion?: string;
  /** kubeadm's marks on the node */
  marks: {
    kubeletConf: boolean;
    bootstrapKubeletConf: boolean;
    caCrt: boolean;
    adminConf: boolean;
    apiserverManifest: boolean;
    kubeletConfig: boolean;
  };
  /** a control plane's view of the cluster, when it has admin.conf (read with curl, else kubectl) */
  cluster?: ClusterView;
}

const MARKS: Record<string, keyof NodeObservation['marks']> = {
  '/etc/kubernetes/kubelet.conf': 'kubeletConf',
  '/etc/kubernetes/bootstrap-kubelet.conf': 'bootstrapKubeletConf',
  '/etc/kubernetes/pki/ca.crt': 'caCrt',
  '/etc/kubernetes/admin.conf': 'adminConf',
  '/etc/kubernetes/manifests/kube-apiserver.yaml': 'apiserverManifest',
  '/var/lib/kubelet/config.yaml': 'kubeletConfig',
};

function section(text: string, name: string): string | undefined {
  const start = text.indexOf(`---${name}---\n`);
  if (start < 0) return undefined;
  const from = start + name.length + 7;
  const end = text.indexOf('\n---', from);
  return text.slice(from, end < 0 ? undefined : end);
}

/** Parses the output of the gather script (key=value lines, then optional sections). */
export function parseObservation(stdout: string): NodeObservation {
  const obs: NodeObservation = {
    kubeadmInstalled: [],
    marks: { kubeletConf: false, bootstrapKubeletConf: false, caCrt: false, adminConf: false, apiserverManifest: false, kubeletConfig: false },
  };
  const head = stdout.split('\n---')[0];
  const api: { rc?: string; http?: string[] } = {};
  for (const line of head.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq);
    const val = line.slice(eq + 1).trim();
    if (key === 'record_b64' && val) {
      const r = parseRecordFile(Buffer.from(val, 'base64').toString('utf8'));
      if (typeof r === 'string') obs.recordError = r;
      else obs.record = r;
    } else if (key === 'kubeadm_versions') {
      obs.kubeadmInstalled = val.split(/\s+/).map((v) => parseVersion(v)?.text).filter((v): v is string => !!v).sort(byVersion);
    } else if (key === 'kubeadm_version') obs.kubeadmVersion = parseVersion(val)?.text;
    else if (key === 'kubelet_version') obs.kubeletVersion = parseVersion(val.replace(/^Kubernetes\s+/, ''))?.text;
    else if (key.startsWith('file:') && MARKS[key.slice(5)]) obs.marks[MARKS[key.slice(5)]] = val === 'yes';
    else if (key === 'api_rc') api.rc = val;
    else if (key === 'api_http') api.http = val.split(/\s+/);
  }
  if (api.rc !== undefined) {
    obs.cluster = parseApiView({
      rc: Number(api.rc),
      nodesHttp: api.http?.[0] ?? '000',
      configHttp: api.http?.[1] ?? '000',
      nodes: section(stdout, 'nodes') ?? '',
      config: section(stdout, 'kubeadm-config') ?? '',
      error: section(stdout, 'api-error') ?? '',
    });
    return obs;
  }
  const cluster = section(stdout, 'cluster');
  if (cluster !== undefined) obs.cluster = parseClusterView(cluster);
  return obs;
}

function byVersion(a: string, b: string): number {
  const x = parseVersion(a)!;
  const y = parseVersion(b)!;
  return x.major - y.major || x.minor - y.minor || x.patch - y.patch;
}

interface ListItem {
  kind?: string;
  metadata?: { name?: string };
  data?: Record<string, string>;
  status?: { conditions?: { type: string; status: string }[]; nodeInfo?: { kubeletVersion?: string } };
}

/** `kubectl -n kube-system get nodes,configmaps -o json`: the Nodes, and kubeadm-config's ClusterConfiguration. */
export function parseClusterView(text: string): ClusterView {
  let items: ListItem[];
  try {
    const list = JSON.parse(text) as { items?: ListItem[] };
    items = list.items ?? [];
  } catch {
    // kubectl's error (the apiserver did not answer, ...) instead of the List
    return { nodes: {}, error: `kubectl: ${firstLine(text) || 'no answer'}` };
  }
  const view: ClusterView = { nodes: nodesOf(items.filter((i) => i.kind === 'Node')) };
  const cm = items.find((i) => i.kind === 'ConfigMap' && i.metadata?.name === 'kubeadm-config');
  return withConfig(view, cm?.data?.ClusterConfiguration);
}

/** What the gather task's direct read of the apiserver gave (curl; playbooks/gather.yml). */
export interface ApiRead {
  /** curl's exit status (of its last transfer) */
  rc: number;
  /** the HTTP status of GET /api/v1/nodes, then of kubeadm-config; 000 when there was no answer */
  nodesHttp: string;
  configHttp: string;
  /** the bodies: a NodeList, the ConfigMap kube-system/kubeadm-config */
  nodes: string;
  config: string;
  /** curl's own error text */
  error: string;
}

/** The apiserver read directly: GET /api/v1/nodes and the ConfigMap kube-system/kubeadm-config. */
export function parseApiView(r: ApiRead): ClusterView {
  // no answer at all: curl's own error; an answer: its status and the Status message, after `what`
  const failed = (what: string, http: string, body: string): string => {
    if (http === '000' || !/^\d{3}$/.test(http)) return `apiserver: ${firstLine(r.error) || `no answer (curl exit status ${r.rc})`}`;
    const msg = statusMessage(body);
    return `${what}: HTTP ${http}${msg ? ` ${msg}` : ''}`;
  };
  if (r.nodesHttp !== '200') return { nodes: {}, error: failed('apiserver: GET /api/v1/nodes', r.nodesHttp, r.nodes) };
  let items: ListItem[];
  try {
    items = (JSON.parse(r.nodes) as { items?: ListItem[] }).items ?? [];
  } catch {
    return { nodes: {}, error: `apiserver: GET /api/v1/nodes: not a NodeList: ${firstLine(r.nodes) || 'empty'}` };
  }
  // the items of a NodeList are Nodes (the apiserver leaves out their kind)
  const view: ClusterView = { nodes: nodesOf(items) };
  if (r.configHttp === '404') return withConfig(view, undefined);
  if (r.configHttp !== '200') return { ...view, error: failed('kubeadm-config', r.configHttp, r.config) };
  let cm: ListItem;
  try {
    cm = JSON.parse(r.config) as ListItem;
  } catch {
    return { ...view, error: `kubeadm-config: not a ConfigMap: ${firstLine(r.config) || 'empty'}` };
  }
  return withConfig(view, cm?.data?.ClusterConfiguration);
}

/** the message of a Kubernetes Status body, if it is one */
function statusMessage(body: string): string {
  try {
    const st = JSON.parse(body) as { kind?: string; message?: unknown };
    return st?.kind === 'Status' && typeof st.message === 'string' ? st.message.slice(0, 200) : '';
  } catch {
    return firstLine(body);
  }
}

function nodesOf(items: ListItem[]): ClusterView['nodes'] {
  const nodes: ClusterView['nodes'] = {};
  for (const n of items) {
    const name = n.metadata?.name;
    if (!name) continue;
    const ready = (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    nodes[name] = { ready, kubeletVersion: parseVersion(n.status?.nodeInfo?.kubeletVersion)?.text };
  }
  return nodes;
}

/** the view with kubeadm-config's ClusterConfiguration read into it (an error when missing or unreadable) */
function withConfig(view: ClusterView, cfgText: string | undefined): ClusterView {
  let error: string | undefined;
  if (cfgText === undefined) error = 'kubeadm-config: no ConfigMap kube-system/kubeadm-config with a ClusterConfiguration';
  else {
    try {
      const cfg = parseYamlText(cfgText) as Record<string, unknown> | null;
      if (cfg && typeof cfg === 'object') {
        view.kubernetesVersion = parseVersion(cfg.kubernetesVersion)?.text;
        if (typeof cfg.controlPlaneEndpoint === 'string') view.controlPlaneEndpoint = cfg.controlPlaneEndpoint;
      }
      if (!view.kubernetesVersion) error = `kubeadm-config: ${firstLine(cfgText) || 'empty'}`;
    } catch {
      error = `kubeadm-config: ${firstLine(cfgText)}`;
    }
  }
  if (error) view.error = error;
  return view;
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.slice(0, 200) ?? '';
}
