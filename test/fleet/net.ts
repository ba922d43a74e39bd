/**
 * Host networking of a fleet: one bridge with the fleet's /24, one network namespace per machine
 * with a veth pair into the bridge. No NAT and no forwarding: the machines reach each other and
 * the bridge address only.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { KbsError } from '../../src/errors.js';
import { machineIp, macFor, vethNames, type FleetPaths } from './config.js';
import { run, runOk } from './exec.js';

export interface LinkInfo {
  name: string;
  up: boolean;
}

export async function links(): Promise<LinkInfo[]> {
  const r = await run('ip', ['-o', 'link', 'show']);
  const out: LinkInfo[] = [];
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+:\s+([^:@\s]+)[@:]?[^<]*<([^>]*)>/.exec(line);
    if (m) out.push({ name: m[1], up: m[2].split(',').includes('UP') });
  }
  return out;
}

export async function netnsList(): Promise<string[]> {
  const r = await run('ip', ['netns', 'list']);
  return r.stdout
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

/** refuse when another interface already holds an address in the fleet's /24 */
export async function checkSubnetFree(p: FleetPaths): Promise<void> {
  const r = await runOk('ip', ['-4', '-o', 'addr', 'show']);
  for (const line of r.stdout.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+(\d+\.\d+\.\d+)\.\d+\//.exec(line);
    if (m && m[2] === p.subnet && m[1] !== p.bridge) {
      throw new KbsError('LOCK', `the subnet ${p.subnet}.0/24 of fleet "${p.id}" is already used by interface ${m[1]}`, {
        hint: 'another fleet (or something else) uses it: pick another fleet id (KBS_FLEET_ID) or set KBS_FLEET_SUBNET=10.77.N',
      });
    }
  }
}

export async function createBridge(p: FleetPaths): Promise<void> {
  await ipBatch([
    `link add ${p.bridge} type bridge`,
    `addr add ${p.bridgeIp}/24 dev ${p.bridge}`,
    `link set ${p.bridge} up`,
  ]);
  // never route packets that come from the machines (the host's ip_forward may be on)
  writeSysctl(`/proc/sys/net/ipv4/conf/${p.bridge}/forwarding`, '0');
  writeSysctl(`/proc/sys/net/ipv6/conf/${p.bridge}/forwarding`, '0');
}

/** netns NAME with eth0 = IP/24, default route via the bridge; host side enslaved to the bridge */
export async function createMachineNet(p: FleetPaths, i: number, name: string): Promise<void> {
  const { host, peer } = vethNames(p, i);
  await runOk('ip', ['netns', 'add', name]);
  await ipBatch([`link add ${host} type veth peer name ${peer}`, `link set ${peer} netns ${name}`]);
  await ipBatch(
    [
      `link set ${peer} name eth0`,
      `link set eth0 address ${macFor(p, i)}`,
      `addr add ${machineIp(p, i)}/24 dev eth0`,
      'link set lo up',
      'link set eth0 up',
      `route add default via ${p.bridgeIp}`,
    ],
    name,
  );
  await ipBatch([`link set ${host} master ${p.bridge}`, `link set ${host} up`]);
}

export async function setHostVeth(p: FleetPaths, i: number, up: boolean): Promise<void> {
  const { host } = vethNames(p, i);
  if (up) await ipBatch([`link set ${host} master ${p.bridge}`, `link set ${host} up`]);
  else await runOk('ip', ['link', 'set', host, 'down']);
}

export async function deleteNetns(name: string): Promise<void> {
  await run('ip', ['netns', 'delete', name]);
  // a stale file without its bind mount is left behind by a crash between mount and use
  if (existsSync(`/run/netns/${name}`)) {
    await run('umount', ['-l', `/run/netns/${name}`]);
    await run('rm', ['-f', `/run/netns/${name}`]);
  }
}

export async function deleteLink(name: string): Promise<void> {
  await run('ip', ['link', 'delete', name]);
}

async function ipBatch(cmds: string[], netns?: string): Promise<void> {
  const args = netns ? ['-n', netns, '-batch', '-'] : ['-batch', '-'];
  await runOk('ip', args, { input: cmds.join('\n') + '\n' });
}

export function writeSysctl(path: string, value: string): void {
  try {
    writeFileSync(path, value);
  } catch {
    /* not available on this kernel */
  }
}
