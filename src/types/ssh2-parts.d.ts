// The two parts of ssh2 that kbs uses, imported by their files: the package's index also loads its
// server, key generator and HTTP agents (node's http, https and tls modules), which a kbs run
// never needs, at every start (src/transport/ssh2.ts).
declare module 'ssh2/lib/client.js' {
  import { Client } from 'ssh2';
  export default Client;
}
declare module 'ssh2/lib/protocol/keyParser.js' {
  import { utils } from 'ssh2';
  const keyParser: { parseKey: typeof utils.parseKey };
  export default keyParser;
}
