/**
 * Planning rows of iptables: args + the recorded probe (version, `-C` and `-L` answers, a chain
 * listing) → the iptables commands it plans, or none; argument checks before any host.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Planner } from '../../src/modules/util/change.js';
import { iptablesPlanner } from '../../src/modules/iptables.js';
import { checkPlanRows, type PlanRow } from '../helpers/plan-table.js';

const PLANNERS: Record<string, Planner<never>> = { iptables: iptablesPlanner as Planner<never> };

const V = 'iptables v1.8.9 (nf_tables)\n';
/** -C rc (0: the rule is there), -L rc (0: the chain is there) */
const rule = (c: number, n: number) => `${V}@@C ${c}\n@@N ${n}\n`;
const SSH = { chain: 'INPUT', protocol: 'tcp', destination_port: '22', jump: 'ACCEPT' };

const ROWS: PlanRow[] = [
  { what: 'rule there already', module: 'iptables', args: SSH, probe: rule(0, 0), changes: [], result: { changed: false, rule: '-p tcp -j ACCEPT --destination-port 22', chain: 'INPUT' } },
  { what: 'rule appended', module: 'iptables', args: SSH, probe: rule(1, 0), changes: ['append the rule to INPUT: iptables -t filter -A INPUT -p tcp -j ACCEPT --destination-port 22'] },
  { what: 'rule inserted at a number', module: 'iptables', args: { ...SSH, action: 'insert', rule_num: '2' }, probe: rule(1, 0), changes: ['insert the rule to INPUT: iptables -t filter -I INPUT 2 -p tcp -j ACCEPT --destination-port 22'] },
  { what: 'rule removed', module: 'iptables', args: { ...SSH, state: 'absent' }, probe: rule(0, 0), changes: ['delete the rule from INPUT: iptables -t filter -D INPUT -p tcp -j ACCEPT --destination-port 22'] },
  { what: 'rule absent already', module: 'iptables', args: { ...SSH, state: 'absent' }, probe: rule(1, 0), changes: [] },
  {
    what: 'chain created first with chain_management',
    module: 'iptables',
    args: { chain: 'KBS', jump: 'RETURN', chain_management: true, ip_version: 'ipv6' },
    probe: rule(1, 1),
    changes: ['create chain KBS: ip6tables -t filter -N KBS', 'append the rule to KBS: ip6tables -t filter -A KBS -j RETURN'],
  },
  { what: 'chain deleted', module: 'iptables', args: { chain: 'KBS', state: 'absent', chain_management: true }, probe: rule(1, 0), changes: ['delete chain KBS: iptables -t filter -X KBS'], result: { changed: true } },
  { what: 'flush', module: 'iptables', args: { flush: true, table: 'nat' }, probe: V, changes: ['flush every chain: iptables -t nat -F'] },
  { what: 'policy set', module: 'iptables', args: { chain: 'FORWARD', policy: 'DROP' }, probe: `${V}@@L\nChain FORWARD (policy ACCEPT)\n@@rc 0\n`, changes: ['set the policy of FORWARD to DROP: iptables -t filter -P FORWARD DROP'] },
  { what: 'policy the same', module: 'iptables', args: { chain: 'FORWARD', policy: 'DROP' }, probe: `${V}@@L\nChain FORWARD (policy DROP)\n@@rc 0\n`, changes: [] },
  { what: 'policy: a missing chain fails with its stderr', module: 'iptables', args: { chain: 'NOPE', policy: 'DROP' }, probe: `${V}@@L\n@@rc 1\n@@err iptables: No chain by that name.\n`, changes: [], result: { failed: true, msg: 'iptables: No chain by that name.', rc: 1 } },
  { what: 'log options jump to LOG (the reported rule is the one asked for)', module: 'iptables', args: { chain: 'INPUT', log_prefix: 'x: ' }, probe: rule(1, 0), changes: ["append the rule to INPUT: iptables -t filter -A INPUT -j LOG --log-prefix 'x: '"], result: { rule: '--log-prefix x: ' } },
  { what: 'wait in seconds from 1.6.0', module: 'iptables', args: { ...SSH, wait: '5' }, probe: rule(1, 0), changes: ['append the rule to INPUT: iptables -t filter -A INPUT -w 5 -p tcp -j ACCEPT --destination-port 22'] },
  { what: 'no wait seconds before 1.6.0', module: 'iptables', args: { ...SSH, wait: '5' }, probe: 'iptables v1.4.21\n@@C 1\n@@N 0\n', changes: ['append the rule to INPUT: iptables -t filter -A INPUT -p tcp -j ACCEPT --destination-port 22'] },
  { what: 'no binary', module: 'iptables', args: SSH, probe: '@@nobin\n', changes: [], result: { failed: true } },
];

test('planning table: iptables', () => checkPlanRows(PLANNERS, ROWS));

test('iptables: argument checks', () => {
  assert.throws(() => iptablesPlanner.args.read({ flush: true, policy: 'DROP' }), /parameters are mutually exclusive: flush\|policy/);
  assert.throws(() => iptablesPlanner.probe(iptablesPlanner.args.read({ protocol: 'tcp' })), /Either chain or flush parameter must be specified/);
  assert.throws(() => iptablesPlanner.probe(iptablesPlanner.args.read({ chain: 'INPUT', log_level: 'info', jump: 'DROP' })), /Logging options can only be used with the LOG jump target/);
  assert.deepEqual(iptablesPlanner.args.read({ chain: 'INPUT', ctstate: 'NEW, ESTABLISHED' }).ctstate, ['NEW', 'ESTABLISHED']);
});
