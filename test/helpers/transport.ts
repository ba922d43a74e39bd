/** Small helpers shared by the transport integration tests. */
import type { ConnectionSpec, TransportOptions } from '../../src/transport/types.js';
import type { Sshd } from './sshd.js';
import { KbsError } from '../../src/errors.js';

export const isRoot = process.getuid?.() === 0;

/** A ConnectionSpec for USER on the test sshd, authenticating with the test client key. */
export function specFor(s: Sshd, user: string, extra: Partial<ConnectionSpec> = {}): ConnectionSpec {
  return { name: `${user}-${s.port}`, type: 'ssh', address: s.host, port: s.port, user, privateKeyFiles: [s.clientKey], ...extra };
}

/** Transport options isolated from the machine's ~/.ssh and ssh-agent. */
export function optsFor(s: Sshd, extra: TransportOptions = {}): TransportOptions {
  return { knownHostsFile: s.knownHostsFile, sshConfigFile: null, agentSocket: '', connectTimeout: 5, ...extra };
}

/** assert.rejects predicate: a KbsError with CODE whose message matches RE. */
export function kbsError(code: string, re?: RegExp) {
  return (e: unknown): boolean => {
    if (!(e instanceof KbsError)) throw new Error(`expected KbsError ${code}, got ${String(e)}`);
    if (e.code !== code) throw new Error(`expected code ${code}, got ${e.code}: ${e.message}`);
    if (re && !re.test(e.message)) throw new Error(`message ${JSON.stringify(e.message)} does not match ${re}`);
    return true;
  };
}
