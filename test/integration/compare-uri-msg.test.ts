/**
 * uri's `msg` against ansible-playbook 2.14 on the local host: `OK (N bytes)` from the
 * Content-Length header, `OK (unknown bytes)` for a chunked answer, and the text of a failed status.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { compareFiles } from '../helpers/compare-files.js';

let server: Server;
let base: string;

before(async () => {
  server = createServer((req, res) => {
    res.setHeader('Connection', 'close');
    if (req.url === '/fixed') return res.end('fixed body\n');
    if (req.url === '/chunked') {
      res.write('part one\n');
      return res.end('part two\n');
    }
    res.statusCode = 404;
    res.end('not here\n');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(() => server.close());

test("uri's msg: Content-Length, unknown for a chunked answer, a failed status", async () => {
  const play = [
    {
      hosts: 'localhost',
      gather_facts: false,
      tasks: [
        ...['fixed', 'chunked', 'missing'].map((p) => ({ uri: { url: `${base}/${p}`, return_content: true }, register: p, ignore_errors: true })),
        {
          copy: {
            dest: '{{ out }}/uri.json',
            content: "{{ [fixed, chunked, missing] | map(attribute='msg') | list | to_json }}",
          },
        },
      ],
    },
  ];
  const r = await compareFiles(JSON.stringify(play, null, 1));
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  assert.deepEqual(JSON.parse(r.kbs.files['uri.json']), JSON.parse(r.ansible.files['uri.json']));
  assert.ok(r.ansible.files['uri.json'].includes('OK (unknown bytes)'));
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});
