/**
 * The live view on a real terminal (tmux): while a task runs, its title names the phase (the play)
 * and counts the hosts done, a host that is done shows its result at once and the hosts still
 * working spin with their seconds counting up; tasks end as ✔/✖ lines, the recap follows,
 * nothing spins forever.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tempDir } from '../helpers/local.js';

function tmux(...args: string[]): string {
  return execFileSync('tmux', args, { encoding: 'utf8' });
}

test('listr2 view on a TTY', { timeout: 90_000 }, async () => {
  const dir = tempDir('kbs-tty-');
  writeFileSync(join(dir, 'inv.yml'), 'all:\n  vars: {ansible_connection: local}\n  hosts: {a: {nap: 3}, b: {nap: 0}}\n');
  writeFileSync(
    join(dir, 'pb.yml'),
    '- hosts: all\n  tasks:\n    - {name: slow one, command: "sleep {{ nap }}"}\n    - {name: boom, fail: {msg: went wrong}, when: inventory_hostname == "b"}\n',
  );
  const session = `kbs-tty-${process.pid}`;
  const cmd = `node --import tsx ${resolve('src/cli/entry.ts')} run ${join(dir, 'pb.yml')} -i ${join(dir, 'inv.yml')}; echo EXIT=$?; sleep 30`;
  tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', cmd);
  try {
    let screen = '';
    /** screens seen while "slow one" had b done and a still working, and the seconds a showed */
    let working = '';
    const seconds = new Set<string>();
    for (let i = 0; i < 300 && !screen.includes('EXIT='); i++) {
      await new Promise((r) => setTimeout(r, 200));
      screen = tmux('capture-pane', '-t', session, '-p');
      if (/\[all\] TASK \[slow one\] \d+s · 1\/2 hosts done/.test(screen) && /✔ b: changed/.test(screen)) {
        working = screen;
        const m = /^\s*\S a (\d+)s$/m.exec(screen);
        if (m) seconds.add(m[1]);
      }
    }
    assert.match(working, /^\s*\S a \d+s$/m, `no screen showed a still working after b was done:\n${screen}`);
    assert.ok(seconds.size >= 2, `a's seconds did not count up: ${[...seconds].join(',')}`);
    assert.match(screen, /PLAY \[all\]/);
    assert.match(screen, /✔ TASK \[Gathering Facts\]/);
    assert.match(screen, /✔ TASK \[slow one\]/);
    assert.match(screen, /✖ b: failed/);
    assert.match(screen, /› b: FAILED/);
    assert.match(screen, /msg: went wrong/);
    assert.match(screen, /PLAY RECAP/);
    assert.match(screen, /b\s+: ok=2\s+changed=1\s+unreachable=0\s+failed=1/);
    assert.match(screen, /EXIT=2/);
  } finally {
    tmux('kill-session', '-t', session);
  }
});
