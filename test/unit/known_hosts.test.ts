import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  blobKeyType,
  checkHostKey,
  entryMatches,
  fingerprint,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../src/transport/known_hosts.js';
import { appendKnownHost, preferredHostKeyAlgorithms, verifyHostKey } from '../../src/transport/host_keys.js';
import { KbsError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'kbs-kh-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

/** a fresh public key: [type, base64, blob, ssh-keygen's SHA256 fingerprint] */
function newKey(type: 'ed25519' | 'ecdsa' = 'ed25519'): { type: string; b64: string; blob: Buffer; fp: string } {
  const f = join(dir, `k${Math.random().toString(36).slice(2)}`);
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', f]);
  const [t, b64] = readFileSync(f + '.pub', 'utf8').split(/\s+/);
  const fp = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', f + '.pub'], { encoding: 'utf8' }).split(/\s+/)[1];
  return { type: t, b64, blob: Buffer.from(b64, 'base64'), fp };
}

const A = newKey();
const B = newKey();
const E = newKey('ecdsa');

test('knownHostName uses [host]:port except for port 22', () => {
  assert.equal(knownHostName('h', 22), 'h');
  assert.equal(knownHostName('h', 2222), '[h]:2222');
});

test('fingerprint and key type match ssh-keygen', () => {
  assert.equal(fingerprint(A.blob), A.fp);
  assert.equal(fingerprint(E.blob), E.fp);
  assert.equal(blobKeyType(A.blob), 'ssh-ed25519');
  assert.equal(blobKeyType(E.blob), E.type);
  assert.ok(!A.fp.endsWith('='));
});

test('plain names, comma lists and ports', () => {
  const es = parseKnownHosts(`# comment\n\nweb1,10.0.0.5 ${A.type} ${A.b64}\n[db]:2200 ${B.type} ${B.b64} c\n`, 'kh');
  assert.equal(es.length, 2);
  assert.equal(es[0].line, 3);
  assert.equal(checkHostKey(es, 'web1', A.blob).status, 'ok');
  assert.equal(checkHostKey(es, '10.0.0.5', A.blob).status, 'ok');
  assert.equal(checkHostKey(es, '[web1]:2222', A.blob).status, 'unknown');
  assert.equal(checkHostKey(es, '[db]:2200', B.blob).status, 'ok');
  assert.equal(checkHostKey(es, 'db', B.blob).status, 'unknown');
  const ch = checkHostKey(es, 'web1', B.blob);
  assert.equal(ch.status, 'changed');
  assert.equal(ch.status === 'changed' && ch.entry.line, 3);
});

test('hashed entries written by ssh-keygen -H match only their host', () => {
  const f = join(dir, 'hashed');
  writeFileSync(f, `web1 ${A.type} ${A.b64}\n[127.0.0.1]:2022 ${B.type} ${B.b64}\n`);
  execFileSync('ssh-keygen', ['-H', '-f', f], { stdio: 'ignore' });
  const text = readFileSync(f, 'utf8');
  assert.ok(!text.includes('web1'), 'ssh-keygen hashed the names');
  const es = parseKnownHosts(text, f);
  assert.ok(es.every((e) => e.patterns[0].startsWith('|1|')));
  assert.equal(checkHostKey(es, 'web1', A.blob).status, 'ok');
  assert.equal(checkHostKey(es, 'web2', A.blob).status, 'unknown');
  assert.equal(checkHostKey(es, '[127.0.0.1]:2022', B.blob).status, 'ok');
  assert.equal(checkHostKey(es, '127.0.0.1', B.blob).status, 'unknown');
  assert.equal(checkHostKey(es, 'web1', B.blob).status, 'changed');
});

test('wildcards, ? and negation', () => {
  const es = parseKnownHosts(`*.example.com,!bad.example.com ${A.type} ${A.b64}\nnode? ${B.type} ${B.b64}\n`, 'kh');
  assert.ok(entryMatches(es[0], 'a.example.com'));
  assert.ok(entryMatches(es[0], 'A.Example.COM'));
  assert.ok(!entryMatches(es[0], 'example.com'));
  assert.ok(!entryMatches(es[0], 'bad.example.com'));
  assert.ok(entryMatches(es[1], 'node1'));
  assert.ok(!entryMatches(es[1], 'node10'));
  assert.equal(checkHostKey(es, 'bad.example.com', A.blob).status, 'unknown');
});

test('@revoked refuses the key, @cert-authority is ignored', () => {
  const es = parseKnownHosts(
    `@revoked * ${A.type} ${A.b64}\nweb1 ${A.type} ${A.b64}\n@cert-authority *.x ${B.type} ${B.b64}\n`,
    'kh',
  );
  assert.equal(checkHostKey(es, 'web1', A.blob).status, 'revoked');
  assert.equal(checkHostKey(es, 'a.x', B.blob).status, 'unknown');
});

test('a known key of another type is reported, and preferred during key exchange', () => {
  const es = parseKnownHosts(`h ${E.type} ${E.b64}\n`, 'kh');
  const r = checkHostKey(es, 'h', A.blob);
  assert.equal(r.status, 'unknown');
  assert.equal(r.status === 'unknown' && r.otherTypes.length, 1);
  assert.deepEqual(knownKeyTypes(es, 'h'), [E.type]);
  assert.equal(preferredHostKeyAlgorithms([E.type])[0], E.type);
  assert.deepEqual(preferredHostKeyAlgorithms(['ssh-rsa']).slice(0, 3), ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
});

test('verifyHostKey: unknown fails with the OpenSSH fingerprint, accept-new records it', async () => {
  const f = join(dir, 'sub', '.ssh', 'known_hosts');
  await assert.rejects(verifyHostKey({ files: [f], acceptNew: false }, 'web1', '10.1.1.1', 2222, A.blob), (e: unknown) => {
    assert.ok(e instanceof KbsError);
    assert.equal(e.code, 'HOST_KEY');
    assert.equal(e.message, `unknown host key for [10.1.1.1]:2222 (ED25519 ${A.fp})`);
    assert.match(e.hint ?? '', /--accept-new-host-keys/);
    assert.equal(e.host, 'web1');
    return true;
  });
  assert.equal(await verifyHostKey({ files: [f], acceptNew: true }, 'web1', '10.1.1.1', 2222, A.blob), 'accepted');
  assert.equal(readFileSync(f, 'utf8'), `[10.1.1.1]:2222 ssh-ed25519 ${A.b64}\n`);
  assert.equal(statSync(f).mode & 0o777, 0o600);
  assert.equal(statSync(join(dir, 'sub', '.ssh')).mode & 0o777, 0o700);
  assert.equal(await verifyHostKey({ files: [f], acceptNew: false }, 'web1', '10.1.1.1', 2222, A.blob), 'ok');
});

test('verifyHostKey: a changed key fails even with accept-new, naming file:line', async () => {
  const f = join(dir, 'changed_kh');
  writeFileSync(f, `# first\nweb1 ${A.type} ${A.b64}\n`);
  await assert.rejects(verifyHostKey({ files: [f], acceptNew: true }, 'web1', 'web1', 22, B.blob), (e: unknown) => {
    assert.ok(e instanceof KbsError);
    assert.equal(e.code, 'HOST_KEY');
    assert.match(e.message, /REMOTE HOST IDENTIFICATION HAS CHANGED/);
    assert.ok(e.message.includes(`${f}:2`));
    assert.ok(e.message.includes(B.fp));
    assert.match(e.hint ?? '', /ssh-keygen .*-R/);
    return true;
  });
  assert.equal(readFileSync(f, 'utf8'), `# first\nweb1 ${A.type} ${A.b64}\n`, 'file untouched');
});

test('verifyHostKey: a revoked key fails even with accept-new', async () => {
  const f = join(dir, 'revoked_kh');
  writeFileSync(f, `@revoked * ${A.type} ${A.b64}\n`);
  await assert.rejects(verifyHostKey({ files: [f], acceptNew: true }, 'w', 'w', 22, A.blob), /revoked/);
});

test('concurrent accepts for many hosts lose no line', async () => {
  const f = join(dir, 'many_kh');
  writeFileSync(f, 'existing ssh-ed25519 ' + A.b64); // no trailing newline
  const names = Array.from({ length: 40 }, (_, i) => `host${i}`);
  await Promise.all(names.map((n) => appendKnownHost(f, n, i(n))));
  function i(n: string) {
    return Number(n.slice(4)) % 2 ? A.blob : B.blob;
  }
  const es = parseKnownHosts(readFileSync(f, 'utf8'), f);
  assert.equal(es.length, 41);
  for (const n of names) assert.equal(checkHostKey(es, n, i(n)).status, 'ok', n);
});

test('accept-new never writes through /dev/null', async () => {
  await assert.rejects(verifyHostKey({ files: ['/dev/null'], acceptNew: true }, 'w', 'w', 22, A.blob), (e: unknown) => {
    assert.ok(e instanceof KbsError && e.code === 'HOST_KEY');
    assert.match(e.message, /not a regular file/);
    return true;
  });
  assert.ok(statSync('/dev/null').isCharacterDevice());
});
