/**
 * uri's client_cert / client_key / ca_path against an HTTPS server that requires a client
 * certificate (openssl s_server, certificates made by openssl for the test), run by
 * ansible-playbook 2.14 and by `kbs run` on the workstation (connection local): the same status
 * with the certificate (200) and the same failure without it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { compareLocal } from '../helpers/compare-local.js';

let dir: string;
let server: ChildProcess | undefined;
let port = 0;

const freePort = () =>
  new Promise<number>((res) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
const listening = (p: number) =>
  new Promise<boolean>((res) => {
    const c = connect(p, '127.0.0.1');
    c.once('connect', () => (c.destroy(), res(true)));
    c.once('error', () => res(false));
  });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-uri-cert-'));
  const ssl = (...a: string[]) => execFileSync('openssl', a, { cwd: dir, stdio: 'ignore' });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=kbs-test-ca');
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [n, extra] of [['srv', ['-extfile', 'san.ext']], ['cli', []]] as const) {
    ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${n}.key`, '-out', `${n}.csr`, '-subj', `/CN=${n}`);
    ssl('x509', '-req', '-in', `${n}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${n}.crt`, '-days', '2', ...extra);
  }
  port = await freePort();
  server = spawn('openssl', ['s_server', '-accept', String(port), '-www', '-cert', 'srv.crt', '-key', 'srv.key', '-CAfile', 'ca.crt', '-Verify', '1', '-verify_return_error', '-quiet'], { cwd: dir, stdio: 'ignore' });
  for (let i = 0; i < 50 && !(await listening(port)); i++) await sleep(100);
});
after(() => {
  server?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('uri with client_cert/client_key gets 200 where ansible-playbook does; without them both fail', async () => {
  writeFileSync(join(dir, 'inv.ini'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
  writeFileSync(
    join(dir, 'uri.yml'),
    `- hosts: all
  gather_facts: false
  tasks:
    - name: with a client certificate
      uri: {url: "https://127.0.0.1:${port}/", client_cert: ${dir}/cli.crt, client_key: ${dir}/cli.key, ca_path: ${dir}/ca.crt}
      register: r1
    - name: without
      uri: {url: "https://127.0.0.1:${port}/", ca_path: ${dir}/ca.crt}
      ignore_errors: true
      register: r2
    - name: show
      debug: {msg: "{{ r1.status }} {{ r2.failed }} {{ r2.status | default('') }}"}
`,
  );
  const c = await compareLocal(dir, 'uri.yml', 'inv.ini');
  assert.equal(c.kbsCode, 0, c.kbsOut.slice(-3000));
  // (msg: Ansible says "OK (unknown bytes)" without a Content-Length, kbs counts the bytes)
  assert.deepEqual(c.kbs.show, c.ansible.show, c.ansibleOut.slice(-3000));
  for (const side of [c.kbs, c.ansible]) assert.match(String(side['with a client certificate'].h1), /^OK /);
  // the failure's wording comes from curl in kbs and from Python's ssl module in Ansible
  for (const side of [c.kbs, c.ansible]) assert.match(String(side.without.h1), /^Status code was -1 and not \[200\]: .*certificate required/);
  assert.equal(c.kbs.show.h1, '200 True -1');
});

test('get_url with client_cert/client_key downloads where ansible-playbook does; without them both fail', async () => {
  writeFileSync(join(dir, 'inv.ini'), 'h1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n');
  // a new destination for each tool's run (the server's page differs from one connection to the next);
  // validate_certs: false, as get_url of ansible-core 2.14 has no ca_path (kbs accepts it, as uri)
  writeFileSync(
    join(dir, 'get_url.yml'),
    `- hosts: all
  gather_facts: false
  vars:
    dest: "{{ lookup('pipe', 'mktemp -u ${dir}/got.XXXXXX') }}"
  tasks:
    - name: with a client certificate
      get_url: {url: "https://127.0.0.1:${port}/", dest: "{{ dest }}", client_cert: ${dir}/cli.crt, client_key: ${dir}/cli.key, validate_certs: false}
      register: g1
    - name: without
      get_url: {url: "https://127.0.0.1:${port}/", dest: "{{ dest }}.2", validate_certs: false}
      ignore_errors: true
      register: g2
    - name: show
      debug: {msg: "{{ g1.changed }} {{ g1.status_code }} {{ g1.msg }} {{ lookup('file', g1.dest) is search('s_server') }} {{ g2.failed }} {{ g2.dest is exists }}"}
`,
  );
  const c = await compareLocal(dir, 'get_url.yml', 'inv.ini');
  assert.equal(c.kbsCode, 0, c.kbsOut.slice(-3000));
  assert.equal(c.ansibleCode, 0, c.ansibleOut.slice(-3000));
  assert.deepEqual(c.kbs.show, c.ansible.show, `${c.kbsOut.slice(-2000)}\n${c.ansibleOut.slice(-2000)}`);
  assert.match(String(c.kbs.show.h1), /^True 200 OK .* True True False$/);
});
