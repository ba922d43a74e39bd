/**
 * Dates in templates, kbs against ansible-playbook 2.14 (connection local): the to_datetime and
 * strftime filters, datetime and timedelta arithmetic, attributes and methods (days, seconds,
 * total_seconds(), year, strftime(), isoformat(), weekday()), comparisons, printing, to_json, and
 * the now() global (only what does not depend on the moment the tools run).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal, writeTree } from '../helpers/compare-local.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-dt-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const A = '("2016-08-14 20:00:12" | to_datetime)';
const B = '("2015-12-25" | to_datetime("%Y-%m-%d"))';
const SHOW: Record<string, string> = {
  'print datetime': `{{ ${A} }}`,
  'print in text': `at {{ ${B} }}!`,
  'days between': `{{ (${A} - ${B}).days }}`,
  'seconds part': `{{ (${A} - ${B}).seconds }}`,
  'total seconds': `{{ (${A} - ${B}).total_seconds() }}`,
  'print timedelta': `{{ ${A} - ${B} }}`,
  'negative timedelta': `{{ ${B} - ${A} }}`,
  'timedelta list': `{{ [(${A} - ${B}).days, ${A}.year, ${A}.month, ${A}.hour] }}`,
  'attributes': `{{ ${A}.year }}-{{ ${A}.minute }}-{{ ${A}.second }}-{{ ${A}.microsecond }}`,
  'compare': `{{ ${A} > ${B} }} {{ ${A} == ${A} }} {{ ${A} != ${B} }}`,
  'plus timedelta': `{{ ${B} + (${A} - ${B}) }}`,
  'method strftime': `{{ ${A}.strftime("%d/%m/%Y %I:%M %p %j %a %A %b %B %y %-d %e|%U %W %V %G %u %w") }}`,
  'isoformat': `{{ ${A}.isoformat() }} {{ ${A}.weekday() }} {{ ${A}.isoweekday() }}`,
  'microseconds': `{{ "2020-01-02 03:04:05.25" | to_datetime("%Y-%m-%d %H:%M:%S.%f") }}`,
  'month names': `{{ "5 March 99, 7pm" | to_datetime("%d %B %y, %I%p") }}`,
  'day of year': `{{ "2024 60" | to_datetime("%Y %j") }}`,
  'type': `{{ ${A} | type_debug }} {{ (${A} - ${B}) | type_debug }}`,
  'to_json': `{{ {"at": ${A}} | to_json }}`,
  'truth': `{{ (${A} - ${A}) | bool }} {{ ((${A} - ${B}) is truthy) }}`,
  'strftime utc': `{{ "%Y-%m-%d %H:%M:%S %a %j" | strftime(1700000000, utc=True) }}`,
  'strftime float second': `{{ "%H:%M:%S" | strftime("86399.9", utc=true) }}`,
  'strftime local': `{{ "%Y-%m-%d %H:%M" | strftime(0) }}`,
  'now': `{{ now().year >= 2026 }} {{ now(fmt="%Y") | int >= 2026 }} {{ (now() - now(utc=true)).days in [-1, 0] }}`,
  'set via var': `{{ stamp | to_datetime }}`,
};

const FAILS: Record<string, [string, RegExp]> = {
  'fail format': ['{{ "2016-13-01" | to_datetime("%Y-%m-%d") }}', /time data '2016-13-01' does not match format '%Y-%m-%d'/],
  'fail leftover': ['{{ "2016-01-01 x" | to_datetime("%Y-%m-%d") }}', /unconverted data remains:  x/],
  'fail day': ['{{ "2016-02-30" | to_datetime("%Y-%m-%d") }}', /day is out of range for month/],
};

test('to_datetime, strftime, datetime/timedelta arithmetic and now(): as ansible-playbook', async () => {
  const d = join(dir, 'dt');
  const task = ([name, expr]: [string, string], extra = '') => `    - name: ${name}\n      debug:\n        msg: ${JSON.stringify(expr)}\n${extra}`;
  writeTree(d, {
    'inv.ini': 'w1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
    'pb.yml': `- hosts: all\n  gather_facts: false\n  vars:\n    stamp: "{{ '2021-06-07' | to_datetime('%Y-%m-%d') }}"\n  tasks:\n${Object.entries(SHOW).map((e) => task(e)).join('')}${Object.entries(FAILS).map(([n, [e]]) => task([n, e], '      ignore_errors: true\n')).join('')}`,
  });
  // both tools in a zone that is not UTC, so that local time shows
  process.env.TZ = 'Europe/Paris';
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  for (const [t, [, re]] of Object.entries(FAILS)) {
    assert.match(String(r.ansible[t]?.w1), re, `ansible: ${t}`);
    assert.match(String(r.kbs[t]?.w1), re, `kbs: ${t}`);
    for (const s of [r.ansible, r.kbs]) delete s[t];
  }
  assert.equal(Object.keys(r.ansible).length, Object.keys(SHOW).length, 'ansible ran every task');
  assert.deepEqual(r.kbs, r.ansible);
  assert.equal(r.kbs['days between'].w1, '233');
  assert.equal(r.kbs['strftime local'].w1, '1970-01-01 01:00');
});
