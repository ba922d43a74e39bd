/**
 * node --import tsx test/fleet/cli.ts COMMAND
 *   up N [--replace] [--release-dir DIR] | down | status [--json] | ssh NAME CMD...
 *   inventory PATH [--group name=host1,host2 ...]
 *   stop|start|kill-sshd|start-sshd|pause|resume|net-down|net-up NAME
 * The fleet id comes from KBS_FLEET_ID (default "kbs").
 */
import { KbsError, exitCodeFor } from '../../src/errors.js';
import { down, faults, ssh, status, up, writeInventory } from './index.js';

const FAULTS: Record<string, (name: string) => Promise<void>> = {
  stop: (n) => faults.stop(n),
  start: (n) => faults.start(n),
  'kill-sshd': (n) => faults.killSshd(n),
  'start-sshd': (n) => faults.startSshd(n),
  pause: (n) => faults.pause(n),
  resume: (n) => faults.resume(n),
  'net-down': (n) => faults.netDown(n),
  'net-up': (n) => faults.netUp(n),
};

const USAGE = `usage: cli.ts up N [--replace] [--release-dir DIR] | down | status [--json] | ssh NAME CMD...
       cli.ts inventory PATH [--group name=host1,host2 ...]
       cli.ts ${Object.keys(FAULTS).join('|')} NAME
fleet id: KBS_FLEET_ID (default kbs)`;

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const log = (m: string) => process.stderr.write(`fleet: ${m}\n`);
  switch (cmd) {
    case 'up': {
      const n = Number(rest[0]);
      const releaseAt = rest.indexOf('--release-dir');
      const info = await up(n, {
        log,
        replace: rest.includes('--replace'),
        releaseDir: releaseAt >= 0 ? rest[releaseAt + 1] : undefined,
      });
      process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      process.stderr.write(`up ${n}: ${info.timings?.total}s\n`);
      return 0;
    }
    case 'down': {
      const sec = await down({ log });
      process.stderr.write(`down: ${sec.toFixed(1)}s\n`);
      return 0;
    }
    case 'status': {
      const s = await status();
      if (rest.includes('--json')) process.stdout.write(JSON.stringify(s, null, 2) + '\n');
      else {
        process.stdout.write(`fleet ${s.id}: ${s.status}${s.info ? ` (bridge ${s.info.bridgeIp})` : ''}\n`);
        for (const m of s.machines) process.stdout.write(`${m.name}\t${m.ip}\t${m.state}\tnet ${m.net}\n`);
      }
      return 0;
    }
    case 'ssh': {
      if (rest.length < 2) throw new KbsError('USAGE', 'ssh NAME CMD...');
      const r = await ssh(rest[0], rest.slice(1).join(' '));
      process.stdout.write(r.stdout);
      process.stderr.write(r.stderr);
      return r.rc;
    }
    case 'inventory': {
      // a path that starts with - is an option mistaken for one (`inventory --help` wrote a file named --help)
      if (!rest[0] || rest[0].startsWith('-')) throw new KbsError('USAGE', 'inventory PATH [--group name=host1,host2 ...]', { hint: USAGE });
      const groups: Record<string, string[]> = {};
      for (let i = 1; i < rest.length; i++) {
        if (rest[i] !== '--group' || !rest[i + 1]?.includes('=')) throw new KbsError('USAGE', `unexpected "${rest[i]}"`, { hint: USAGE });
        const [g, hosts] = rest[++i].split('=');
        groups[g] = hosts.split(',').filter(Boolean);
      }
      await writeInventory(rest[0], groups);
      return 0;
    }
    default: {
      const fault = cmd === undefined ? undefined : FAULTS[cmd];
      if (!fault || !rest[0]) throw new KbsError('USAGE', cmd ? `unknown command "${cmd}"` : 'no command', { hint: USAGE });
      await fault(rest[0]);
      return 0;
    }
  }
}

main(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (e: unknown) => {
    process.stderr.write((e instanceof KbsError ? e.render() : String((e as Error)?.stack ?? e)) + '\n');
    process.exitCode = exitCodeFor(e);
  },
);
