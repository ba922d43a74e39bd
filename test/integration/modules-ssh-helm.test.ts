/**
 * kubernetes.core.helm and kubernetes.core.helm_repository through `kbs run` over a real sshd,
 * with the helm simulator (test/sim/helm/helm) as the host's helm and a chart repository served
 * here over HTTP (index.yaml). Each host has its own simulated cluster and helm config
 * (KBS_SIM_ROOT, HELM_REPOSITORY_CONFIG/CACHE in the task environment); `asuser` reaches it
 * through sudo. Checked: first run changed, second unchanged, check mode changes nothing, a
 * values or chart version change upgrades, absent uninstalls, and the failures' messages.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { kbs, type KbsRun } from '../helpers/kbs.js';
import { HOSTS, one, startHosts, stopHosts, type SshdHosts } from './modules-ssh-shared.js';

let h: SshdHosts | undefined;
let server: Server | undefined;
let port = 0;
/** chart name -> versions the served repository lists (tests add versions) */
const served: Record<string, { version: string; appVersion: string }[]> = {
  demo: [
    { version: '1.0.0', appVersion: '1.0' },
    { version: '1.1.0', appVersion: '1.1' },
  ],
};
let requests: { url: string; auth?: string }[] = [];

function indexYaml(): string {
  const lines = ['apiVersion: v1', 'entries:'];
  for (const [name, versions] of Object.entries(served)) {
    lines.push(`  ${name}:`);
    for (const v of versions) lines.push(`  - apiVersion: v2`, `    name: ${name}`, `    version: ${v.version}`, `    appVersion: "${v.appVersion}"`, `    urls: [charts/${name}-${v.version}.tgz]`);
  }
  return lines.join('\n') + '\ngenerated: "2024-01-01T00:00:00Z"\n';
}

before(async () => {
  h = await startHosts('helm');
  server = createServer((req, res) => {
    requests.push({ url: req.url ?? '', auth: req.headers.authorization });
    if (req.url === '/charts/index.yaml' || req.url === '/mirror/index.yaml') {
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end(indexYaml());
    } else {
      res.writeHead(404);
      res.end('not found');
    }
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
  mkdirSync(join(h.work, 'bin'));
  copyFileSync(resolve('test/sim/helm/helm'), join(h.work, 'bin', 'helm'));
  chmodSync(join(h.work, 'bin', 'helm'), 0o755);
  mkdirSync(join(h.work, 'chart'));
  writeFileSync(join(h.work, 'chart', 'Chart.yaml'), 'apiVersion: v2\nname: local\nversion: 0.3.0\nappVersion: "7.1"\n');
  writeFileSync(join(h.work, 'extra.yml'), 'replicas: 3\nimage: {tag: v2}\n');
  chmodSync(h.work, 0o755);
});
after(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await stopHosts(h?.sshd, h?.work);
});

let n = 0;
/** Run TASKS (YAML text, indented for `tasks:`) on every host; each host has its own helm state under WORK/HOST. */
async function play(tasks: string, extra: string[] = []): Promise<KbsRun> {
  const file = join(h!.work, `play${++n}.yml`);
  writeFileSync(file, [
    '- hosts: targets',
    '  gather_facts: false',
    '  vars:',
    `    helm: ${h!.work}/bin/helm`,
    `    repo: http://127.0.0.1:${port}/charts`,
    `    sim: ${h!.work}/{{ inventory_hostname }}`,
    '  environment:',
    '    KBS_SIM_ROOT: "{{ sim }}"',
    '    HELM_REPOSITORY_CONFIG: "{{ sim }}/repositories.yaml"',
    '    HELM_REPOSITORY_CACHE: "{{ sim }}/cache"',
    '    HELM_SIM_LOG: "{{ sim }}/log.jsonl"',
    '  tasks:',
    tasks,
  ].join('\n'));
  return kbs(['run', file, '-i', h!.inv, ...extra]);
}

const statusOf = (r: KbsRun, task: string) => HOSTS.map((host) => one(r, task, host).status);
const resultOf = (r: KbsRun, task: string, host: string = HOSTS[0]) => one(r, task, host).result;
const repoFile = (host: string) => join(h!.work, host, 'repositories.yaml');
/** the simulated cluster's releases of a host */
function releases(host: string): { name: string; namespace: string; revision: number; status: string; chart: Record<string, string>; values: unknown }[] {
  const f = join(h!.work, host, 'var/lib/kbs-sim/helm.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')).releases : [];
}

const ADD = `
    - name: add
      kubernetes.core.helm_repository: {name: stable, repo_url: "{{ repo }}", binary_path: "{{ helm }}"}`;

test('helm_repository: added, then unchanged; check mode adds nothing; another URL is refused; force_update re-adds; absent removes', async () => {
  const c = await play(ADD, ['--check']);
  assert.equal(c.code, 0, c.stdout.slice(-3000));
  assert.deepEqual(statusOf(c, 'add'), ['changed', 'changed']);
  assert.deepEqual(resultOf(c, 'add'), { changed: true, failed: false });
  for (const host of HOSTS) assert.ok(!existsSync(repoFile(host)), 'check mode wrote no repositories file');

  const r1 = await play(ADD);
  assert.equal(r1.code, 0, r1.stdout.slice(-3000));
  assert.deepEqual(statusOf(r1, 'add'), ['changed', 'changed']);
  const res = resultOf(r1, 'add');
  assert.equal(res.command, `${h!.work}/bin/helm repo add stable http://127.0.0.1:${port}/charts`);
  assert.equal(res.stdout, '"stable" has been added to your repositories\n');
  assert.deepEqual(res.stdout_lines, ['"stable" has been added to your repositories']);
  for (const host of HOSTS) assert.match(readFileSync(repoFile(host), 'utf8'), new RegExp(`url: http://127.0.0.1:${port}/charts`));

  const r2 = await play(ADD);
  assert.deepEqual(statusOf(r2, 'add'), ['ok', 'ok']);
  assert.deepEqual(resultOf(r2, 'add'), { changed: false, failed: false, repo_name: 'stable', repo_url: `http://127.0.0.1:${port}/charts` });

  const other = `
    - name: other url
      kubernetes.core.helm_repository: {name: stable, repo_url: "http://127.0.0.1:${port}/mirror", binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: forced
      kubernetes.core.helm_repository: {name: stable, repo_url: "http://127.0.0.1:${port}/mirror", binary_path: "{{ helm }}", force_update: true}`;
  const r3 = await play(other);
  assert.equal(r3.code, 0, r3.stdout.slice(-3000));
  assert.deepEqual(statusOf(r3, 'other url'), ['ignored', 'ignored']);
  assert.equal(resultOf(r3, 'other url').msg, 'Repository already have a repository named stable');
  assert.deepEqual(statusOf(r3, 'forced'), ['changed', 'changed']);
  assert.match(String(resultOf(r3, 'forced').command), / repo add stable http:\/\/127\.0\.0\.1:\d+\/mirror --force-update$/);
  for (const host of HOSTS) assert.match(readFileSync(repoFile(host), 'utf8'), /\/mirror\n/);
  // force_update always re-adds, as the collection's module does
  const r4 = await play(other.replace('ignore_errors: true', 'ignore_errors: true\n      when: false'));
  assert.deepEqual(statusOf(r4, 'forced'), ['changed', 'changed']);

  const absent = `
    - name: absent
      kubernetes.core.helm_repository: {name: stable, repo_state: absent, binary_path: "{{ helm }}"}`;
  const a1 = await play(absent);
  assert.deepEqual(statusOf(a1, 'absent'), ['changed', 'changed']);
  assert.match(String(resultOf(a1, 'absent').command), / repo rm stable$/);
  for (const host of HOSTS) assert.doesNotMatch(readFileSync(repoFile(host), 'utf8'), /stable/);
  const a2 = await play(absent);
  assert.deepEqual(statusOf(a2, 'absent'), ['ok', 'ok']);
});

test('helm_repository: credentials go to helm on stdin and never appear in the output; an unreachable repository fails with helm\'s message', async () => {
  requests = [];
  const r = await play(`
    - name: private
      kubernetes.core.helm_repository: {name: private, url: "{{ repo }}", username: bob, password: "S3cret-pw", binary_path: "{{ helm }}"}
      register: p
    - name: unreachable
      kubernetes.core.helm_repository: {name: gone, url: "http://127.0.0.1:${port}/nothing-here", binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: no url
      kubernetes.core.helm_repository: {name: nourl, binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: half credentials
      kubernetes.core.helm_repository: {name: half, url: "{{ repo }}", username: bob, binary_path: "{{ helm }}"}
      ignore_errors: true`);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  assert.deepEqual(statusOf(r, 'private'), ['changed', 'changed']);
  assert.match(String(resultOf(r, 'private').command), / repo add private http:\S+ --username=bob --password=\*\*\*\*\*\*$/);
  assert.ok(!r.stdout.includes('S3cret-pw') && !r.stderr.includes('S3cret-pw'), 'the password is not in the output');
  assert.ok(requests.some((q) => q.auth === `Basic ${Buffer.from('bob:S3cret-pw').toString('base64')}`), 'helm used the credentials');
  const un = resultOf(r, 'unreachable');
  assert.match(String(un.msg), /^Failure when executing Helm command\. Exited 1\.\nstdout: \nstderr: Error: looks like "http:\/\/127\.0\.0\.1:\d+\/nothing-here" is not a valid chart repository or cannot be reached: failed to fetch .*404/);
  assert.equal(resultOf(r, 'no url').msg, 'repo_state is present but all of the following are missing: repo_url');
  assert.equal(resultOf(r, 'half credentials').msg, 'parameters are required together: repo_username, repo_password');
});

const INSTALL = (values: string, ns = 'apps') => `
    - name: install
      kubernetes.core.helm:
        name: web
        chart_ref: ${h!.work}/chart
        release_namespace: ${ns}
        create_namespace: true
        values: ${values}
        binary_path: "{{ helm }}"
        wait: true
        timeout: 5m`;

test('helm: installed, then unchanged; a values change upgrades; check mode changes nothing', async () => {
  const c0 = await play(INSTALL('{replicas: 2}'), ['--check']);
  assert.equal(c0.code, 0, c0.stdout.slice(-3000));
  assert.deepEqual(statusOf(c0, 'install'), ['changed', 'changed']);
  assert.deepEqual(resultOf(c0, 'install').status, { values: { current: {}, declared: {} } });
  for (const host of HOSTS) assert.deepEqual(releases(host), [], 'check mode installed nothing');

  const r1 = await play(INSTALL('{replicas: 2}'));
  assert.equal(r1.code, 0, r1.stdout.slice(-3000));
  assert.deepEqual(statusOf(r1, 'install'), ['changed', 'changed']);
  const res = resultOf(r1, 'install');
  assert.match(String(res.command), new RegExp(`^${h!.work}/bin/helm upgrade -i --reset-values --wait --timeout 5m --create-namespace -f=/tmp/\\S+\\.yml web ${h!.work}/chart$`));
  const st = res.status as Record<string, unknown>;
  assert.deepEqual({ ...st, updated: typeof st.updated }, { name: 'web', namespace: 'apps', revision: '1', updated: 'string', status: 'deployed', chart: 'local-0.3.0', app_version: '7.1', values: { replicas: 2 } });
  assert.match(String(res.stdout), /^Release "web" does not exist\. Installing it now\.\nNAME: web\n/);
  const tmp = / -f=(\S+) /.exec(String(res.command))![1];
  assert.ok(!existsSync(tmp), 'the values file was removed');
  for (const host of HOSTS) assert.deepEqual(releases(host).map((x) => [x.namespace, x.revision, x.status, x.values]), [['apps', 1, 'deployed', { replicas: 2 }]]);

  const r2 = await play(INSTALL('{replicas: 2}'));
  assert.deepEqual(statusOf(r2, 'install'), ['ok', 'ok']);
  const res2 = resultOf(r2, 'install');
  assert.deepEqual(res2.warnings, ['The default idempotency check can fail to report changes in certain cases. Install helm diff >= 3.4.1 for better results.']);
  assert.equal(res2.command, `${h!.work}/bin/helm`);
  assert.equal((res2.status as Record<string, unknown>).revision, '1');

  const c1 = await play(INSTALL('{replicas: 5}'), ['--check']);
  assert.deepEqual(statusOf(c1, 'install'), ['changed', 'changed']);
  const cst = resultOf(c1, 'install').status as { values: { current: unknown; declared: Record<string, unknown> } };
  assert.deepEqual(cst.values.current, { replicas: 2 });
  assert.equal(cst.values.declared.chart, 'local-0.3.0');
  for (const host of HOSTS) assert.equal(releases(host).length, 1, 'check mode upgraded nothing');

  const r3 = await play(INSTALL('{replicas: 5}'));
  assert.deepEqual(statusOf(r3, 'install'), ['changed', 'changed']);
  assert.deepEqual((resultOf(r3, 'install').status as Record<string, unknown>).values, { replicas: 5 });
  assert.equal((resultOf(r3, 'install').status as Record<string, unknown>).revision, '2');
  assert.match(String(resultOf(r3, 'install').stdout), /^Release "web" has been upgraded\. Happy Helming!/);
  const r4 = await play(INSTALL('{replicas: 5}'));
  assert.deepEqual(statusOf(r4, 'install'), ['ok', 'ok']);
});

test('helm: repository charts by version, update_repo_cache, values_files, absent', async () => {
  const r = await play(`${ADD}
    - name: v1
      kubernetes.core.helm: {name: app, chart_ref: stable/demo, chart_version: 1.0.0, namespace: default, binary_path: "{{ helm }}"}
    - name: v1 again
      kubernetes.core.helm: {name: app, chart_ref: stable/demo, chart_version: 1.0.0, namespace: default, binary_path: "{{ helm }}"}
    - name: newest
      kubernetes.core.helm: {name: app, chart_ref: stable/demo, namespace: default, binary_path: "{{ helm }}"}
      register: newest
    - name: files
      kubernetes.core.helm: {name: app, chart_ref: stable/demo, namespace: default, values_files: [${h!.work}/extra.yml], binary_path: "{{ helm }}"}
    - name: files again
      kubernetes.core.helm: {name: app, chart_ref: stable/demo, namespace: default, values_files: [${h!.work}/extra.yml], binary_path: "{{ helm }}"}`);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  assert.deepEqual(statusOf(r, 'v1'), ['changed', 'changed']);
  assert.match(String(resultOf(r, 'v1').command), / --version=1\.0\.0 upgrade -i --reset-values app stable\/demo$/);
  assert.equal((resultOf(r, 'v1').status as Record<string, unknown>).chart, 'demo-1.0.0');
  assert.deepEqual(statusOf(r, 'v1 again'), ['ok', 'ok']);
  assert.deepEqual(statusOf(r, 'newest'), ['changed', 'changed']);
  assert.equal((resultOf(r, 'newest').status as Record<string, unknown>).chart, 'demo-1.1.0');
  assert.equal((resultOf(r, 'newest').status as Record<string, unknown>).app_version, '1.1');
  assert.deepEqual(statusOf(r, 'files'), ['changed', 'changed']);
  assert.deepEqual((resultOf(r, 'files').status as Record<string, unknown>).values, { replicas: 3, image: { tag: 'v2' } });
  assert.deepEqual(statusOf(r, 'files again'), ['ok', 'ok']);

  // a new chart version is seen only after the repository cache is updated (Kubespray's "dummy" release trick)
  served.demo.push({ version: '1.2.0', appVersion: '1.2' });
  const newest = `
    - name: newest
      kubernetes.core.helm: {name: app, chart_ref: stable/demo, namespace: default, values_files: [${h!.work}/extra.yml], binary_path: "{{ helm }}"}`;
  const u0 = await play(newest);
  assert.deepEqual(statusOf(u0, 'newest'), ['ok', 'ok']);
  const u1 = await play(`
    - name: refresh
      kubernetes.core.helm: {state: absent, binary_path: "{{ helm }}", release_name: dummy, release_namespace: kube-system, update_repo_cache: true}
${newest}`);
  assert.equal(u1.code, 0, u1.stdout.slice(-3000));
  assert.deepEqual(statusOf(u1, 'refresh'), ['ok', 'ok']);
  assert.deepEqual(statusOf(u1, 'newest'), ['changed', 'changed']);
  assert.equal((resultOf(u1, 'newest').status as Record<string, unknown>).chart, 'demo-1.2.0');

  const absent = `
    - name: absent
      kubernetes.core.helm: {name: app, state: absent, namespace: default, binary_path: "{{ helm }}"}`;
  const ac = await play(absent, ['--check']);
  assert.deepEqual(statusOf(ac, 'absent'), ['changed', 'changed']);
  assert.match(String(resultOf(ac, 'absent').command), / uninstall {2}app$/);
  for (const host of HOSTS) assert.ok(releases(host).some((x) => x.name === 'app'), 'check mode uninstalled nothing');
  const a1 = await play(absent);
  assert.deepEqual(statusOf(a1, 'absent'), ['changed', 'changed']);
  assert.equal(resultOf(a1, 'absent').stdout, 'release "app" uninstalled\n');
  assert.equal(resultOf(a1, 'absent').status, null);
  for (const host of HOSTS) assert.ok(!releases(host).some((x) => x.name === 'app'), 'uninstalled');
  const a2 = await play(absent);
  assert.deepEqual(statusOf(a2, 'absent'), ['ok', 'ok']);
  assert.deepEqual(resultOf(a2, 'absent'), { changed: false, failed: false, status: null, stdout: '', stderr: '', command: `${h!.work}/bin/helm`, stdout_lines: [], stderr_lines: [] });
});

test('helm: kubeconfig as a path or a mapping reaches helm (a mapping as a private temp file, removed afterwards)', async () => {
  writeFileSync(join(h!.work, 'kubeconfig'), 'apiVersion: v1\nkind: Config\n');
  const r = await play(`
    - name: by path
      kubernetes.core.helm: {name: k1, chart_ref: ${h!.work}/chart, namespace: default, kubeconfig: ${h!.work}/kubeconfig, context: ctx1, binary_path: "{{ helm }}"}
    - name: by mapping
      kubernetes.core.helm: {name: k2, chart_ref: ${h!.work}/chart, namespace: default, kubeconfig: {apiVersion: v1, kind: Config, clusters: []}, binary_path: "{{ helm }}"}
    - name: missing kubeconfig
      kubernetes.core.helm: {name: k3, chart_ref: ${h!.work}/chart, namespace: default, kubeconfig: ${h!.work}/nope, binary_path: "{{ helm }}"}
      ignore_errors: true`);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  assert.deepEqual(statusOf(r, 'by path'), ['changed', 'changed']);
  assert.deepEqual(statusOf(r, 'by mapping'), ['changed', 'changed']);
  const log = readFileSync(join(h!.work, HOSTS[0], 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; kubeconfig: string; kube_context: string });
  const k1 = log.filter((l) => l.argv.includes('k1'));
  assert.ok(k1.length > 0 && k1.every((l) => l.kubeconfig === `${h!.work}/kubeconfig` && l.kube_context === 'ctx1'), JSON.stringify(k1));
  const k2 = log.filter((l) => l.argv.includes('k2'));
  assert.ok(k2.length > 0 && k2.every((l) => l.kubeconfig.startsWith('/tmp/') && l.kubeconfig === k2[0].kubeconfig), JSON.stringify(k2));
  assert.ok(!existsSync(k2[0].kubeconfig), 'the temp kubeconfig was removed');
  assert.match(String(resultOf(r, 'missing kubeconfig').msg), /^Failure when executing Helm command\. Exited 1\.\nstdout: \nstderr: Error: Kubernetes cluster unreachable: stat \S+\/nope: no such file or directory\n$/);
});

test('helm: failures carry the collection\'s and helm\'s messages', async () => {
  const r = await play(`
    - name: no namespace
      kubernetes.core.helm: {name: x, chart_ref: ${h!.work}/chart, namespace: nowhere, binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: unknown chart
      kubernetes.core.helm: {name: x, chart_ref: stable/nope, namespace: default, binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: unknown repo
      kubernetes.core.helm: {name: x, chart_ref: nosuch/demo, namespace: default, binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: no binary
      kubernetes.core.helm: {name: x, chart_ref: ${h!.work}/chart, namespace: default}
      environment: {PATH: /usr/bin:/bin}
      ignore_errors: true
    - name: bad binary path
      kubernetes.core.helm: {name: x, chart_ref: ${h!.work}/chart, namespace: default, binary_path: /nonexistent/helm}
      ignore_errors: true
    - name: no release namespace
      kubernetes.core.helm: {name: x, chart_ref: ${h!.work}/chart, binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: no chart
      kubernetes.core.helm: {name: x, namespace: default, binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: both timeouts
      kubernetes.core.helm: {name: x, chart_ref: ${h!.work}/chart, namespace: default, wait_timeout: 1m, timeout: 2m, binary_path: "{{ helm }}"}
      ignore_errors: true
    - name: bad timeout
      kubernetes.core.helm: {name: x, chart_ref: ${h!.work}/chart, namespace: default, timeout: 5x, binary_path: "{{ helm }}"}
      ignore_errors: true`);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  const msg = (t: string) => String(resultOf(r, t).msg);
  for (const t of ['no namespace', 'unknown chart', 'unknown repo', 'no binary', 'bad binary path', 'no release namespace', 'no chart', 'both timeouts', 'bad timeout']) {
    assert.deepEqual(statusOf(r, t), ['ignored', 'ignored'], t);
  }
  assert.equal(msg('no namespace'), 'Failure when executing Helm command. Exited 1.\nstdout: \nstderr: Error: INSTALLATION FAILED: create: failed to create: namespaces "nowhere" not found\n');
  assert.match(msg('unknown chart'), /stderr: Error: chart "nope" matching {2}not found in stable index\. \(try 'helm repo update'\): no chart name found\n$/);
  assert.match(msg('unknown repo'), /stderr: Error: repo nosuch not found\n$/);
  assert.match(msg('no binary'), /^Failed to find required executable "helm" in paths: \/usr\/bin:\/bin(:\/\S+)*$/);
  assert.equal(msg('bad binary path'), "[Errno 2] No such file or directory: b'/nonexistent/helm'");
  assert.equal(msg('no release namespace'), 'missing required arguments: release_namespace');
  assert.equal(msg('no chart'), 'release_state is present but all of the following are missing: chart_ref');
  assert.equal(msg('both timeouts'), 'parameters are mutually exclusive: wait_timeout|timeout');
  assert.match(msg('bad timeout'), /stderr: Error: invalid argument "5x" for "--timeout" flag: time: invalid duration "5x"\n$/);
  assert.equal(resultOf(r, 'unknown chart').command, `${h!.work}/bin/helm show chart stable/nope`);
});

test('Kubespray\'s helm-apps pattern: whole argument mappings from templates, in loops', async () => {
  const tasks = `
    - name: Add Helm repositories
      kubernetes.core.helm_repository: "{{ {'binary_path': helm} | combine(item) }}"
      loop: [{name: kubespray, url: "{{ repo }}"}]
    - name: Update Helm repositories
      kubernetes.core.helm: {state: absent, binary_path: "{{ helm }}", release_name: dummy, release_namespace: kube-system, update_repo_cache: true}
    - name: Install Helm Applications
      kubernetes.core.helm: "{{ {'atomic': true, 'binary_path': helm} | combine({'create_namespace': true, 'wait': true, 'wait_timeout': '5m'}, item) }}"
      loop:
        - {name: approver, namespace: csr, chart_ref: kubespray/demo, chart_version: 1.0.0, values: {bypassDnsResolution: true}}`;
  const r1 = await play(tasks);
  assert.equal(r1.code, 0, r1.stdout.slice(-3000));
  assert.deepEqual(statusOf(r1, 'Add Helm repositories'), ['changed', 'changed']);
  assert.deepEqual(statusOf(r1, 'Install Helm Applications'), ['changed', 'changed']);
  const item = (resultOf(r1, 'Install Helm Applications').results as Record<string, unknown>[])[0];
  assert.match(String(item.command), / --version=1\.0\.0 upgrade -i --reset-values --wait --timeout 5m --atomic --create-namespace -f=\S+ approver kubespray\/demo$/);
  for (const host of HOSTS) assert.ok(releases(host).some((x) => x.name === 'approver' && x.namespace === 'csr' && x.chart.version === '1.0.0'));
  const r2 = await play(tasks);
  assert.deepEqual(statusOf(r2, 'Add Helm repositories'), ['ok', 'ok']);
  assert.deepEqual(statusOf(r2, 'Update Helm repositories'), ['ok', 'ok']);
  assert.deepEqual(statusOf(r2, 'Install Helm Applications'), ['ok', 'ok']);
});

test('helm: with the helm-diff plugin installed, `helm diff upgrade` decides (no warning; its output under --diff)', async () => {
  for (const host of HOSTS) {
    mkdirSync(join(h!.work, host, 'plugins', 'helm-diff'), { recursive: true });
    writeFileSync(join(h!.work, host, 'plugins', 'helm-diff', 'plugin.yaml'), 'name: diff\nversion: 3.8.1\ndescription: Preview helm upgrade changes as a diff\n');
  }
  const t = (replicas: number) => `
    - name: diffed
      kubernetes.core.helm: {name: dweb, chart_ref: ${h!.work}/chart, namespace: default, values: {replicas: ${replicas}}, binary_path: "{{ helm }}"}
      environment: {HELM_PLUGINS: "{{ sim }}/plugins"}`;
  const r1 = await play(t(1));
  assert.deepEqual(statusOf(r1, 'diffed'), ['changed', 'changed']);
  const r2 = await play(t(1));
  assert.deepEqual(statusOf(r2, 'diffed'), ['ok', 'ok']);
  assert.equal(resultOf(r2, 'diffed').warnings, undefined, 'no default-check warning');
  const log = readFileSync(join(h!.work, HOSTS[0], 'log.jsonl'), 'utf8');
  assert.match(log, /"diff", "upgrade", "dweb", "\S+\/chart", "--reset-values", "-f=\/tmp\/\S+\.yml"/);
  const c = await play(t(2), ['--check', '--diff']);
  assert.deepEqual(statusOf(c, 'diffed'), ['changed', 'changed']);
  assert.equal((resultOf(c, 'diffed').diff as Record<string, unknown>).prepared, 'default, dweb, Release (simulated) has changed:\n- replicas: 1\n+ replicas: 2'.replace(/replicas/g, '  replicas'));
  const r3 = await play(t(2));
  assert.deepEqual(statusOf(r3, 'diffed'), ['changed', 'changed']);
  for (const host of HOSTS) assert.deepEqual(releases(host).filter((x) => x.name === 'dweb' && x.status === 'deployed').map((x) => x.values), [{ replicas: 2 }]);
});

test('helm: K8S_AUTH_KUBECONFIG and K8S_AUTH_CONTEXT in the task environment stand in for kubeconfig and context (env_fallback); given options win', async () => {
  writeFileSync(join(h!.work, 'kubeconfig-env'), 'apiVersion: v1\nkind: Config\n');
  const r = await play(`
    - name: from env
      kubernetes.core.helm: {name: e1, chart_ref: ${h!.work}/chart, namespace: default, binary_path: "{{ helm }}"}
      environment: {K8S_AUTH_KUBECONFIG: ${h!.work}/kubeconfig-env, K8S_AUTH_CONTEXT: envctx}
    - name: given wins
      kubernetes.core.helm: {name: e2, chart_ref: ${h!.work}/chart, namespace: default, context: argctx, binary_path: "{{ helm }}"}
      environment: {K8S_AUTH_KUBECONFIG: ${h!.work}/kubeconfig-env, K8S_AUTH_CONTEXT: envctx}`);
  assert.equal(r.code, 0, r.stdout.slice(-3000));
  const log = readFileSync(join(h!.work, HOSTS[1], 'log.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { argv: string[]; kubeconfig: string; kube_context: string });
  const e1 = log.filter((l) => l.argv.includes('e1'));
  assert.ok(e1.length > 0 && e1.every((l) => l.kubeconfig === `${h!.work}/kubeconfig-env` && l.kube_context === 'envctx'), JSON.stringify(e1));
  const e2 = log.filter((l) => l.argv.includes('e2'));
  assert.ok(e2.length > 0 && e2.every((l) => l.kubeconfig === `${h!.work}/kubeconfig-env` && l.kube_context === 'argctx'), JSON.stringify(e2));
});
