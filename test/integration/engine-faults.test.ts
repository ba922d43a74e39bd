/** A connection killed in the middle of a run fails only that host, as unreachable. */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSshd, type Sshd } from '../helpers/sshd.js';
import { kbs, results } from '../helpers/kbs.js';

let a: Sshd;
let b: Sshd;
let work: string;

before(async () => {
  [a, b] = await Promise.all([startSshd(), startSshd()]);
  work = mkdtempSync(join(tmpdir(), 'kbs-faults-'));
});
after(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  rmSync(work, { recursive: true, force: true });
});

test('killing one host connection mid-task: that host is unreachable, the other finishes', async () => {
  const host = (name: string, s: Sshd) =>
    `    ${name}: {ansible_host: 127.0.0.1, ansible_port: ${s.port}, ansible_user: root, ansible_ssh_private_key_file: ${s.clientKey}, ansible_ssh_common_args: "-o UserKnownHostsFile=${s.knownHostsFile}"}`;
  writeFileSync(join(work, 'inv.yml'), ['all:', '  hosts:', host('alive', a), host('victim', b)].join('\n') + '\n');
  writeFileSync(
    join(work, 'pb.yml'),
    '- hosts: all\n  gather_facts: false\n  tasks:\n    - {name: slow, command: "sleep 3"}\n    - {name: after, command: "true"}\n',
  );
  const run = kbs(['run', join(work, 'pb.yml'), '-i', join(work, 'inv.yml')]);
  await new Promise((r) => setTimeout(r, 1500));
  assert.ok(b.killConnections() > 0, 'a connection was there to kill');
  const r = await run;
  assert.equal(r.code, 3, r.stdout.slice(-2000));
  assert.equal(r.recap.victim.unreachable, 1);
  assert.equal(r.recap.victim.failed, 0);
  assert.equal(r.recap.alive.ok, 2);
  assert.equal(r.recap.alive.unreachable, 0);
  assert.deepEqual(results(r, 'after').map((e) => e.host), ['alive']);
});
