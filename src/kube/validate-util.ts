/**
 * Small pure helpers of kbs validate: value forms (endpoint, DNS names, URLs), comparisons, the
 * wording of values in messages, near-miss names, files on the workstation.
 */
import { existsSync, statSync } from 'node:fs';
import { editDistance, type Position } from '../errors.js';
import { bits, overlaps, parseIp, type Cidr } from './net.js';
import type { Read } from './reader.js';
import type { Endpoint } from './spec.js';

/** kube-apiserver's port, the endpoint's default */
export const APISERVER_PORT = 6443;

/** "pod_subnet 10.244.0.0/16" when the address is inside one of the ranges. */
export function inRange(ip: { family: 4 | 6; value: bigint }, pods: Cidr[], svcs: Cidr[]): string | undefined {
  const one: Cidr = { family: ip.family, network: ip.value, prefix: bits(ip.family), text: '' };
  const p = pods.find((c) => overlaps(c, one));
  if (p) return `pod_subnet ${p.text}`;
  const sv = svcs.find((c) => overlaps(c, one));
  return sv ? `service_subnet ${sv.text}` : undefined;
}

/** The known name closest to `name` when it is a near miss (edit distance ≤ max, case ignored), else undefined. */
export function nearest(name: string, known: readonly string[], max = 2): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    if (k === name) return undefined;
    const d = editDistance(name.toLowerCase(), k.toLowerCase());
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= max ? best : undefined;
}

export function fmt(p: Position | undefined): string {
  if (!p) return 'the inventory';
  return p.line === undefined ? p.file : `${p.file}:${p.line}:${p.col ?? 1}`;
}

export function show(x: Read): string {
  return x.set ? JSON.stringify(x.value) : 'the default';
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}

export function typeName(v: unknown): string {
  if (v === null || v === undefined) return 'empty';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'number') return `the number ${v}`;
  if (typeof v === 'boolean') return `the boolean ${v}`;
  return typeof v;
}

export function isPlainMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** host, host:port, [v6]:port, or a bare IPv6 address; the port defaults to 6443. */
export function parseEndpoint(s: string): Endpoint | string {
  let host: string;
  let portText: string | undefined;
  const bracket = /^\[([^\]]+)\](?::(.*))?$/.exec(s);
  if (bracket) {
    host = bracket[1];
    portText = bracket[2];
    if (parseIp(host)?.family !== 6) return `"${host}" in brackets is not an IPv6 address`;
  } else if (parseIp(s)?.family === 6) {
    host = s;
  } else {
    const i = s.lastIndexOf(':');
    host = i < 0 ? s : s.slice(0, i);
    portText = i < 0 ? undefined : s.slice(i + 1);
    if (host.includes(':')) return 'an IPv6 address with a port must be written in brackets';
  }
  if (host === '') return 'the host is empty';
  if (!parseIp(host) && !isDnsName(host)) return `"${host}" is neither an IP address nor a DNS name`;
  if (portText === undefined) return { host, port: APISERVER_PORT };
  if (!/^\d+$/.test(portText)) return `port "${portText}" is not a number`;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `port ${port} is outside 1-65535`;
  return { host, port };
}

export function isDnsName(s: string): boolean {
  return s.length <= 253 && s.split('.').every((l) => /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/.test(l));
}

export function isDnsSubdomain(s: string): boolean {
  return s.length <= 253 && s.split('.').every((l) => /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/.test(l));
}

export function suggestName(n: string): string {
  const s = n.toLowerCase().replace(/[^a-z0-9.-]+/g, '-').replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '');
  return s || 'node-1';
}

export function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
  } catch {
    return false;
  }
}

export function normaliseHost(h: string): string {
  const ip = parseIp(h);
  return ip ? `${ip.family}:${ip.value}` : h.toLowerCase();
}

export function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function isFile(p: string): boolean {
  return existsSync(p) && !isDir(p);
}
