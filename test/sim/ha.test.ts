/**
 * HA as stacked etcd makes it: every control plane holds the cluster state, a control-plane join adds
 * a member, `kubeadm reset` removes it (phases/reset: RemoveStackedEtcdMemberFromCluster), writes need
 * a majority of the members. Powering off the first of three control planes does not take the
 * cluster down; losing two of three stops writes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { SimNode, controlPlaneArgs, freePort, initConfig, joinArgs, parseJoin, writeConfig } from './helpers.js';

const nodes: SimNode[] = [];
let cp1: SimNode, cp2: SimNode, cp3: SimNode;
let join: ReturnType<typeof parseJoin>;
let lb: net.Server;
const backends: number[] = [];

async function node(name: string, opts: ConstructorParameters<typeof SimNode>[1] = {}): Promise<SimNode> {
  const n = new SimNode(name, opts);
  nodes.push(n);
  return n.start();
}

/** a TCP balancer in front of the apiservers: the first backend that accepts gets the connection */
function balancer(port: number): Promise<net.Server> {
  const srv = net.createServer((c) => {
    c.on('error', () => undefined);
    const attempt = (i: number) => {
      if (i >= backends.length) return c.destroy();
      const u = net.connect(backends[i], '127.0.0.1');
      u.once('error', () => attempt(i + 1));
      u.once('connect', () => {
        u.on('error', () => c.destroy());
        c.pipe(u).pipe(c);
      });
    };
    attempt(0);
  });
  return new Promise((r) => srv.listen(port, '127.0.0.1', () => r(srv)));
}

function members(n: SimNode): string[] {
  return JSON.parse(n.read('var/lib/kbs-sim/cluster.json')).members.map((m: { name: string }) => m.name);
}

function powerOff(n: SimNode) {
  for (const d of ['kubelet', 'apiserver'] as const) {
    const pid = n.pid(d);
    if (pid) process.kill(pid, 'SIGKILL');
  }
}

before(async () => {
  cp1 = await node('hcp1');
  const lbPort = await freePort();
  backends.push(cp1.port);
  lb = await balancer(lbPort);
  const cfg = writeConfig(cp1, 'init.yaml', initConfig({ node: 'hcp1', port: cp1.port, controlPlaneEndpoint: `127.0.0.1:${lbPort}` }));
  const r = await cp1.run('kubeadm', ['init', '--config', cfg, '--upload-certs']);
  assert.equal(r.code, 0, r.stderr);
  join = parseJoin(r.stdout);
  cp2 = await node('hcp2');
  cp3 = await node('hcp3');
  for (const c of [cp2, cp3]) {
    const j = await c.run('kubeadm', joinArgs(join, c, controlPlaneArgs(c, join.certKey)));
    assert.equal(j.code, 0, j.stderr);
    backends.push(c.port);
  }
});
after(async () => {
  lb?.close();
  for (const n of nodes) await n.destroy();
});

test('every control plane holds the state; a control-plane join adds a member, reset removes it', async () => {
  for (const c of [cp1, cp2, cp3]) assert.deepEqual(members(c), ['hcp1', 'hcp2', 'hcp3'], c.name);
  const cp4 = await node('hcp4');
  const j = await cp4.run('kubeadm', joinArgs(join, cp4, controlPlaneArgs(cp4, join.certKey)));
  assert.equal(j.code, 0, j.stderr);
  assert.deepEqual(members(cp2), ['hcp1', 'hcp2', 'hcp3', 'hcp4']);
  const r = await cp4.run('kubeadm', ['reset', '-f']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Removing this control plane's etcd member/);
  for (const c of [cp1, cp2, cp3]) assert.deepEqual(members(c), ['hcp1', 'hcp2', 'hcp3'], c.name);
  assert.ok(!cp4.exists('var/lib/kbs-sim/cluster.json'));
  // its Node stays, as after any reset
  assert.match((await cp2.kubectl(['get', 'nodes', '-o', 'name'])).stdout, /node\/hcp4/);
});

test('powering off the first control plane of three does not take the cluster down', async () => {
  powerOff(cp1);
  // reads and writes through the endpoint: the balancer now reaches hcp2/hcp3
  const nodesOut = await cp2.kubectl(['get', 'nodes', '-o', 'name']);
  assert.equal(nodesOut.code, 0, nodesOut.stderr);
  const tok = await cp2.run('kubeadm', ['token', 'create', '--ttl', '15m', '--print-join-command']);
  assert.equal(tok.code, 0, tok.stderr);
  const w = await node('hw1');
  const j = await w.run('kubeadm', joinArgs(parseJoin(tok.stdout), w));
  assert.equal(j.code, 0, j.stderr);
  assert.equal((await cp3.kubectl(['wait', '--for=condition=Ready', 'node/hw1', '--timeout=30s'])).code, 0);
  const gone = await cp3.kubectl(['wait', '--for=condition=Ready=Unknown', 'node/hcp1', '--timeout=30s']);
  assert.equal(gone.code, 0, gone.stderr);
});

test('with two of three control planes down, writes fail for want of a majority', async () => {
  powerOff(cp2);
  const r = await cp3.run('kubeadm', ['token', 'create', '--ttl', '15m']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /etcdserver: request timed out/);
});
