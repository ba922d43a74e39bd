/**
 * Remove everything a fleet made — from its state file AND by looking for leftovers by name
 * (processes, netns, links, mounts, folders), so a crashed or killed run is cleaned up too.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { machineIndex, type FleetPaths } from './config.js';
import { sleep } from './exec.js';
import { mountsBelow, umountBelow } from './mounts.js';
import { stopMachine } from './machine.js';
import { deleteLink, deleteNetns, links, netnsList } from './net.js';
import { alive, cmdline, findProcs, signal } from './procs.js';
import { readState } from './state.js';
import { serverMarker } from './server.js';

export interface Leftovers {
  nspawn: { name: string; pid: number }[];
  servers: number[];
  netns: string[];
  links: string[];
  mounts: string[];
  dirs: string[];
}

/** a machine's systemd-nspawn, or its supervisor (machine.ts: `sh -c SCRIPT kbs-fleet-supervisor systemd-nspawn ...`) */
function isNspawnOf(p: FleetPaths, argv: string[]): string | undefined {
  if (!argv[0]?.endsWith('systemd-nspawn') && argv[3] !== 'kbs-fleet-supervisor') return undefined;
  const m = argv.find((a) => a.startsWith('--machine='))?.slice('--machine='.length);
  return m !== undefined && machineIndex(p.id, m) !== undefined ? m : undefined;
}

function containsSeq(argv: string[], seq: string[]): boolean {
  return argv.some((_, i) => seq.every((s, j) => argv[i + j] === s));
}

export async function findLeftovers(p: FleetPaths): Promise<Leftovers> {
  const state = readState(p);
  const nspawn: { name: string; pid: number }[] = [];
  for (const pid of findProcs((argv) => isNspawnOf(p, argv) !== undefined)) {
    const name = isNspawnOf(p, cmdline(pid) ?? []);
    if (name) nspawn.push({ name, pid });
  }
  for (const m of state?.machines ?? []) {
    if (m.pid && alive(m.pid) && !nspawn.some((n) => n.pid === m.pid)) nspawn.push({ name: m.name, pid: m.pid });
  }
  const servers = findProcs((argv) => argv.some((a) => a.endsWith('test/fleet/server.ts')) && containsSeq(argv, serverMarker(p.id)));
  const linkRe = new RegExp(`^kf${p.tag}(br|v\\d+|p\\d+)$`);
  const mounts = mountsBelow(p.machinesDir);
  const dirs = [p.machinesDir, p.stateDir].filter((d) => existsSync(d));
  return {
    nspawn,
    servers,
    netns: (await netnsList()).filter((n) => machineIndex(p.id, n) !== undefined),
    links: (await links()).map((l) => l.name).filter((n) => linkRe.test(n)),
    mounts,
    dirs,
  };
}

export function isClean(l: Leftovers): boolean {
  return l.nspawn.length + l.servers.length + l.netns.length + l.links.length + l.mounts.length + l.dirs.length === 0;
}

/** tear down in dependency order: processes, mounts, namespaces, links, folders */
export async function removeFleet(p: FleetPaths, log: (m: string) => void = () => undefined): Promise<Leftovers> {
  const l = await findLeftovers(p);
  for (const pid of l.servers) signal(pid, 'SIGTERM');
  const names = new Set([...l.nspawn.map((n) => n.name), ...l.netns]);
  await Promise.all(
    [...names].map((name) =>
      stopMachine(
        name,
        l.nspawn.find((n) => n.name === name)?.pid,
        0,
      ),
    ),
  );
  for (const pid of l.servers) {
    for (let i = 0; i < 20 && alive(pid); i++) await sleep(100);
    if (alive(pid)) signal(pid, 'SIGKILL');
  }
  const stillMounted = (await umountBelow(p.machinesDir)).length > 0;
  for (const n of l.netns) await deleteNetns(n);
  for (const name of l.links.filter((x) => !x.endsWith('br'))) await deleteLink(name);
  for (const name of l.links.filter((x) => x.endsWith('br'))) await deleteLink(name);
  if (!stillMounted) rmSync(p.machinesDir, { recursive: true, force: true });
  else log(`not removing ${p.machinesDir}: something is still mounted below it`);
  if (existsSync(p.stateDir)) {
    for (const f of readdirSync(p.stateDir)) rmSync(join(p.stateDir, f), { recursive: true, force: true });
    rmSync(p.stateDir, { recursive: true, force: true });
  }
  return findLeftovers(p);
}
