/**
 * kubernetes.core.helm and helm_repository: kbs against ansible-playbook 2.14 running the
 * kubernetes.core collection installed beside it, on the same playbook over a real sshd, each
 * against its own copy of the helm simulator's state (test/sim/helm/helm as the host's helm, a
 * chart repository served here). The registered results must be the same, apart from what
 * differs by nature: times, temp file names, Ansible's `invocation`.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { runAnsibleLocal, runKbsLocal } from '../helpers/compare-debug.js';
import { startHosts, stopHosts, USERS, type SshdHosts } from './modules-ssh-shared.js';

let h: SshdHosts | undefined;
let server: Server | undefined;
let port = 0;

function hasCollection(): boolean {
  try {
    return execFileSync('ansible-galaxy', ['collection', 'list', 'kubernetes.core'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).includes('kubernetes.core');
  } catch {
    return false;
  }
}
const HAVE = hasCollection();

before(async () => {
  if (!HAVE) return;
  h = await startHosts('cmphelm', { asroot: USERS.asroot });
  server = createServer((req, res) => {
    if (req.url === '/charts/index.yaml' || req.url === '/mirror/index.yaml') {
      res.writeHead(200, { 'content-type': 'text/yaml' });
      res.end(['apiVersion: v1', 'entries:', '  demo:',
        '  - {apiVersion: v2, name: demo, version: 1.0.0, appVersion: "1.0", urls: [demo-1.0.0.tgz]}',
        '  - {apiVersion: v2, name: demo, version: 1.1.0, appVersion: "1.1", urls: [demo-1.1.0.tgz]}', ''].join('\n'));
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
});
after(async () => {
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  await stopHosts(h?.sshd, h?.work);
});

function playbook(side: string): string {
  const w = h!.work;
  const task = (name: string, body: string, extra = '') => `    - name: ${name}\n      ${body}\n      register: r\n      ignore_errors: true\n${extra}    - set_fact: {out: "{{ out + [r] }}"}\n`;
  return [
    '- hosts: targets',
    '  gather_facts: false',
    '  vars:',
    `    helm: ${w}/bin/helm`,
    `    repo: http://127.0.0.1:${port}/charts`,
    `    sim: ${w}/${side}`,
    '    out: []',
    '  environment:',
    '    KBS_SIM_ROOT: "{{ sim }}"',
    '    HELM_REPOSITORY_CONFIG: "{{ sim }}/repositories.yaml"',
    '    HELM_REPOSITORY_CACHE: "{{ sim }}/cache"',
    '  tasks:',
    task('repo check', 'kubernetes.core.helm_repository: {name: stable, repo_url: "{{ repo }}", binary_path: "{{ helm }}"}', '      check_mode: true\n'),
    task('repo add', 'kubernetes.core.helm_repository: {name: stable, repo_url: "{{ repo }}", binary_path: "{{ helm }}"}'),
    task('repo again', 'kubernetes.core.helm_repository: {name: stable, repo_url: "{{ repo }}", binary_path: "{{ helm }}"}'),
    task('repo other url', `kubernetes.core.helm_repository: {name: stable, repo_url: "http://127.0.0.1:${port}/mirror", binary_path: "{{ helm }}"}`),
    task('repo unreachable', `kubernetes.core.helm_repository: {name: gone, repo_url: "http://127.0.0.1:${port}/none", binary_path: "{{ helm }}"}`),
    task('install check', `kubernetes.core.helm: {name: web, chart_ref: ${w}/chart, namespace: apps, create_namespace: true, values: {replicas: 2}, binary_path: "{{ helm }}"}`, '      check_mode: true\n'),
    task('install', `kubernetes.core.helm: {name: web, chart_ref: ${w}/chart, namespace: apps, create_namespace: true, values: {replicas: 2}, binary_path: "{{ helm }}"}`),
    task('install again', `kubernetes.core.helm: {name: web, chart_ref: ${w}/chart, namespace: apps, create_namespace: true, values: {replicas: 2}, binary_path: "{{ helm }}"}`),
    task('values check', `kubernetes.core.helm: {name: web, chart_ref: ${w}/chart, namespace: apps, values: {replicas: 4}, binary_path: "{{ helm }}"}`, '      check_mode: true\n'),
    task('values', `kubernetes.core.helm: {name: web, chart_ref: ${w}/chart, namespace: apps, values: {replicas: 4}, wait: true, binary_path: "{{ helm }}"}`),
    task('repo chart', 'kubernetes.core.helm: {name: app, chart_ref: stable/demo, chart_version: 1.0.0, namespace: default, binary_path: "{{ helm }}"}'),
    task('repo chart newest', `kubernetes.core.helm: {name: app, chart_ref: stable/demo, namespace: default, values_files: [${w}/extra.yml], binary_path: "{{ helm }}"}`),
    task('repo chart again', `kubernetes.core.helm: {name: app, chart_ref: stable/demo, namespace: default, values_files: [${w}/extra.yml], binary_path: "{{ helm }}"}`),
    task('dummy refresh', 'kubernetes.core.helm: {state: absent, release_name: dummy, release_namespace: kube-system, update_repo_cache: true, binary_path: "{{ helm }}"}'),
    task('no namespace', `kubernetes.core.helm: {name: x, chart_ref: ${w}/chart, namespace: nowhere, binary_path: "{{ helm }}"}`),
    task('unknown chart', 'kubernetes.core.helm: {name: x, chart_ref: stable/nope, namespace: default, binary_path: "{{ helm }}"}'),
    task('bad binary', `kubernetes.core.helm: {name: x, chart_ref: ${w}/chart, namespace: default, binary_path: /nonexistent/helm}`),
    task('no binary', `kubernetes.core.helm: {name: x, chart_ref: ${w}/chart, namespace: default}`, '      environment: {PATH: /usr/bin:/bin}\n'),
    task('absent check', 'kubernetes.core.helm: {name: web, state: absent, namespace: apps, binary_path: "{{ helm }}"}', '      check_mode: true\n'),
    task('absent', 'kubernetes.core.helm: {name: web, state: absent, namespace: apps, binary_path: "{{ helm }}"}'),
    task('absent again', 'kubernetes.core.helm: {name: web, state: absent, namespace: apps, binary_path: "{{ helm }}"}'),
    task('repo absent', 'kubernetes.core.helm_repository: {name: stable, repo_state: absent, binary_path: "{{ helm }}"}'),
    '    - debug: {msg: "{{ out }}"}',
    '',
  ].join('\n');
}

/** what differs by nature: times, temp file names, Ansible's invocation */
function normalize(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => normalize(x, key));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) if (k !== 'invocation' && k !== 'ansible_facts') out[k] = normalize(x, k);
    return out;
  }
  if (typeof v !== 'string') return v;
  if (key === 'updated') return '<time>';
  return v
    .replace(/-f=\/tmp\/\S+\.yml/g, '-f=<values>')
    .replace(/LAST DEPLOYED: [^\n]*/g, 'LAST DEPLOYED: <time>')
    .replace(/in paths: \S+/g, 'in paths: <paths>');
}

test('kbs gives the registered results ansible-playbook gives with the kubernetes.core collection', { skip: !HAVE && 'kubernetes.core is not installed' }, async () => {
  for (const side of ['ansible', 'kbs']) writeFileSync(join(h!.work, `${side}.yml`), playbook(side));
  const a = await runAnsibleLocal(h!.work, ['-i', h!.inv, join(h!.work, 'ansible.yml')]);
  assert.equal(a.code, 0, a.out.slice(-4000));
  const k = await runKbsLocal([join(h!.work, 'kbs.yml'), '-i', h!.inv]);
  assert.equal(k.code, 0, k.out.slice(-4000));
  const want = normalize(a.msgs.asroot[0]) as Record<string, unknown>[];
  const got = normalize(k.msgs.asroot[0]) as Record<string, unknown>[];
  if (process.env.KBS_HELM_CMP_DUMP) writeFileSync(process.env.KBS_HELM_CMP_DUMP, JSON.stringify({ want, got }, null, 1));
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) assert.deepEqual(got[i], want[i], `task ${i + 1}`);
});
