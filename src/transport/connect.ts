/**
 * One connection attempt: dial the jump hosts (if any), forward to the target, verify every host
 * key, authenticate, and wrap the ready ssh2 Client in an SshConnection. Errors are KbsErrors:
 * HOST_KEY (never retried), UNREACHABLE with detail.retryable = true for network errors that a
 * short retry may fix (refused, reset, dropped before the handshake).
 */
import { Client } from './ssh2.js';
import type { Client as SshClient, ClientChannel } from 'ssh2';
import type { Duplex } from 'node:stream';
import { KbsError } from '../errors.js';
import type { ConnectionSpec, TransportOptions } from './types.js';
import { knownTypesFor, preferredHostKeyAlgorithms, verifyHostKey } from './host_keys.js';
import { prepareAuth } from './keys.js';
import { endpointLabel, resolveTarget, type Endpoint, type ResolvedTarget } from './resolve.js';
import { SshConnection } from './ssh.js';


export interface ConnectTuning {
  /** ms between SSH keepalives (default 5000); with keepaliveCountMax (3) detects hung hosts */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN']);

function reasonFor(code: string | undefined, message: string): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset by peer';
    case 'EHOSTUNREACH':
      return 'no route to host';
    case 'ENETUNREACH':
      return 'network is unreachable';
    case 'ETIMEDOUT':
      return 'connection timed out';
    case 'ENOTFOUND':
      return 'could not resolve host name';
    default:
      return message;
  }
}

function unreachable(r: ResolvedTarget, ep: Endpoint, via: string, reason: string, hint: string, retryable: boolean): KbsError {
  return new KbsError('UNREACHABLE', `cannot connect to ${ep.host}:${ep.port}${via}: ${reason}`, {
    host: r.name,
    hint,
    detail: { retryable },
  });
}

/** Connect SPEC once (no retries: the pool retries). */
export async function connectSsh(spec: ConnectionSpec, opts: TransportOptions = {}, tuning: ConnectTuning = {}): Promise<SshConnection> {
  const r = resolveTarget(spec, opts);
  const clients: SshClient[] = [];
  try {
    let sock: Duplex | undefined;
    const hops = [...r.jumps, r.target];
    for (let i = 0; i < hops.length; i++) {
      const ep = hops[i];
      const via = i === 0 ? '' : ` via jump host ${endpointLabel(hops[i - 1])}`;
      const c = await connectEndpoint(r, ep, sock, via, tuning);
      clients.push(c);
      if (i < hops.length - 1) sock = await forward(r, c, hops[i + 1], ` via jump host ${endpointLabel(ep)}`);
    }
    const target = clients.pop()!;
    return new SshConnection(spec.name, target, {
      endpoint: endpointLabel(r.target),
      user: r.target.user,
      becomePassword: spec.becomePassword,
      jumps: clients,
      noShell: opts.remoteShell === false,
      tag: opts.runTag,
    });
  } catch (e) {
    for (const c of clients.reverse()) c.end();
    throw e;
  }
}

function forward(r: ResolvedTarget, jump: SshClient, next: Endpoint, via: string): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      jump.forwardOut('127.0.0.1', 0, next.host, next.port, (err, stream) => {
        if (err) {
          const reason = /refused/i.test(err.message) ? 'connection refused' : err.message.replace(/^\(SSH\) /, '');
          reject(unreachable(r, next, via, reason, 'check that the jump host can reach the target (ProxyJump)', true));
        } else resolve(stream);
      });
    } catch (e) {
      reject(unreachable(r, next, via, (e as Error).message, 'the jump host connection dropped', true));
    }
  });
}

async function connectEndpoint(
  r: ResolvedTarget,
  ep: Endpoint,
  sock: Duplex | undefined,
  via: string,
  tuning: ConnectTuning,
): Promise<SshClient> {
  const isJump = ep !== r.target;
  const auth = await prepareAuth({
    user: ep.user,
    keyFiles: ep.keyFiles,
    password: isJump ? undefined : ep.password,
    agentSocket: r.agentSocket,
  });
  const label = `${isJump ? 'jump host ' : ''}${endpointLabel(ep)}`;
  if (auth.empty) {
    throw new KbsError('UNREACHABLE', `no credentials to log in to ${label}${auth.notes.length ? ': ' + auth.notes.join('; ') : ''}`, {
      host: r.name,
      hint: 'set ansible_ssh_private_key_file or ansible_password, put a key in ~/.ssh (id_ed25519, id_ecdsa, id_rsa), or start ssh-agent',
    });
  }
  const knownTypes = await knownTypesFor(r.policy, ep.host, ep.port);
  const client = new Client();
  let hostKeyError: KbsError | undefined;
  return new Promise<SshClient>((resolve, reject) => {
    let done = false;
    const finish = (err?: KbsError) => {
      if (done) return;
      done = true;
      client.removeListener('ready', onReady);
      if (err) {
        client.on('error', () => undefined); // late errors after the failure are not interesting
        client.destroy();
        reject(err);
      } else resolve(client);
    };
    const onReady = () => finish();
    client.once('ready', onReady);
    client.on('error', (e: Error & { level?: string; code?: string }) => {
      if (done) return;
      if (hostKeyError) return finish(hostKeyError);
      if (e.level === 'client-authentication') {
        const tried = auth.tried.length ? auth.tried.join(', ') : 'nothing the server accepts';
        return finish(
          new KbsError(
            'UNREACHABLE',
            `authentication failed for ${label} (tried: ${tried})${auth.notes.length ? '; ' + auth.notes.join('; ') : ''}`,
            {
              host: r.name,
              hint: 'check ansible_user, ansible_ssh_private_key_file / ansible_password, and the authorized_keys of that user on the host',
              detail: { retryable: false },
            },
          ),
        );
      }
      if (e.level === 'client-timeout') {
        return finish(
          unreachable(r, ep, via, `timed out after ${r.connectTimeoutMs / 1000} s`,
            'is the host up and is sshd answering on that port? (the timeout is ConnectTimeout / --timeout)', false),
        );
      }
      const code = e.code;
      const retryable = (code !== undefined && NETWORK_CODES.has(code)) || /before handshake|ECONNRESET|closed/i.test(e.message);
      const hint =
        code === 'ECONNREFUSED'
          ? `is sshd running on ${ep.host} and listening on port ${ep.port}? (ansible_port)`
          : code === 'ENOTFOUND'
            ? 'check ansible_host / the HostName in ~/.ssh/config'
            : 'check that the host is up and reachable';
      finish(unreachable(r, ep, via, reasonFor(code, e.message), hint, retryable));
    });
    client.on('close', () => {
      if (hostKeyError) return finish(hostKeyError);
      finish(unreachable(r, ep, via, 'connection closed during the handshake', 'check sshd on the host (MaxStartups, logs)', true));
    });
    try {
      client.connect({
        host: ep.host,
        port: ep.port,
        username: ep.user,
        sock,
        readyTimeout: r.connectTimeoutMs,
        keepaliveInterval: tuning.keepaliveIntervalMs ?? 5000,
        keepaliveCountMax: tuning.keepaliveCountMax ?? 3,
        authHandler: auth.handler,
        algorithms: { serverHostKey: preferredHostKeyAlgorithms(knownTypes) as never },
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          verifyHostKey(r.policy, r.name, ep.host, ep.port, key).then(
            () => verify(true),
            (e: unknown) => {
              hostKeyError =
                e instanceof KbsError ? e : new KbsError('HOST_KEY', `host key check failed: ${(e as Error).message}`, { host: r.name });
              verify(false);
            },
          );
        },
      });
      // exec channels and the handshake are small request/reply exchanges: without TCP_NODELAY,
      // Nagle's algorithm and the server's delayed ACK add ~40 ms to every exec (measured on the
      // fleet: 47 ms -> 4-6 ms per exec). A jump host's forwarded stream has no socket option.
      client.setNoDelay(true);
    } catch (e) {
      finish(unreachable(r, ep, via, (e as Error).message, 'check the connection settings', false));
    }
  });
}
