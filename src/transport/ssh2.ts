/**
 * The parts of ssh2 kbs uses, from their own files: ssh2's index also loads its server, key
 * generator and HTTP agents (node's http, https and tls), ~5 ms of every start for code a kbs run
 * never calls. Types from the package (src/types/ssh2-parts.d.ts).
 */
import ClientClass from 'ssh2/lib/client.js';
import keyParser from 'ssh2/lib/protocol/keyParser.js';

export const Client = ClientClass;
export const parseKey = keyParser.parseKey;
