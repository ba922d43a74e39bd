/**
 * Test helpers for the Kubernetes simulators: build them once per test process, make simulated
 * nodes (a KBS_SIM_ROOT temp dir each, a fake /proc, a listening containerd socket), run the
 * tools, and clean up every daemon a node started.
 */
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, rmSync, readFileSync, existsSync, symlinkSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const SIM_DIR = path.dirname(fileURLToPath(import.meta.url));
export const VERSIONS = ['v1.30.14', 'v1.31.13', 'v1.34.6', 'v1.35.4', 'v1.36.2', 'v1.37.1'] as const;
export type Version = (typeof VERSIONS)[number];
/** the version a SimNode installs unless told otherwise */
export const DEFAULT_VERSION: Version = 'v1.35.4';

/** the kubeadm config API a version writes: v1beta4 from 1.31, v1beta3 below */
export function apiFor(version: string): 'v1beta3' | 'v1beta4' {
  return Number(version.replace(/^v/, '').split('.')[1]) >= 31 ? 'v1beta4' : 'v1beta3';
}
export type Tool = 'kubeadm' | 'kubelet' | 'kubectl';

let built: string | undefined;

/** Builds all default versions into a temp dir (once per process); returns OUTDIR. */
export function buildSims(): string {
  if (built) return built;
  const out = mkdtempSync(path.join(os.tmpdir(), 'kbs-sim-build-'));
  execFileSync('bash', [path.join(SIM_DIR, 'build.sh'), out], { stdio: 'pipe' });
  built = out;
  process.on('exit', () => rmSync(out, { recursive: true, force: true }));
  return out;
}

export function binPath(version: string, tool: Tool): string {
  return path.join(buildSims(), 'release', version, 'bin/linux/amd64', tool);
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

export interface NodeOptions {
  kubeadm?: Version;
  kubelet?: Version;
  swap?: boolean;
  ipForward?: '0' | '1';
  cri?: boolean;
  /** a CNI config in /etc/cni/net.d (default true: nodes can become Ready) */
  cni?: boolean;
  /** IPv4 address of eth0, the default-route interface (default: a unique 10.99.0.x) */
  ip?: string;
  /** more interfaces: name -> address */
  extraInterfaces?: Record<string, string>;
  /** install the kubelet unit and kubeadm's drop-in (default true), as the roles do */
  unit?: boolean;
}

/** kubelet.service as the kubeadm install guide gives it, binary in /usr/local/bin */
export const KUBELET_UNIT = `[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/local/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
`;

/** kubeadm's drop-in, /usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf, as its docs give it */
export const KUBEADM_DROPIN = `# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-/etc/default/kubelet
ExecStart=
ExecStart=/usr/local/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
`;

/** the executables kubeadm's preflight looks for (checks_linux.go), as stubs */
export const NODE_TOOLS = ['ip', 'iptables', 'mount', 'nsenter', 'conntrack', 'ebtables', 'ethtool', 'socat', 'tc', 'touch'];

let nextIp = 10;

function hexIp(ip: string): string {
  return ip.split('.').map((o) => Number(o).toString(16).padStart(2, '0').toUpperCase()).reverse().join('');
}

/** One simulated machine: its own root, fake /proc, containerd socket, bin dir and apiserver port. */
export class SimNode {
  readonly root: string;
  readonly proc: string;
  readonly bin: string;
  readonly sbin: string;
  readonly ip: string;
  port = 0;
  private cri?: net.Server;

  constructor(
    readonly name: string,
    readonly opts: NodeOptions = {},
  ) {
    this.root = mkdtempSync(path.join(os.tmpdir(), `kbs-sim-${name}-`));
    this.proc = path.join(this.root, '.proc');
    this.bin = path.join(this.root, 'usr/local/bin');
    this.sbin = path.join(this.root, 'usr/sbin');
    this.ip = opts.ip ?? `10.99.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 2}`;
    mkdirSync(path.join(this.proc, 'sys/net/ipv4'), { recursive: true });
    mkdirSync(path.join(this.proc, 'sys/net/bridge'), { recursive: true });
    mkdirSync(path.join(this.proc, 'net'), { recursive: true });
    writeFileSync(path.join(this.proc, 'sys/net/ipv4/ip_forward'), `${opts.ipForward ?? '1'}\n`);
    writeFileSync(path.join(this.proc, 'sys/net/bridge/bridge-nf-call-iptables'), '1\n');
    writeFileSync(
      path.join(this.proc, 'swaps'),
      'Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n' +
        (opts.swap ? '/swapfile                               file\t\t1048572\t\t0\t\t-2\n' : ''),
    );
    this.setNetwork({ eth0: this.ip, ...(opts.extraInterfaces ?? {}) }, 'eth0');
    mkdirSync(this.sbin, { recursive: true });
    for (const t of NODE_TOOLS) writeFileSync(path.join(this.sbin, t), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    if (opts.unit !== false) {
      mkdirSync(path.join(this.root, 'usr/lib/systemd/system/kubelet.service.d'), { recursive: true });
      writeFileSync(path.join(this.root, 'usr/lib/systemd/system/kubelet.service'), KUBELET_UNIT);
      writeFileSync(path.join(this.root, 'usr/lib/systemd/system/kubelet.service.d/10-kubeadm.conf'), KUBEADM_DROPIN);
    }
    if (opts.cni !== false) this.installCni();
    this.setKubeadm(opts.kubeadm ?? DEFAULT_VERSION);
    this.setKubelet(opts.kubelet ?? opts.kubeadm ?? DEFAULT_VERSION);
    this.link('kubectl', opts.kubeadm ?? DEFAULT_VERSION);
  }

  /** The machine's interfaces (lo is always 127.0.0.1) and which one carries the default route. */
  setNetwork(ifaces: Record<string, string>, defaultIface: string): void {
    const lines = ['lo 127.0.0.1/8', ...Object.entries(ifaces).map(([n, ip]) => `${n} ${ip}/24`)];
    writeFileSync(path.join(this.proc, 'net/if_inet4'), lines.join('\n') + '\n');
    const gw = ifaces[defaultIface].replace(/\.\d+$/, '.1');
    writeFileSync(
      path.join(this.proc, 'net/route'),
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n' +
        `${defaultIface}\t00000000\t${hexIp(gw)}\t0003\t0\t0\t0\t00000000\t0\t0\t0\n`,
    );
  }

  /** what a CNI plugin's installer leaves on every node */
  installCni(name = '10-sim.conflist'): void {
    mkdirSync(path.join(this.root, 'etc/cni/net.d'), { recursive: true });
    writeFileSync(
      path.join(this.root, 'etc/cni/net.d', name),
      JSON.stringify({ cniVersion: '1.0.0', name: 'sim', plugins: [{ type: 'bridge' }] }),
    );
  }

  private link(tool: Tool, version: Version): void {
    mkdirSync(this.bin, { recursive: true });
    const dst = path.join(this.bin, tool);
    rmSync(dst, { force: true });
    symlinkSync(binPath(version, tool), dst);
  }

  /** "Install" another kubeadm / kubelet version on this machine. */
  setKubeadm(v: Version): void {
    this.link('kubeadm', v);
  }

  setKubelet(v: Version): void {
    this.link('kubelet', v);
  }

  async start(): Promise<this> {
    this.port = await freePort();
    if (this.opts.cri !== false) {
      const sock = path.join(this.root, 'var/run/containerd/containerd.sock');
      mkdirSync(path.dirname(sock), { recursive: true });
      this.cri = net.createServer((c) => c.end());
      await new Promise<void>((resolve) => this.cri!.listen(sock, resolve));
    }
    return this;
  }

  env(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return {
      PATH: `${this.bin}:${this.sbin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      HOME: this.root,
      KBS_SIM_ROOT: this.root,
      KBS_SIM_PROC: this.proc,
      KBS_SIM_PORT: String(this.port),
      KBS_SIM_BIND: '127.0.0.1',
      KBS_SIM_KEY_ALGORITHM: process.env.KBS_SIM_KEY_ALGORITHM ?? 'ECDSA-P256',
      KBS_SIM_KUBELET_TIMEOUT: '10',
      KBS_SIM_DISCOVERY_TIMEOUT: '2',
      ...extra,
    };
  }

  /** Runs a tool of this machine (kubeadm, kubelet, kubectl) or an absolute path. */
  run(tool: string, args: string[], extra: NodeJS.ProcessEnv = {}, input?: string): Promise<RunResult> {
    const cmd = tool.includes('/') ? tool : path.join(this.bin, tool);
    return run(cmd, args, this.env(extra), input);
  }

  kubectl(args: string[]): Promise<RunResult> {
    return this.run('kubectl', ['--kubeconfig', this.file('/etc/kubernetes/admin.conf'), ...args]);
  }

  file(p: string): string {
    return path.join(this.root, p);
  }

  exists(p: string): boolean {
    return existsSync(this.file(p));
  }

  read(p: string): string {
    return readFileSync(this.file(p), 'utf8');
  }

  pid(name: 'apiserver' | 'kubelet'): number | undefined {
    try {
      return Number(readFileSync(this.file(`var/lib/kbs-sim/${name}.pid`), 'utf8').trim()) || undefined;
    } catch {
      return undefined;
    }
  }

  /** Stops the daemons this node started (by their pid files) and removes the root. */
  async destroy(): Promise<void> {
    for (const name of ['kubelet', 'apiserver'] as const) {
      const pid = this.pid(name);
      if (pid && alive(pid) && cmdline(pid).includes('kube')) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone */
        }
      }
    }
    await new Promise<void>((resolve) => (this.cri ? this.cri.close(() => resolve()) : resolve()));
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Writes a kubeadm config file into the node's root and returns its path. */
export function writeConfig(node: SimNode, name: string, yaml: string): string {
  const p = node.file(name);
  writeFileSync(p, yaml);
  return p;
}

export function initConfig(opts: {
  version?: string;
  api?: 'v1beta3' | 'v1beta4';
  node: string;
  port: number;
  controlPlaneEndpoint?: string;
  extraInit?: string;
  extraCluster?: string;
  /**
   * test timing (default true): kubelets post status every 1s (KubeletConfiguration
   * nodeStatusUpdateFrequency) and the node lifecycle controller marks a silent node after 8s
   * (kube-controller-manager --node-monitor-grace-period; 40s by default)
   */
  fast?: boolean;
  /** the grace period with `fast` (default 8s) */
  grace?: string;
}): string {
  const api = opts.api ?? apiFor(opts.version ?? DEFAULT_VERSION);
  const fast = opts.fast !== false;
  const grace =
    api === 'v1beta4'
      ? ['controllerManager:', '  extraArgs:', '  - name: node-monitor-grace-period', `    value: ${opts.grace ?? '8s'}`]
      : ['controllerManager:', '  extraArgs:', `    node-monitor-grace-period: ${opts.grace ?? '8s'}`];
  return [
    `apiVersion: kubeadm.k8s.io/${api}`,
    'kind: InitConfiguration',
    'localAPIEndpoint:',
    '  advertiseAddress: 127.0.0.1',
    `  bindPort: ${opts.port}`,
    'nodeRegistration:',
    `  name: ${opts.node}`,
    opts.extraInit ?? '',
    '---',
    `apiVersion: kubeadm.k8s.io/${api}`,
    'kind: ClusterConfiguration',
    `kubernetesVersion: ${opts.version ?? DEFAULT_VERSION}`,
    opts.controlPlaneEndpoint ? `controlPlaneEndpoint: "${opts.controlPlaneEndpoint}"` : '',
    'networking:',
    '  podSubnet: 10.244.0.0/16',
    opts.extraCluster ?? '',
    ...(fast ? grace : []),
    ...(fast ? ['---', 'apiVersion: kubelet.config.k8s.io/v1beta1', 'kind: KubeletConfiguration', 'nodeStatusUpdateFrequency: 1s'] : []),
    '',
  ].join('\n');
}

/** Parses the "kubeadm join ..." lines of init's output (or token create --print-join-command). */
export function parseJoin(output: string): { endpoint: string; token: string; hash: string; certKey?: string } {
  const flat = output.replace(/\\\n\s*/g, ' ');
  const m = /kubeadm join (\S+) --token (\S+)\s+--discovery-token-ca-cert-hash (sha256:[0-9a-f]{64})/.exec(flat);
  if (!m) throw new Error(`no join command in output:\n${output}`);
  const k = /--certificate-key ([0-9a-f]{64})/.exec(flat);
  return { endpoint: m[1], token: m[2], hash: m[3], certKey: k?.[1] };
}

/** Inits a cluster on `node` and returns the parsed join data. */
export async function initCluster(
  node: SimNode,
  opts: { version?: string; upload?: boolean; controlPlaneEndpoint?: boolean; grace?: string } = {},
) {
  const cfg = writeConfig(
    node,
    'init.yaml',
    initConfig({
      version: opts.version,
      node: node.name,
      port: node.port,
      controlPlaneEndpoint: opts.controlPlaneEndpoint === false ? undefined : `127.0.0.1:${node.port}`,
      grace: opts.grace,
    }),
  );
  const args = ['init', '--config', cfg];
  if (opts.upload) args.push('--upload-certs');
  const r = await node.run('kubeadm', args);
  if (r.code !== 0) throw new Error(`init failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return { ...parseJoin(r.stdout), output: r };
}

export function joinArgs(
  j: { endpoint: string; token: string; hash: string },
  node: SimNode,
  extra: string[] = [],
): string[] {
  return ['join', j.endpoint, '--token', j.token, '--discovery-token-ca-cert-hash', j.hash, '--node-name', node.name, ...extra];
}

export function controlPlaneArgs(node: SimNode, certKey?: string): string[] {
  const a = ['--control-plane', '--apiserver-advertise-address', '127.0.0.1', '--apiserver-bind-port', String(node.port)];
  if (certKey) a.push('--certificate-key', certKey);
  return a;
}
