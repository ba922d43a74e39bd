/**
 * The first node roles of the cluster playbook (roles/preflight, roles/container_runtime,
 * roles/kube_binaries) on real Debian 12 machines (the fleet, id "noderoles1", 2 machines shared
 * by the file's tests), applied by test/fixtures/cluster-node/site.yml with a hand-written
 * kbs_plan (-e @plan.json) and the simulators as the release server: first run changes, second
 * changes nothing; containerd answers on its socket; kubeadm side by side per version; the
 * kubelet unit enabled; sysctls and modules-load persisted; preflight refusals (a port taken, two
 * hosts with one hostname) name the host and the fix; the packages method against a signed
 * repository in pkgs.k8s.io's layout; the same roles under ansible-playbook. Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, ssh, up, writeInventory, type FleetInfo } from '../fleet/index.js';
import { kbs, results, type KbsRun } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const ID = 'noderoles1';
const opts = { id: ID };
const isRoot = process.getuid?.() === 0;
const T = { timeout: 900_000 };
const [M1, M2] = [1, 2].map((i) => `${ID}-${i}`);
const FIX = resolve('test/fixtures/cluster-node');
const ROLES = resolve('roles');
// Ansible's apt module needs python3-apt on the host: the fleet repository must offer it
process.env.KBS_FLEET_EXTRA_PACKAGES = [process.env.KBS_FLEET_EXTRA_PACKAGES ?? '', 'python3-apt'].join(' ').trim();

const work = mkdtempSync(join(tmpdir(), 'kbs-cluster-node-'));
const releaseDir = join(work, 'release');
const inv = join(work, 'inv.yml');
let info: FleetInfo;
let OLD = '';
let NEW = '';
let planN = 0;

async function sh(host: string, cmd: string): Promise<string> {
  const r = await ssh(host, cmd, { ...opts, timeoutSec: 60 });
  assert.equal(r.rc, 0, `${host}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

interface NodePlan { role: 'control_plane' | 'worker'; action: 'init' | 'join' | 'none'; kubeadm: string; kubelet: string; reset?: boolean }

/** a kbs_plan as docs/cluster.md describes it, written to a file for -e @FILE */
function planFile(nodes: Record<string, NodePlan>, extra: Record<string, unknown> = {}): string {
  const ip = (h: string) => info.machines.find((m) => m.name === h)!.ip;
  const kbs_plan = {
    cluster: 'k-test',
    kubernetes_version: nodes[M1].kubeadm,
    kubeadm_version: nodes[M1].kubeadm,
    init_host: M1,
    endpoint: `${ip(M1)}:6443`,
    nodes: Object.fromEntries(Object.entries(nodes).map(([h, n]) => [h, {
      role: n.role, action: n.action, kubeadm_version: n.kubeadm, kubelet_version: n.kubelet, kubectl_version: n.kubelet,
      node_ip: ip(h), reason: 'hand-written plan of the test', ...(n.reset ? { reset: true } : {}),
    }])),
  };
  const f = join(work, `plan${++planN}.json`);
  writeFileSync(f, JSON.stringify({ kbs_plan, kube_download_base: info.releaseUrl, ...extra }));
  return f;
}

const fresh = (): Record<string, NodePlan> => ({
  [M1]: { role: 'control_plane', action: 'init', kubeadm: OLD, kubelet: OLD },
  [M2]: { role: 'worker', action: 'join', kubeadm: OLD, kubelet: OLD },
});

function apply(plan: string, playbook = 'site.yml', flags: string[] = []): Promise<KbsRun> {
  return kbs(['run', join(FIX, playbook), '-i', inv, '-e', `@${plan}`, ...flags]);
}

function changedTasks(run: KbsRun, host: string): string[] {
  return results(run).filter((r) => r.host === host && r.status === 'changed').map((r) => r.task);
}

function failure(run: KbsRun, host: string): string {
  const f = results(run).find((r) => r.host === host && r.status === 'failed');
  assert.ok(f, `${host} did not fail:\n${run.stdout.slice(-3000)}`);
  return String(f.result.msg);
}

/** the pause image the kubeadm of version V expects (kubeadm's constants.go, PauseVersion) */
function pauseFor(v: string): string {
  const minor = Number(v.split('.')[1]);
  return minor >= 34 ? '3.10.1' : minor >= 31 ? '3.10' : '3.9';
}

const semverKey = (v: string) => v.slice(1).split('.').map((x) => x.padStart(4, '0')).join('.');

/**
 * A signed apt repository in pkgs.k8s.io's layout under the release tree:
 * core:/stable:/vX.Y/deb/{Packages,Release,InRelease,Release.key} with kubelet and kubectl
 * packages (VERSION-1.1) that carry the simulators, as the real ones carry the binaries.
 */
function buildPackageRepo(versions: string[]): void {
  const gnupg = join(work, 'gnupg');
  mkdirSync(gnupg, { recursive: true, mode: 0o700 });
  const gpg = (...a: string[]) => execFileSync('gpg', ['--batch', '--homedir', gnupg, '--pinentry-mode', 'loopback', '--passphrase', '', ...a], { stdio: ['ignore', 'pipe', 'pipe'] });
  gpg('--quick-gen-key', 'kbs test packages <kbs@example.invalid>', 'ed25519', 'sign', 'never');
  const key = gpg('--armor', '--export');
  for (const v of versions) {
    const minor = v.slice(1).split('.').slice(0, 2).join('.');
    const repo = join(releaseDir, 'core:', 'stable:', `v${minor}`, 'deb');
    mkdirSync(repo, { recursive: true });
    for (const tool of ['kubelet', 'kubectl']) {
      const root = join(work, 'debs', `${tool}-${v}`);
      mkdirSync(join(root, 'DEBIAN'), { recursive: true });
      mkdirSync(join(root, 'usr/bin'), { recursive: true });
      copyFileSync(join(releaseDir, 'release', v, 'bin/linux/amd64', tool), join(root, 'usr/bin', tool));
      if (tool === 'kubelet') {
        mkdirSync(join(root, 'usr/lib/systemd/system'), { recursive: true });
        writeFileSync(join(root, 'usr/lib/systemd/system/kubelet.service'), '[Unit]\nDescription=kubelet: The Kubernetes Node Agent\n\n[Service]\nExecStart=/usr/bin/kubelet\nRestart=always\nStartLimitInterval=0\nRestartSec=10\n\n[Install]\nWantedBy=multi-user.target\n');
      }
      writeFileSync(join(root, 'DEBIAN/control'), `Package: ${tool}\nVersion: ${v.slice(1)}-1.1\nArchitecture: amd64\nMaintainer: kbs <kbs@example.invalid>\nDescription: ${tool} simulator (kbs tests)\n`);
      execFileSync('dpkg-deb', ['--build', '--root-owner-group', root, join(repo, `${tool}_${v.slice(1)}-1.1_amd64.deb`)], { stdio: 'ignore' });
    }
    const packages = execFileSync('dpkg-scanpackages', ['-m', '.', '/dev/null'], { cwd: repo, stdio: ['ignore', 'pipe', 'ignore'] });
    writeFileSync(join(repo, 'Packages'), packages);
    const sha = execFileSync('sha256sum', [join(repo, 'Packages')]).toString().split(' ')[0];
    writeFileSync(join(repo, 'Release'), `Origin: kbs-test\nLabel: kbs-test\nDate: ${new Date().toUTCString()}\nSHA256:\n ${sha} ${packages.length} Packages\n`);
    rmSync(join(repo, 'InRelease'), { force: true });
    gpg('--clearsign', '--digest-algo', 'SHA256', '-o', join(repo, 'InRelease'), join(repo, 'Release'));
    writeFileSync(join(repo, 'Release.key'), key);
  }
}

describe('node roles on the fleet', { skip: isRoot ? false : 'needs root' }, () => {
  before(async () => {
    execFileSync('bash', ['test/sim/build.sh', releaseDir], { stdio: 'ignore' });
    const versions = readdirSync(join(releaseDir, 'release')).filter((v) => /^v\d+\.\d+\.\d+$/.test(v)).sort((a, b) => semverKey(a).localeCompare(semverKey(b)));
    assert.ok(versions.length >= 2, `the simulators built fewer than two versions: ${versions}`);
    // the newest, and an older one whose kubeadm wants another pause image when there is one
    NEW = versions[versions.length - 1];
    OLD = versions.filter((v) => pauseFor(v) !== pauseFor(NEW)).pop() ?? versions[versions.length - 2];
    buildPackageRepo([OLD, NEW]);
    info = await up(2, { ...opts, releaseDir, replace: true });
    await writeInventory(inv, {}, opts);
  }, T);

  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('check mode on fresh machines changes nothing', T, async () => {
    const r = await apply(planFile(fresh()), 'site.yml', ['--check']);
    assert.equal(r.code, 0, r.stdout.slice(-3000));
    assert.ok(r.recap[M1].changed > 0);
    assert.equal((await ssh(M1, 'test -e /etc/containerd/config.toml || test -e /usr/local/bin/kubeadm || test -e /etc/sysctl.d/99-kubernetes.conf', opts)).rc, 1, 'check mode wrote files');
  });

  test('first run converges both nodes, the second changes nothing; the machines hold the result', T, async () => {
    const plan = planFile(fresh());
    const r1 = await apply(plan);
    assert.equal(r1.code, 0, r1.stdout.slice(-4000));
    for (const h of [M1, M2]) {
      const ch = changedTasks(r1, h);
      for (const t of ['containerd installed', 'containerd configuration', 'kubeadm of the plan', 'kubelet of the plan', 'kubelet enabled', 'Kernel parameters at boot', 'Load the kernel modules at boot']) {
        assert.ok(ch.includes(t), `${h}: "${t}" not changed (${ch.join(', ')})`);
      }
    }
    const r2 = await apply(plan);
    assert.equal(r2.code, 0, r2.stdout.slice(-3000));
    for (const h of [M1, M2]) assert.equal(r2.recap[h].changed, 0, `${h}: ${changedTasks(r2, h).join(', ')}`);

    for (const h of [M1, M2]) {
      assert.match(await sh(h, 'ctr --address /run/containerd/containerd.sock version'), /Server:\n\s+Version:\s+1\.\d+/);
      assert.equal((await sh(h, 'kubeadm version -o short')).trim(), OLD);
      assert.equal((await sh(h, 'readlink /usr/local/bin/kubeadm')).trim(), `/usr/local/lib/kbs/kubeadm/${OLD}/kubeadm`);
      assert.match(await sh(h, '/usr/local/bin/kubelet --version'), new RegExp(`Kubernetes ${OLD.replace(/\./g, '\\.')}`));
      assert.equal((await sh(h, 'systemctl is-enabled kubelet')).trim(), 'enabled');
      assert.match(await sh(h, 'systemctl cat kubelet'), /ExecStart=\/usr\/local\/bin\/kubelet \$KUBELET_KUBECONFIG_ARGS \$KUBELET_CONFIG_ARGS \$KUBELET_KUBEADM_ARGS \$KUBELET_EXTRA_ARGS/);
      assert.equal(await sh(h, 'sysctl -n net.ipv4.ip_forward net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables'), '1\n1\n1\n');
      assert.equal(await sh(h, 'cat /etc/modules-load.d/k8s.conf'), 'overlay\nbr_netfilter\n');
      assert.match(await sh(h, 'cat /etc/sysctl.d/99-kubernetes.conf'), /^net\.ipv4\.ip_forward = 1\nnet\.bridge\.bridge-nf-call-iptables = 1\nnet\.bridge\.bridge-nf-call-ip6tables = 1\n$/m);
      const toml = await sh(h, 'cat /etc/containerd/config.toml');
      assert.match(toml, /^version = 2$/m);
      assert.match(toml, /^\s+SystemdCgroup = true$/m);
      assert.match(toml, new RegExp(`sandbox_image = "registry\\.k8s\\.io/pause:${pauseFor(OLD).replace(/\./g, '\\.')}"`));
      assert.match(await sh(h, 'cat /etc/crictl.yaml'), /^runtime-endpoint: unix:\/\/\/run\/containerd\/containerd\.sock$/m);
      // the running containerd took the configuration (its CRI plugin reports the sandbox image)
      assert.match(await sh(h, 'journalctl -u containerd --no-pager | grep "Start cri plugin" | tail -1'), new RegExp(`SandboxImage:registry\\.k8s\\.io/pause:${pauseFor(OLD).replace(/\./g, '\\.')} `));
      assert.match(await sh(h, 'PATH=$PATH:/usr/sbin; command -v ip iptables mount nsenter'), /ip\n.*iptables\n.*mount\n.*nsenter\n/);
      // kubeadm below 1.32 also wants conntrack (the fleet's machines come without it)
      if (Number(OLD.split('.')[1]) < 32) assert.match(await sh(h, "dpkg-query -W -f='${db:Status-Abbrev}' conntrack"), /^ii/);
    }
  });

  test('a plan with another kubeadm: installed beside the old one, the symlink follows; kubelet stays', T, async () => {
    const nodes = fresh();
    nodes[M2] = { ...nodes[M2], kubeadm: NEW };
    const plan = planFile(nodes);
    const oldSha = await sh(M2, `sha256sum /usr/local/lib/kbs/kubeadm/${OLD}/kubeadm`);
    const r = await apply(plan);
    assert.equal(r.code, 0, r.stdout.slice(-3000));
    assert.deepEqual(changedTasks(r, M1), []);
    const ch = changedTasks(r, M2);
    for (const t of ['kubeadm of the plan', 'kubeadm in use (/usr/local/bin/kubeadm)']) assert.ok(ch.includes(t), `${t}: ${ch}`);
    assert.ok(!ch.includes('kubelet of the plan'), 'the kubelet was downloaded again');
    assert.equal((await sh(M2, 'kubeadm version -o short')).trim(), NEW);
    assert.equal((await sh(M2, `/usr/local/lib/kbs/kubeadm/${OLD}/kubeadm version -o short`)).trim(), OLD, 'the older kubeadm is gone');
    assert.equal(await sh(M2, `sha256sum /usr/local/lib/kbs/kubeadm/${OLD}/kubeadm`), oldSha);
    assert.match(await sh(M2, '/usr/local/bin/kubelet --version'), new RegExp(OLD.replace(/\./g, '\\.')));
    // the sandbox image follows the node's kubeadm; containerd restarted by its handler
    if (pauseFor(NEW) !== pauseFor(OLD)) {
      assert.ok(ch.includes('containerd configuration'));
      assert.ok(results(r).some((e) => e.host === M2 && e.task === 'Restart containerd' && e.status === 'changed'), 'no restart');
      assert.match(await sh(M2, 'journalctl -u containerd --no-pager | grep "Start cri plugin" | tail -1'), new RegExp(`pause:${pauseFor(NEW).replace(/\./g, '\\.')} `));
    }
    const again = await apply(plan);
    assert.equal(again.recap[M2].changed, 0, changedTasks(again, M2).join(', '));
  });

  test('dual-stack: IPv6 forwarding on and persisted', T, async () => {
    const plan = planFile(fresh(), { pod_subnet: ['10.244.0.0/16', 'fd00:10:244::/56'], service_subnet: ['10.96.0.0/12', 'fd00:10:96::/112'] });
    const r = await apply(plan, 'preflight.yml');
    assert.equal(r.code, 0, r.stdout.slice(-3000));
    assert.ok(changedTasks(r, M1).includes('Apply the kernel parameters'));
    assert.equal((await sh(M1, 'sysctl -n net.ipv6.conf.all.forwarding')).trim(), '1');
    assert.match(await sh(M1, 'cat /etc/sysctl.d/99-kubernetes.conf'), /^net\.ipv6\.conf\.all\.forwarding = 1$/m);
    assert.equal((await apply(plan, 'preflight.yml')).recap[M1].changed, 0);
  });

  test('preflight: swap lines of /etc/fstab commented out once; other lines kept', T, async () => {
    await sh(M1, 'cp /etc/fstab /root/fstab.orig && printf "/swapfile none swap sw 0 0\\nUUID=x /data ext4 defaults 0 2\\n" >> /etc/fstab');
    try {
      const plan = planFile(fresh());
      const r = await apply(plan, 'preflight.yml');
      assert.equal(r.code, 0, r.stdout.slice(-3000));
      assert.ok(changedTasks(r, M1).includes('Swap off at boot (swap lines of /etc/fstab commented out)'));
      assert.equal(await sh(M1, 'tail -2 /etc/fstab'), '# /swapfile none swap sw 0 0\nUUID=x /data ext4 defaults 0 2\n');
      assert.equal((await apply(plan, 'preflight.yml')).recap[M1].changed, 0);
    } finally {
      await sh(M1, 'cp /root/fstab.orig /etc/fstab');
    }
  });

  test('preflight: a port in use on a node to be joined fails, naming host, port and holder; a built node passes', T, async () => {
    await sh(M2, 'systemd-run --unit kbs-port-10250 python3 -m http.server 10250 >/dev/null 2>&1; for i in $(seq 50); do ss -Hltn | grep -q ":10250 " && exit 0; sleep 0.1; done; exit 1');
    try {
      const r = await apply(planFile(fresh()), 'preflight.yml');
      assert.equal(r.code, 2);
      assert.equal(r.recap[M1].failed, 0, 'the control plane has its ports free');
      const msg = failure(r, M2);
      assert.match(msg, new RegExp(`^${M2}: TCP port 10250 already in use \\(\\S+:10250 users:\\(\\("python3"`));
      assert.match(msg, /kubeadm join needs 10250 free on this worker/);
      assert.match(msg, /ss -ltnp/);
      // a reset planned first frees only what the node's kubelet or pods hold: another program still fails
      const resetFirst = fresh();
      resetFirst[M2] = { ...resetFirst[M2], reset: true };
      const again = await apply(planFile(resetFirst), 'preflight.yml');
      assert.equal(again.code, 2);
      assert.match(failure(again, M2), /TCP port 10250 already in use/);
      const built = fresh();
      built[M2] = { ...built[M2], action: 'none' };
      const ok = await apply(planFile(built), 'preflight.yml');
      assert.equal(ok.code, 0, 'a node already part of the cluster holds its own ports');
    } finally {
      await sh(M2, 'systemctl stop kbs-port-10250');
    }
  });

  test('preflight: two hosts with one hostname both fail, each naming the other; a host outside the plan fails', T, async () => {
    await sh(M2, `hostname ${M1}`);
    try {
      const r = await apply(planFile(fresh()), 'preflight.yml');
      assert.equal(r.code, 2);
      assert.match(failure(r, M1), new RegExp(`^${M1} and ${M2} have the same hostname "${M1}"`));
      assert.match(failure(r, M2), new RegExp(`^${M2} and ${M1} have the same hostname "${M1}".*hostnamectl set-hostname`, 's'));
    } finally {
      await sh(M2, `hostname ${M2}`);
    }
    const only1 = fresh();
    delete only1[M2];
    const r = await apply(planFile(only1), 'preflight.yml');
    assert.match(failure(r, M2), new RegExp(`^${M2} is not a node of kbs_plan`));
    assert.equal(r.recap[M1].failed, 0);
  });

  test('packages method: per-minor signed repository, kubelet/kubectl pinned and held, kubeadm still side by side', T, async () => {
    const nodes = fresh();
    nodes[M1] = { ...nodes[M1], kubelet: OLD, kubeadm: NEW };
    const base = `${info.releaseUrl}/core:/stable:`;
    const plan = planFile(nodes, { kube_install_method: 'packages', kube_packages_base: base });
    const chk = await kbs(['run', join(FIX, 'site.yml'), '-i', inv, '-l', M1, '-e', `@${plan}`, '--check', '--diff']);
    assert.equal(chk.code, 0, chk.stdout.slice(-3000));
    const minor = OLD.slice(1).split('.').slice(0, 2).join('.');
    const line = `deb [signed-by=/etc/apt/keyrings/kubernetes-v${minor}.asc] ${base}/v${minor}/deb/ /`;
    const repoRes = results(chk, 'Kubernetes package repository per minor').filter((e) => e.host === M1);
    assert.equal(repoRes.length, 1);
    assert.equal(repoRes[0].status, 'changed');
    const items = repoRes[0].result.results as { item: string; diff: { after: string }[] }[];
    assert.deepEqual(items.map((i) => [i.item, i.diff[0].after]), [[minor, `${line}\n`]], 'one repository: kubelet and kubectl share a minor');

    const r = await kbs(['run', join(FIX, 'site.yml'), '-i', inv, '-l', M1, '-e', `@${plan}`]);
    assert.equal(r.code, 0, r.stdout.slice(-4000));
    assert.equal(await sh(M1, `cat /etc/apt/sources.list.d/kubernetes-v${minor}.list`), `${line}\n`);
    const v = OLD.slice(1);
    assert.equal(await sh(M1, `dpkg-query -W -f='\${db:Status-Abbrev}\${Version}\\n' kubelet kubectl`), `hi ${v}-1.1\nhi ${v}-1.1\n`);
    assert.match(await sh(M1, 'kubelet --version; kubectl version --client'), new RegExp(`Kubernetes ${OLD.replace(/\./g, '\\.')}\nClient Version: ${OLD.replace(/\./g, '\\.')}`));
    assert.equal(await sh(M1, 'command -v kubelet kubectl'), '/usr/bin/kubelet\n/usr/bin/kubectl\n', 'the binary method\'s copies are gone');
    assert.match(await sh(M1, 'systemctl cat kubelet'), /ExecStart=\/usr\/bin\/kubelet \$KUBELET_KUBECONFIG_ARGS/);
    assert.equal((await sh(M1, 'kubeadm version -o short')).trim(), NEW);
    assert.equal((await sh(M1, 'systemctl is-enabled kubelet')).trim(), 'enabled');
    const again = await kbs(['run', join(FIX, 'site.yml'), '-i', inv, '-l', M1, '-e', `@${plan}`]);
    assert.equal(again.recap[M1].changed, 0, changedTasks(again, M1).join(', '));
  });

  test('the same roles under ansible-playbook: converged nodes stay unchanged; a changed plan converges', T, async () => {
    const env = { ANSIBLE_ROLES_PATH: ROLES };
    const plan = planFile(fresh());
    const a = await ansiblePlaybook(['-i', inv, join(FIX, 'site.yml'), '-l', M2, '-e', `@${plan}`], work, env);
    assert.equal(a.code, 0, a.out.slice(-4000));
    const nodes = fresh();
    nodes[M2] = { ...nodes[M2], kubeadm: NEW };
    const b = await ansiblePlaybook(['-i', inv, join(FIX, 'site.yml'), '-l', M2, '-e', `@${planFile(nodes)}`], work, env);
    assert.equal(b.code, 0, b.out.slice(-4000));
    assert.equal((await sh(M2, 'kubeadm version -o short')).trim(), NEW);
    const c = await ansiblePlaybook(['-i', inv, join(FIX, 'site.yml'), '-l', M2, '-e', `@${planFile(nodes)}`], work, env);
    assert.equal(parseRecap(c.out)[M2]?.changed, 0, c.out.slice(-4000));
    assert.equal((await apply(planFile(nodes), 'site.yml', ['-l', M2])).recap[M2].changed, 0, 'kbs sees what ansible-playbook left as converged');
  });

  test('kubeadm init and join succeed on nodes the roles prepared; then a plan with action none changes nothing', T, async () => {
    const nodes: Record<string, NodePlan> = {
      [M1]: { role: 'control_plane', action: 'init', kubeadm: NEW, kubelet: NEW },
      [M2]: { role: 'worker', action: 'join', kubeadm: NEW, kubelet: NEW },
    };
    const r = await apply(planFile(nodes));
    assert.equal(r.code, 0, r.stdout.slice(-3000));
    const ip1 = info.machines.find((m) => m.name === M1)!.ip;
    const init = await ssh(M1, `KBS_SIM_KEY_ALGORITHM=ECDSA-P256 kubeadm init --kubernetes-version ${NEW} --apiserver-advertise-address ${ip1}`, { ...opts, timeoutSec: 120 });
    assert.equal(init.rc, 0, `kubeadm init failed on the prepared node:\n${init.stderr.slice(-2000)}`);
    assert.equal((await sh(M1, 'systemctl is-active kubelet')).trim(), 'active', 'kubeadm started the kubelet through the unit and drop-in');
    const join = (await sh(M1, 'kubeadm token create --print-join-command')).trim();
    const j = await ssh(M2, join, { ...opts, timeoutSec: 120 });
    assert.equal(j.rc, 0, `kubeadm join failed on the prepared node:\n${j.stderr.slice(-2000)}`);
    assert.match(await sh(M1, 'kubectl --kubeconfig /etc/kubernetes/admin.conf get nodes -o name'), new RegExp(`node/${M2}`));

    const built = { [M1]: { ...nodes[M1], action: 'none' as const }, [M2]: { ...nodes[M2], action: 'none' as const } };
    const again = await apply(planFile(built));
    assert.equal(again.code, 0, again.stdout.slice(-3000));
    for (const h of [M1, M2]) assert.equal(again.recap[h].changed, 0, `${h}: ${changedTasks(again, h).join(', ')}`);
    // a plan that still says init meets the cluster's own apiserver on 6443
    const stale = await apply(planFile(nodes), 'preflight.yml');
    assert.match(failure(stale, M1), new RegExp(`^${M1}: TCP ports? [\\d, ]*\\b6443\\b[\\d, ]* already in use .*this node already ran kubeadm`, 's'));
  });
});
