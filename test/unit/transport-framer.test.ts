/** The remote shell's end-of-output framing (src/transport/framer.ts), chunk boundaries anywhere. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Framer } from '../../src/transport/framer.js';

const nonce = Buffer.from(randomBytes(16).toString('hex'));

function feed(stream: Buffer, sizes: (i: number) => number) {
  const f = new Framer(nonce);
  let got: ReturnType<Framer['push']>;
  let calls = 0;
  for (let i = 0, n = 0; i < stream.length; i += n, calls++) {
    n = Math.max(1, sizes(calls));
    const r = f.push(stream.subarray(i, i + n));
    if (r) {
      assert.equal(got, undefined, 'found once');
      got = r;
    }
  }
  return got;
}

test('body and trailer come out exact whatever the chunking', () => {
  // a body holding a prefix of the nonce, binary bytes and newlines
  const body = Buffer.concat([Buffer.from('line 1\n'), nonce.subarray(0, 20), Buffer.from([0, 255, 10]), Buffer.from('no newline at end')]);
  const stream = Buffer.concat([body, nonce, Buffer.from('137\n')]);
  for (const sizes of [() => 1, () => 7, () => 31, () => stream.length, (i: number) => (i * 13) % 17]) {
    const r = feed(stream, sizes);
    assert.ok(r, 'found');
    assert.deepEqual(r.body, body);
    assert.equal(r.trailer, '137');
  }
});

test('nothing until the newline after the nonce; bytes after it are ignored', () => {
  const f = new Framer(nonce);
  assert.equal(f.push(Buffer.from('out')), undefined);
  assert.equal(f.push(Buffer.concat([nonce, Buffer.from('4')])), undefined);
  const r = f.push(Buffer.from('2\nlate output of a background job'));
  assert.deepEqual([r?.body.toString(), r?.trailer], ['out', '42']);
  assert.equal(f.push(Buffer.from(`${nonce}0\n`)), undefined, 'done: later bytes are not a second result');
});

test('an empty body and an empty trailer (stderr marker)', () => {
  const r = feed(Buffer.concat([nonce, Buffer.from('\n')]), () => 5);
  assert.deepEqual([r?.body.length, r?.trailer], [0, '']);
});

test('bytes() gives what came so far, for a command cut short', () => {
  const f = new Framer(nonce);
  f.push(Buffer.from('part'));
  f.push(Buffer.from('ial'));
  assert.equal(f.bytes().toString(), 'partial');
});

test('8 MB in 16 KiB chunks: the body comes out whole', () => {
  const big = Buffer.alloc(8 * 1024 * 1024, 'a');
  const r = feed(Buffer.concat([big, nonce, Buffer.from('0\n')]), () => 16384);
  assert.equal(r?.body.length, big.length);
});
