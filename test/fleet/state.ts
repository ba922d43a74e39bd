/** The fleet's record of what it created (/run/kbs-fleet/ID/state.json), written atomically. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FleetPaths } from './config.js';

export interface MachineRecord {
  name: string;
  index: number;
  ip: string;
  /** pid of the machine's systemd-nspawn (absent when stopped) */
  pid?: number;
}

export interface FleetState {
  id: string;
  /** 'starting' until up() finished; 'up' afterwards */
  status: 'starting' | 'up';
  /** pid of the process running up() */
  owner: number;
  createdAt: string;
  bridge: string;
  bridgeIp: string;
  subnet: string;
  baseDir?: string;
  repoDir?: string;
  releaseDir?: string;
  serverPid?: number;
  aptPort?: number;
  releasePort?: number;
  machines: MachineRecord[];
}

export function readState(p: FleetPaths): FleetState | undefined {
  try {
    return JSON.parse(readFileSync(p.stateFile, 'utf8')) as FleetState;
  } catch {
    return undefined;
  }
}

export function writeState(p: FleetPaths, s: FleetState): void {
  writeFileAtomic(p.stateFile, JSON.stringify(s, null, 2) + '\n');
}

export function writeFileAtomic(path: string, content: string, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, path);
}
