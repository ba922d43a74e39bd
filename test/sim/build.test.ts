import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SIM_DIR, VERSIONS, buildSims, run } from './helpers.js';

test('build.sh writes dl.k8s.io layout with hex-only sha256 files', () => {
  const out = buildSims();
  const dirs = readdirSync(path.join(out, 'release')).filter((f) => !f.endsWith('.txt'));
  assert.deepEqual(dirs.sort(), [...VERSIONS].sort());
  // dl.k8s.io's markers: release/stable.txt is the newest release, stable-X.Y.txt the newest X.Y patch
  assert.equal(readFileSync(path.join(out, 'release/stable.txt'), 'utf8'), 'v1.37.1\n');
  for (const v of VERSIONS) {
    const minor = v.slice(1).split('.').slice(0, 2).join('.');
    assert.equal(readFileSync(path.join(out, `release/stable-${minor}.txt`), 'utf8'), `${v}\n`);
  }
  for (const v of VERSIONS) {
    const dir = path.join(out, 'release', v, 'bin/linux/amd64');
    assert.deepEqual(readdirSync(dir).sort(), [
      'kubeadm', 'kubeadm.sha256', 'kubectl', 'kubectl.sha256', 'kubelet', 'kubelet.sha256',
    ]);
    for (const tool of ['kubeadm', 'kubelet', 'kubectl']) {
      const bin = path.join(dir, tool);
      assert.ok(statSync(bin).mode & 0o111, `${bin} is executable`);
      const want = createHash('sha256').update(readFileSync(bin)).digest('hex');
      assert.equal(readFileSync(`${bin}.sha256`, 'utf8'), want);
      assert.match(readFileSync(bin, 'utf8').split('\n')[0], /^#!\/usr\/bin\/env python3$/);
    }
  }
});

test('build.sh builds only the versions asked for and rejects bad ones', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'kbs-sim-build1-'));
  try {
    execFileSync('bash', [path.join(SIM_DIR, 'build.sh'), out, 'v1.30.1'], { stdio: 'pipe' });
    assert.deepEqual(readdirSync(path.join(out, 'release')).sort(), ['stable-1.30.txt', 'stable.txt', 'v1.30.1']);
    assert.equal(
      execFileSync(path.join(out, 'release/v1.30.1/bin/linux/amd64/kubeadm'), ['version', '-o', 'short'], {
        encoding: 'utf8',
      }),
      'v1.30.1\n',
    );
    assert.throws(() => execFileSync('bash', [path.join(SIM_DIR, 'build.sh'), out, '1.30'], { stdio: 'pipe' }));
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

for (const v of VERSIONS) {
  test(`version output of ${v}`, async () => {
    const dir = path.join(buildSims(), 'release', v, 'bin/linux/amd64');
    const env = { PATH: process.env.PATH };
    const short = await run(path.join(dir, 'kubeadm'), ['version', '-o', 'short'], env);
    assert.equal(short.code, 0);
    assert.equal(short.stdout, `${v}\n`);
    const [, minor] = v.slice(1).split('.');
    const json = JSON.parse((await run(path.join(dir, 'kubeadm'), ['version', '-o', 'json'], env)).stdout);
    assert.equal(json.clientVersion.gitVersion, v);
    assert.equal(json.clientVersion.minor, minor);
    assert.equal(json.clientVersion.platform, 'linux/amd64');
    const plain = await run(path.join(dir, 'kubeadm'), ['version'], env);
    assert.match(plain.stdout, new RegExp(`^kubeadm version: &version\\.Info\\{Major:"1", Minor:"${minor}", GitVersion:"${v.replace(/\./g, '\\.')}"`));
    const kubelet = await run(path.join(dir, 'kubelet'), ['--version'], env);
    assert.equal(kubelet.stdout, `Kubernetes ${v}\n`);
    const kubectl = JSON.parse((await run(path.join(dir, 'kubectl'), ['version', '--client', '-o', 'json'], env)).stdout);
    assert.equal(kubectl.clientVersion.gitVersion, v);
    assert.ok(kubectl.kustomizeVersion);
    const yaml = await run(path.join(dir, 'kubectl'), ['version', '--client', '-o', 'yaml'], env);
    assert.match(yaml.stdout, new RegExp(`gitVersion: ${v.replace(/\./g, '\\.')}`));
  });
}

test('unknown kubeadm command and flag exit 1 with cobra-like errors', async () => {
  const bin = path.join(buildSims(), 'release/v1.35.4/bin/linux/amd64/kubeadm');
  const a = await run(bin, ['frobnicate'], { PATH: process.env.PATH });
  assert.equal(a.code, 1);
  assert.match(a.stderr, /unknown command "frobnicate" for "kubeadm"/);
  const b = await run(bin, ['version', '--bogus'], { PATH: process.env.PATH });
  assert.equal(b.code, 1);
  assert.match(b.stderr, /unknown flag: --bogus/);
});

test('kubelet exits 1 without its config, like the real one before init/join', async () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'kbs-sim-kubelet-'));
  try {
    const bin = path.join(buildSims(), 'release/v1.35.4/bin/linux/amd64/kubelet');
    const r = await run(bin, ['--config=/var/lib/kubelet/config.yaml'], { PATH: process.env.PATH, KBS_SIM_ROOT: root });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /failed to load kubelet config file, path: \/var\/lib\/kubelet\/config\.yaml/);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
