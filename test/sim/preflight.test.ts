/**
 * kubeadm's preflight as cmd/kubeadm/app/preflight/checks.go and checks_linux.go have it, and its exit
 * codes as cmd/kubeadm/app/util/error.go's checkErr: 1 for a failed phase (preflight included: the
 * phase runner wraps its error), 3 for a validation error (an Aggregate).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { SimNode, binPath, initConfig, writeConfig } from './helpers.js';

const nodes: SimNode[] = [];
after(async () => {
  for (const n of nodes) await n.destroy();
});

async function node(name: string, opts: ConstructorParameters<typeof SimNode>[1] = {}): Promise<SimNode> {
  const n = new SimNode(name, opts);
  nodes.push(n);
  return n.start();
}

/** A $PATH with only the node's own bin dirs and what the simulator itself needs (python3, openssl). */
function minimalPath(n: SimNode): string {
  const dir = n.file('.minimal-bin');
  mkdirSync(dir, { recursive: true });
  // the interpreter itself, not a shim (pyenv's shims are bash scripts)
  const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();
  symlinkSync(python, path.join(dir, 'python3'));
  symlinkSync(execFileSync('sh', ['-c', 'command -v openssl'], { encoding: 'utf8' }).trim(), path.join(dir, 'openssl'));
  return `${n.bin}:${n.sbin}:${dir}`;
}

test('executables: ip, iptables, mount, nsenter are errors; socat, ebtables, ethtool, tc, touch warnings', async () => {
  const n = await node('pfexe');
  for (const t of ['iptables', 'socat']) rmSync(path.join(n.sbin, t));
  const cfg = writeConfig(n, 'init.yaml', initConfig({ node: 'pfexe', port: n.port }));
  const r = await n.run('kubeadm', ['init', '--config', cfg], { PATH: minimalPath(n) });
  assert.equal(r.code, 1, 'a failed preflight phase exits 1');
  assert.match(r.stderr, /\[ERROR FileExisting-iptables\]: iptables not found in system path/);
  assert.match(r.stderr, /\[WARNING FileExisting-socat\]: socat not found in system path/);
  assert.doesNotMatch(r.stderr, /FileExisting-(ip|mount|nsenter|conntrack)\]/);
  assert.ok(!n.exists('etc/kubernetes/pki/ca.crt'), 'nothing written');
});

test('conntrack is required only for Kubernetes below 1.32 (addExecChecks), and never by join', async () => {
  const n = await node('pfct', { kubeadm: 'v1.31.13' });
  rmSync(path.join(n.sbin, 'conntrack'));
  const old = writeConfig(n, 'old.yaml', initConfig({ node: 'pfct', port: n.port, version: 'v1.31.13' }));
  const r = await n.run('kubeadm', ['init', '--config', old], { PATH: minimalPath(n) });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /\[ERROR FileExisting-conntrack\]: conntrack not found in system path/);
  const m = await node('pfct2');
  rmSync(path.join(m.sbin, 'conntrack'));
  const cur = writeConfig(m, 'cur.yaml', initConfig({ node: 'pfct2', port: m.port }));
  const r2 = await m.run('kubeadm', ['init', '--config', cur, '--skip-phases=wait-control-plane'], { PATH: minimalPath(m) });
  assert.doesNotMatch(r2.stderr, /conntrack/);
  assert.equal(r2.code, 0, r2.stderr);
  // join runs the common checks without a Kubernetes version: no conntrack check
  const w = await node('pfct3');
  rmSync(path.join(w.sbin, 'conntrack'));
  rmSync(path.join(w.sbin, 'nsenter'));
  const j = await w.run(binPath('v1.31.13', 'kubeadm'), ['join', '127.0.0.1:1', '--token', 'abcdef.0123456789abcdef',
    '--discovery-token-unsafe-skip-ca-verification', '--node-name', 'pfct3'], { PATH: minimalPath(w) });
  assert.equal(j.code, 1);
  assert.match(j.stderr, /\[ERROR FileExisting-nsenter\]/);
  assert.doesNotMatch(j.stderr, /conntrack/);
});

test('validation errors exit 3 (ValidationExitCode); one error is printed without brackets', async () => {
  const n = await node('pfval');
  // (a malformed bootstrap token in the file never reaches validation: BootstrapTokenString.UnmarshalJSON
  // refuses it while decoding, exit 1 — test/sim/strict-config.test.ts)
  const bad = writeConfig(n, 'bad.yaml', initConfig({ node: 'pfval', port: n.port, extraInit: 'certificateKey: "not-hex"' }));
  const r = await n.run('kubeadm', ['init', '--config', bad]);
  assert.equal(r.code, 3, r.stderr);
  assert.match(r.stderr, /^certificateKey: Invalid value: "<value withheld>": the certificate key must be 64 hexadecimal characters$/m);
  const two = writeConfig(n, 'two.yaml', initConfig({ node: 'pfval', port: n.port, extraInit: 'certificateKey: "not-hex"', extraCluster: 'networking:\n  serviceSubnet: nonsense' }).replace('networking:\n  podSubnet: 10.244.0.0/16\nnetworking:', 'networking:'));
  const r2 = await n.run('kubeadm', ['init', '--config', two]);
  assert.equal(r2.code, 3, r2.stderr);
  assert.match(r2.stderr, /^\[networking\.serviceSubnet: Invalid value: "nonsense": couldn't parse subnet, certificateKey: Invalid value: "<value withheld>"/m);
});
