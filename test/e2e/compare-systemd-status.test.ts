/**
 * systemd's registered `status` against ansible-playbook 2.14 on a real systemd machine (test/fleet,
 * own id "compat11c", 1 machine): the same playbook under both tools registers the same keys (every
 * property `systemctl show` prints) and the same values for the unit's identity and state. Needs
 * root; skipped otherwise.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { down, up, writeInventory } from '../fleet/index.js';
import { kbs } from '../helpers/kbs.js';
import { ansiblePlaybook } from '../helpers/ansible.js';

const ID = process.env.KBS_FLEET_ID ?? 'compat11c';
const opts = { id: ID };
const isRoot = process.getuid?.() === 0;
const T = { timeout: 600_000 };

const PLAYBOOK = `
- hosts: all
  gather_facts: false
  tasks:
    - systemd: {name: ssh, state: started}
      register: started
    - systemd: {name: ssh.service}
      register: queried
    - copy:
        dest: "{{ out }}/{{ item.0 }}"
        content: |
          {% for k in item.1.status.keys() | sort %}
          {{ k }}
          {% endfor %}
          {% for k in ['Id', 'Names', 'LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'FragmentPath', 'Type', 'ExecStart'] %}
          {{ k }}={{ item.1.status[k] | default('(none)') }}
          {% endfor %}
      delegate_to: localhost
      loop: [[started, "{{ started }}"], [queried, "{{ queried }}"]]
      loop_control: {label: "{{ item.0 }}"}
`;

describe('systemd status compared with ansible-playbook', { skip: isRoot ? false : 'needs root' }, () => {
  const work = mkdtempSync(join(tmpdir(), 'kbs-systemd-status-'));
  const inv = join(work, 'inv.yml');
  const pb = join(work, 'site.yml');

  before(async () => {
    await up(1, { ...opts, replace: true });
    await writeInventory(inv, {}, opts);
    writeFileSync(pb, PLAYBOOK);
  }, T);

  after(async () => {
    await down(opts).catch(() => undefined);
    rmSync(work, { recursive: true, force: true });
  }, T);

  test('registered status: the same keys and state values', T, async () => {
    const [aOut, kOut] = [join(work, 'out-ansible'), join(work, 'out-kbs')];
    mkdirSync(aOut);
    mkdirSync(kOut);
    const a = await ansiblePlaybook(['-i', inv, pb, '-e', `out=${aOut}`], work, { ANSIBLE_HOST_KEY_CHECKING: '1' });
    assert.equal(a.code, 0, a.out.slice(-3000));
    const k = await kbs(['run', pb, '-i', inv, '-e', `out=${kOut}`]);
    assert.equal(k.code, 0, k.stdout.slice(-3000) + k.stderr);
    for (const name of ['started', 'queried']) {
      const lines = (dir: string) => readFileSync(join(dir, name), 'utf8').split('\n');
      assert.deepEqual(lines(kOut), lines(aOut), name);
      assert.ok(lines(aOut).length > 100, 'every property of systemctl show');
      assert.ok(lines(aOut).includes('ActiveState=active'));
    }
  });
});
