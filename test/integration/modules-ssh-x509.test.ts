/**
 * x509_certificate_info through `kbs run` over a real sshd, on certificates made here by openssl
 * (an RSA CA with basic constraints and key usage, an EC leaf signed by it with SANs of every
 * common kind, EKUs, key identifiers, OCSP must-staple and AIA; an Ed25519 and an RSA-PSS
 * self-signed one; the CA also as DER): the fields are checked against openssl's own output,
 * and compared with ansible-playbook 2.14's community.crypto module when that collection is
 * installed (the registered results must be the same, apart from integers beyond 2^53, which kbs
 * gives as their digits).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { runAnsibleLocal, runKbsLocal } from '../helpers/compare-debug.js';
import { startHosts, stopHosts, type SshdHosts } from './modules-ssh-shared.js';
import type { Sshd } from '../helpers/sshd.js';

const PB = resolve('test/fixtures/x509/info.yml');
let sshd: Sshd | undefined;
let work: string | undefined;
let h: SshdHosts;
let certs: string;

const ssl = (args: string[], cwd: string) => execFileSync('openssl', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

before(async () => {
  h = await startHosts('x509');
  sshd = h.sshd;
  work = h.work;
  certs = join(h.work, 'certs');
  mkdirSync(certs);
  chmodSync(certs, 0o755);
  ssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/C=DE/O=Kbs Test/CN=Kbs CA',
    '-addext', 'basicConstraints=critical,CA:TRUE,pathlen:1', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], certs);
  ssl(['x509', '-in', 'ca.crt', '-outform', 'der', '-out', 'ca.der'], certs);
  ssl(['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', 'leaf.key', '-out', 'leaf.csr',
    '-subj', '/CN=www.example.com/emailAddress=test@example.com/OU=Web/OU=Second, with comma'], certs);
  writeFileSync(join(certs, 'ext.cnf'), [
    'subjectAltName=DNS:www.example.com,DNS:*.example.org,IP:10.1.2.3,IP:2001:db8::1,IP:fe80:0:0:1::,email:a@example.com,URI:https://example.com/x,RID:1.2.3.4,dirName:dir_sect',
    'keyUsage=digitalSignature,keyAgreement,encipherOnly',
    'extendedKeyUsage=serverAuth,clientAuth,timeStamping,1.2.3.4.5',
    'basicConstraints=CA:FALSE',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid:always,issuer:always',
    '1.3.6.1.5.5.7.1.24=DER:30:03:02:01:05',
    'authorityInfoAccess=OCSP;URI:http://ocsp.example.com/,caIssuers;URI:http://ca.example.com/ca.crt',
    '[dir_sect]',
    'C=US',
    'O=Dir, Org',
    'CN=dir name',
    '',
  ].join('\n'));
  ssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-set_serial', '0x1234567890abcdef', '-days', '10', '-out', 'leaf.crt', '-extfile', 'ext.cnf'], certs);
  ssl(['req', '-x509', '-newkey', 'ed25519', '-nodes', '-keyout', 'ed.key', '-out', 'ed.crt', '-days', '5', '-subj', '/CN=ed/O=Ünïcode Örg'], certs);
  ssl(['req', '-x509', '-newkey', 'rsa-pss', '-pkeyopt', 'rsa_keygen_bits:2048', '-nodes', '-keyout', 'pss.key', '-out', 'rsa-pss.crt', '-days', '5', '-subj', '/CN=pss', '-set_serial', '7'], certs);
});
after(() => stopHosts(sshd, work));

type Res = Record<string, unknown>;

test('the fields agree with openssl', async () => {
  const k = await runKbsLocal([PB, '-i', h.inv, '-e', `certs=${certs}`]);
  assert.equal(k.code, 0, k.out.slice(-3000));
  const [leaf, ca, ed, pss] = k.msgs.asroot[0] as Res[];
  const x = (file: string, ...args: string[]) => ssl(['x509', '-in', file, '-noout', ...args], certs).trim();
  assert.equal(leaf.serial_number, BigInt('0x1234567890abcdef').toString());
  assert.equal(pss.serial_number, 7);
  assert.equal(String((leaf.fingerprints as Res).sha256).toUpperCase(), x('leaf.crt', '-fingerprint', '-sha256').replace(/^.*=/, ''));
  assert.equal(String((ca.fingerprints as Res).sha1).toUpperCase(), x('ca.crt', '-fingerprint', '-sha1').replace(/^.*=/, ''));
  const end = new Date(x('leaf.crt', '-enddate').replace(/^notAfter=/, ''));
  assert.equal(leaf.not_after, end.toISOString().replace(/[-:T]/g, '').replace(/\.\d+Z$/, 'Z'));
  assert.deepEqual(leaf.subject_ordered, [['commonName', 'www.example.com'], ['emailAddress', 'test@example.com'], ['organizationalUnitName', 'Web'], ['organizationalUnitName', 'Second, with comma']]);
  assert.deepEqual(leaf.issuer, { countryName: 'DE', organizationName: 'Kbs Test', commonName: 'Kbs CA' });
  assert.deepEqual(leaf.subject_alt_name, [
    'DNS:www.example.com', 'DNS:*.example.org', 'IP:10.1.2.3', 'IP:2001:db8::1', 'IP:fe80:0:0:1::', 'email:a@example.com',
    'URI:https://example.com/x', 'RID:1.2.3.4', 'dirName:CN=dir name,O=Dir\\, Org,C=US',
  ]);
  assert.deepEqual(leaf.key_usage, ['Digital Signature', 'Encipher Only', 'Key Agreement']);
  assert.deepEqual(leaf.extended_key_usage, ['1.2.3.4.5', 'TLS Web Client Authentication', 'TLS Web Server Authentication', 'Time Stamping']);
  assert.deepEqual(ca.basic_constraints, ['CA:TRUE', 'pathlen:1']);
  assert.equal(ca.basic_constraints_critical, true);
  assert.equal(leaf.ocsp_must_staple, true);
  assert.equal(leaf.ocsp_uri, 'http://ocsp.example.com/');
  assert.equal(leaf.issuer_uri, 'http://ca.example.com/ca.crt');
  const ski = x('ca.crt', '-ext', 'subjectKeyIdentifier').split('\n')[1].trim();
  assert.equal(String(leaf.authority_key_identifier).toUpperCase(), ski);
  assert.deepEqual(leaf.authority_cert_issuer, ['dirName:CN=Kbs CA,O=Kbs Test,C=DE']);
  assert.equal(leaf.public_key, ssl(['x509', '-in', 'leaf.crt', '-noout', '-pubkey'], certs));
  assert.equal(leaf.public_key_type, 'ECC');
  assert.equal((leaf.public_key_data as Res).curve, 'secp256r1');
  assert.equal(ca.public_key_type, 'RSA');
  assert.equal((ca.public_key_data as Res).exponent, 65537);
  assert.equal(BigInt(String((ca.public_key_data as Res).modulus)).toString(16).toUpperCase(), x('ca.crt', '-modulus').replace(/^Modulus=/, ''));
  assert.equal(ed.public_key_type, 'Ed25519');
  assert.equal(ed.signature_algorithm, 'ED25519');
  assert.equal(leaf.signature_algorithm, 'sha256WithRSAEncryption');
  assert.deepEqual(leaf.valid_at, { now: true, later: false, earlier: false, point: false, short: false });
  assert.equal(leaf.version, 3);
  assert.equal(leaf.expired, false);
  assert.equal((k.msgs.asroot[1] as Res).serial_number, leaf.serial_number, 'content: gives the same as path:');
  assert.match(String(k.msgs.asroot[2]), /^Error while reading certificate file from disk: \[Errno 2\] No such file or directory: '.*nope\.crt'$/);
  assert.equal(k.msgs.asroot[3], 'The time spec "tomorrow" for valid_at.x is invalid');
});

/** ansible-playbook's JSON with integers beyond 2^53 as text (JSON.parse would round them), as kbs gives them */
function bigAsText(json: string): string {
  return json.replace(/("(?:[^"\\]|\\.)*")|(-?\d{16,})/g, (all, str: string | undefined, num: string | undefined) => {
    if (str !== undefined || num === undefined) return all;
    const b = BigInt(num);
    return b > BigInt(Number.MAX_SAFE_INTEGER) || b < -BigInt(Number.MAX_SAFE_INTEGER) ? `"${num}"` : num;
  });
}

const hasCrypto = (() => {
  try {
    return /community\.crypto/.test(execFileSync('ansible-galaxy', ['collection', 'list', 'community.crypto'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }));
  } catch {
    return false;
  }
})();

test('the same results as ansible-playbook with community.crypto', { skip: hasCrypto ? false : 'community.crypto is not installed for ansible-playbook' }, async () => {
  const drop = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(drop);
    if (v && typeof v === 'object') {
      const o: Res = {};
      for (const [key, val] of Object.entries(v)) if (key !== 'invocation' && key !== 'ansible_facts') o[key] = drop(val);
      return o;
    }
    return v;
  };
  const a = await runAnsibleLocal(h.work, ['-i', h.inv, PB, '-e', `certs=${certs}`], {});
  const k = await runKbsLocal([PB, '-i', h.inv, '-e', `certs=${certs}`]);
  assert.equal(a.code, 0, a.out.slice(-3000));
  assert.equal(k.code, 0, k.out.slice(-3000));
  const start = a.out.indexOf('{\n');
  const doc = JSON.parse(bigAsText(a.out.slice(start, a.out.lastIndexOf('\n}') + 2))) as { plays: { tasks: { hosts: Record<string, Res> }[] }[] };
  const aMsgs: Record<string, unknown[]> = {};
  for (const t of doc.plays[0].tasks) for (const [host, res] of Object.entries(t.hosts)) if (res.action === 'debug') (aMsgs[host] ??= []).push(res.msg);
  // a bad valid_at time: community.crypto 2.14 fails with a traceback (MODULE FAILURE), kbs with the message it meant
  for (const host of Object.keys(aMsgs)) {
    assert.equal(aMsgs[host][3], 'MODULE FAILURE\nSee stdout/stderr for the exact error');
    aMsgs[host][3] = k.msgs[host]?.[3];
  }
  assert.deepEqual(drop(k.msgs), drop(aMsgs));
});
