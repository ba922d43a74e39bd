/**
 * The process entry: bin/kbs.js loads the built copy; tests and development run it with tsx. No
 * top-level await: the bundle is CommonJS (scripts/bundle.mjs), for V8's code cache.
 */
import { main } from './main.js';
import { askLine, askSecret } from './ask-secret.js';

void main(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
  columns: process.stdout.columns,
  env: process.env,
  askSecret: (prompt) => askSecret(prompt),
  // vars_prompt asks only on a terminal, as Ansible
  ask: process.stdin.isTTY ? (prompt, secret) => (secret ? askSecret(prompt) : askLine(prompt)) : undefined,
  onSignal: (handler) => {
    let count = 0;
    const on = (sig: 'SIGINT' | 'SIGTERM') => {
      // a second signal does not wait for the grace period
      if (++count > 1) process.exit(sig === 'SIGTERM' ? 143 : 130);
      process.stderr.write(`\nkbs: ${sig}: stopping (remote commands get SIGTERM; again to quit at once)\n`);
      handler(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
    return () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    };
  },
}).then((code) => {
  process.exitCode = code;
  // an interrupted run may leave abandoned work behind (a local wait, a hung host): do not wait for it
  if (code === 130 || code === 143) process.exit(code);
});
