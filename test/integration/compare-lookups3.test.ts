/**
 * The ini, csvfile, random_choice and url lookups (and their with_ loops), kbs against
 * ansible-playbook 2.14 on the same playbook (connection local); url against a local HTTP server
 * (lines, split_lines=false, headers, basic auth on a 401 challenge and forced, a 404, a redirect).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { type ChildProcess, spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal, writeTree } from '../helpers/compare-local.js';

let dir: string;
let server: ChildProcess;
let base: string;

/**
 * The HTTP server runs in a process of its own: the helper runs kbs in this process, and the url
 * lookup waits synchronously for its request.
 */
const SERVER = `
const http = require('node:http');
const s = http.createServer((req, res) => {
  const auth = req.headers.authorization;
  if (req.url === '/lines') return res.end('one\\ntwo\\r\\nthree\\n');
  if (req.url === '/agent') return res.end(req.headers['user-agent'] + '|' + (req.headers['x-kbs'] || ''));
  if (req.url === '/secret') {
    if (auth !== 'Basic ' + Buffer.from('u:p').toString('base64')) {
      res.statusCode = 401;
      res.setHeader('WWW-Authenticate', 'Basic realm="x"');
      return res.end('no');
    }
    return res.end('let in');
  }
  if (req.url === '/forced') return res.end(auth ? 'had auth' : 'no auth');
  if (req.url === '/moved') {
    res.statusCode = 302;
    res.setHeader('Location', '/lines');
    return res.end();
  }
  res.statusCode = 404;
  res.end('gone');
});
s.listen(0, '127.0.0.1', () => console.log(s.address().port));
`;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-lk3-'));
  server = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((res) => server.stdout!.once('data', (d: Buffer) => res(d.toString().trim())));
  base = `http://127.0.0.1:${port}`;
});
after(() => {
  server?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const INI = `# comment
[global]
user = alice
Mixed = Case
path: /srv/%(user)s
pct = 100%%
multi = first
  second

  third
; another comment
[other]
user=bob
empty =
[DEFAULT]
shared = from default
`;

const CSV = `name,ip,port
web,10.0.0.1,80
"db, primary","10.0.0.2",5432
"quoted ""x""",q,1
`;

const TSV = 'alpha\t1\tA\nbeta\t2\tB\n';

const PROPS = 'java.home=/usr/lib/jvm\nlogger.level: INFO\n';

function show(name: string, expr: string, extra = ''): string {
  return `    - name: ${name}\n      debug:\n        msg: ${JSON.stringify(expr)}\n${extra}`;
}

test('ini, csvfile, random_choice and url lookups: as ansible-playbook', async () => {
  const d = join(dir, 'lk');
  const tasks = [
    show('ini', "{{ lookup('ini', 'user', section='global', file='a.ini') }}"),
    show('ini other', "{{ lookup('ini', 'user', section='other', file='a.ini') }}"),
    show('ini interpolated', "{{ lookup('ini', 'path', section='global', file='a.ini') }}"),
    show('ini percent', "{{ lookup('ini', 'pct', section='global', file='a.ini') }}"),
    show('ini multi', "{{ lookup('ini', 'multi', section='global', file='a.ini') }}"),
    show('ini case', "{{ lookup('ini', 'MIXED', section='global', file='a.ini') }}"),
    show('ini default section', "{{ lookup('ini', 'shared', section='other', file='a.ini') }}"),
    show('ini empty', "{{ lookup('ini', 'empty', section='other', file='a.ini') }}"),
    show('ini missing', "{{ lookup('ini', 'nope', section='global', file='a.ini', default='dflt') }}"),
    show('ini re', "{{ query('ini', 'u.*', section='other', file='a.ini', re=true) }}"),
    show('ini inline', "{{ lookup('ini', 'user section=other file=a.ini') }}"),
    show('ini properties', "{{ lookup('ini', 'logger.level', type='properties', file='a.properties') }}"),
    show('ini properties 2', "{{ lookup('ini', 'java.home', type='properties', file='a.properties') }}"),
    show('ini case sensitive', "{{ lookup('ini', 'Mixed', section='global', file='a.ini', case_sensitive=true) }}"),
    show('ini no section', "{{ lookup('ini', 'user', section='nosuch', file='a.ini') }}", '      ignore_errors: true\n'),
    show('csv', "{{ lookup('csvfile', 'web', file='a.csv', delimiter=',') }}"),
    show('csv col', "{{ lookup('csvfile', 'web file=a.csv delimiter=, col=2') }}"),
    show('csv quoted', "{{ lookup('csvfile', 'db, primary', file='a.csv', delimiter=',') }}"),
    show('csv quotes', "{{ lookup('csvfile', 'quoted \"x\"', file='a.csv', delimiter=',') }}"),
    show('csv missing', "{{ lookup('csvfile', 'nope', file='a.csv', delimiter=',', default='none') }}"),
    show('csv missing no default', "{{ query('csvfile', 'nope', file='a.csv', delimiter=',') }}"),
    show('tsv', "{{ lookup('csvfile', 'beta', file='a.tsv', col=2) }}"),
    show('csv bad col', "{{ lookup('csvfile', 'web', file='a.csv', delimiter=',', col=9) }}", '      ignore_errors: true\n'),
    show('random_choice', "{{ lookup('random_choice', 'a', 'b', 'c') in ['a', 'b', 'c'] }}"),
    show('random_choice one', "{{ lookup('random_choice', 'only') }}"),
    `    - name: with_random_choice\n      debug:\n        msg: "{{ item in ['x', 'y'] }}"\n      with_random_choice: [x, y]\n`,
    `    - name: with_ini\n      debug:\n        msg: "{{ item }}"\n      with_ini: "u.* section=other file=a.ini re=true"\n`,
    show('url lines', "{{ query('url', base ~ '/lines') }}"),
    show('url lookup', "{{ lookup('url', base ~ '/lines') }}"),
    show('url whole', "{{ lookup('url', base ~ '/lines', split_lines=false) }}"),
    show('url headers', "{{ lookup('url', base ~ '/agent', headers={'X-Kbs': 'yes'}, http_agent='me') }}"),
    show('url auth', "{{ lookup('url', base ~ '/secret', username='u', password='p') }}"),
    show('url forced', "{{ lookup('url', base ~ '/forced', username='u', password='p', force_basic_auth=true) }}"),
    show('url not forced', "{{ lookup('url', base ~ '/forced', username='u', password='p') }}"),
    show('url redirect', "{{ lookup('url', base ~ '/moved') }}"),
    show('url 404', "{{ lookup('url', base ~ '/nothing') }}", '      ignore_errors: true\n'),
  ];
  writeTree(d, {
    'inv.ini': 'w1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
    'pb.yml': `- hosts: all\n  gather_facts: false\n  vars:\n    base: ${base}\n  tasks:\n${tasks.join('')}`,
    'files/a.ini': INI,
    'files/a.csv': CSV,
    'files/a.tsv': TSV,
    'files/a.properties': PROPS,
  });
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  const fails: Record<string, RegExp> = {
    'ini no section': /No section 'nosuch' in a\.ini/,
    'csv bad col': /csvfile: list index out of range/,
    'url 404': /Received HTTP error for http:\/\/127\.0\.0\.1:\d+\/nothing : HTTP Error 404: Not Found/,
  };
  for (const [t, re] of Object.entries(fails)) {
    assert.match(String(r.ansible[t]?.w1), re, `ansible: ${t}`);
    assert.match(String(r.kbs[t]?.w1), re, `kbs: ${t}`);
    delete r.ansible[t];
    delete r.kbs[t];
  }
  assert.equal(Object.keys(r.ansible).length, tasks.length - Object.keys(fails).length, 'ansible ran every task');
  assert.deepEqual(r.kbs, r.ansible);
  assert.equal(r.kbs.ini.w1, 'alice');
  assert.equal(r.kbs['ini interpolated'].w1, '/srv/alice');
  assert.deepEqual(r.kbs['url lines'].w1, ['one', 'two', 'three']);
  assert.equal(r.kbs['url auth'].w1, 'let in');
});
