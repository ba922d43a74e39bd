/**
 * ansible.posix.synchronize between the workstation and fleet machines (fleet id "hostmods14rs",
 * 2 machines, rsync on both sides): ansible-playbook pushes to and pulls from one machine, kbs run
 * the other, with the same playbook (test/fixtures/modules-sync/sync.yml) and a copy of the same
 * tree each: same recap on --check, first and second run, the same itemized rsync lines, the same
 * files on the machines and pulled back. kbs's rsync uses kbs's connection settings (the fleet's
 * key and known_hosts, StrictHostKeyChecking=yes), also through the other machine as a jump host
 * (ProxyJump). Needs root.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { down, ssh, up, writeInventory } from '../fleet/index.js';
import { kbs, results } from '../helpers/kbs.js';
import { ansiblePlaybook, parseRecap } from '../helpers/ansible.js';

const ID = 'hostmods14rs';
const opts = { id: ID };
const T = { timeout: 900_000 };
const PB = resolve('test/fixtures/modules-sync/sync.yml');
const [MA, MK] = [1, 2].map((i) => `${ID}-${i}`);

async function sh(name: string, cmd: string): Promise<string> {
  const r = await ssh(name, cmd, { ...opts, timeoutSec: 300 });
  assert.equal(r.rc, 0, `${name}: ${cmd}\n${r.stderr}`);
  return r.stdout;
}

const STATE = 'cat /root/sync-results.txt 2>/dev/null; find /srv -printf "%p %y %m %s %l\\n" | sort';

/** the files under dir with type, mode, size and link target */
const local = (dir: string) => (existsSync(dir) ? execFileSync('sh', ['-c', `cd ${dir} && find . -printf "%p %y %m %s %l\\n" | sort`], { encoding: 'utf8' }) : '');

describe('synchronize on the fleet', { skip: process.getuid?.() === 0 ? false : 'needs root' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kbs-sync-e2e-'));
  const inv = join(work, 'inv.yml');
  const [wa, wk] = [join(work, 'a'), join(work, 'k')];
  /** ansible-playbook's machine after its first run (for the run through a jump host) */
  let first: { state: string; recap: unknown } | undefined;
  before(async () => {
    await up(2, { ...opts, replace: true });
    await writeInventory(inv, {}, opts);
    await Promise.all([MA, MK].map((m) => sh(m, 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq rsync >/dev/null')));
    for (const w of [wa, wk]) {
      mkdirSync(w);
      cpSync(resolve('test/fixtures/modules-sync/files/tree'), join(w, 'tree'), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    }
  }, T);
  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('ansible-playbook and kbs run: same recap, rsync lines and files on --check, first and second run', T, async () => {
    const ansible = (extra: string[] = []) => ansiblePlaybook(['-i', inv, '-l', MA, PB, '-e', `work=${wa}`, ...extra], work, { ANSIBLE_HOST_KEY_CHECKING: '1' });
    const run = (extra: string[] = []) => kbs(['run', PB, '-i', inv, '-l', MK, '-e', `work=${wk}`, ...extra]);
    const same = async (what: string) => {
      assert.equal((await sh(MK, STATE)).split(wk).join('W'), (await sh(MA, STATE)).split(wa).join('W'), `${what}: machines`);
      assert.equal(local(join(wk, 'pulled')), local(join(wa, 'pulled')), `${what}: pulled files`);
    };

    const ac = await ansible(['--check']);
    const kc = await run(['--check']);
    assert.deepEqual(kc.recap[MK], parseRecap(ac.out)[MA], `check recap\n${ac.out.slice(-3000)}\n${kc.stdout.slice(-3000)}`);
    assert.equal(results(kc, 'Push a tree')[0].status, 'changed');
    assert.equal(await sh(MK, 'ls -A /srv'), '', 'check mode copied nothing');
    assert.equal(existsSync(join(wk, 'pulled')), false, 'check mode pulled nothing');

    const a1 = await ansible();
    const k1 = await run();
    assert.equal(k1.code, 0, k1.stdout.slice(-3000));
    assert.deepEqual(k1.recap[MK], parseRecap(a1.out)[MA], `first run\n${a1.out.slice(-3000)}`);
    await same('first run');
    first = { state: (await sh(MA, STATE)).split(wa).join('W'), recap: parseRecap(a1.out)[MA] };
    const st = Object.fromEntries(results(k1).map((r) => [r.task, r.status]));
    assert.equal(st['Push a tree'], 'changed');
    assert.equal(st['Push again'], 'ok');
    assert.equal(st['Pull again'], 'ok');
    assert.match(String(results(k1, 'Push with delete and checksum')[0].result.msg), /\*deleting +extra\.txt/);
    assert.match(local(join(wk, 'pulled')), /\.\/link-to-a l 777 5 a\.txt/);

    const a2 = await ansible();
    const k2 = await run();
    assert.deepEqual(k2.recap[MK], parseRecap(a2.out)[MA], 'second run');
    await same('second run');
    assert.equal(results(k2, 'Push a tree')[0].status, 'ok');
  });

  test('through a jump host (ProxyJump in ansible_ssh_common_args): the same first run as a direct one', T, async () => {
    const text = readFileSync(inv, 'utf8');
    const jumpIp = new RegExp(`${MA}:\\s*\\n\\s*ansible_host: (\\S+)`).exec(text)?.[1];
    assert.ok(jumpIp, text);
    const invJ = join(work, 'inv-jump.yml');
    writeFileSync(invJ, text.replace(/(ansible_ssh_common_args: .*)$/m, `$1 -o ProxyJump=root@${jumpIp}`));
    await sh(MK, 'rm -rf /srv/sync /srv/fromfiles /srv/plain.txt /root/sync-results.txt');
    const wj = join(work, 'j');
    mkdirSync(wj);
    cpSync(resolve('test/fixtures/modules-sync/files/tree'), join(wj, 'tree'), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    const kj = await kbs(['run', PB, '-i', invJ, '-l', MK, '-e', `work=${wj}`]);
    assert.equal(kj.code, 0, kj.stdout.slice(-3000));
    assert.match(String(results(kj, 'Push a tree')[0].result.cmd), /ProxyCommand=/);
    assert.ok(first, 'the direct runs went first');
    assert.deepEqual(kj.recap[MK], first.recap, 'same recap as ansible-playbook\'s first run');
    assert.equal((await sh(MK, STATE)).split(wj).join('W'), first.state, 'same files and results as ansible-playbook\'s first run');
    assert.equal(local(join(wj, 'pulled')), local(join(wa, 'pulled')), 'pulled files');
  });
});
