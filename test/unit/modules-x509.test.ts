/**
 * x509_certificate_info's parts that need no host: the time specs of valid_at, the DER reader's
 * integers and times, and a certificate made by openssl read into community.crypto's fields.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bigInt, intValue, readDer, time } from '../../src/modules/x509/der.js';
import { certificateDer, certificateInfo, relativeTime } from '../../src/modules/x509/cert.js';

test('relativeTime: +/- weeks days hours minutes seconds, ASN.1 times with Z or an offset, else undefined', () => {
  const now = new Date(Date.UTC(2026, 0, 10, 12, 0, 0));
  assert.equal(relativeTime('+1w2d3h4m5s', now)?.toISOString(), '2026-01-19T15:04:05.000Z');
  assert.equal(relativeTime('-30', now)?.toISOString(), '2026-01-10T11:59:30.000Z');
  assert.equal(relativeTime('+0', now)?.toISOString(), now.toISOString());
  assert.equal(relativeTime('20200101000000Z', now)?.toISOString(), '2020-01-01T00:00:00.000Z');
  assert.equal(relativeTime('202001010000Z', now)?.toISOString(), '2020-01-01T00:00:00.000Z');
  assert.equal(relativeTime('20200101000000+0100', now)?.toISOString(), '2019-12-31T23:00:00.000Z');
  for (const bad of ['+', 'tomorrow', '+1y', '2020-01-01']) assert.equal(relativeTime(bad, now), undefined, bad);
});

test('DER: integers (negative too) and times; big integers as digits', () => {
  assert.equal(bigInt(readDer(Buffer.from([0x02, 0x02, 0x00, 0xff]))), 255n);
  assert.equal(bigInt(readDer(Buffer.from([0x02, 0x01, 0xff]))), -1n);
  assert.equal(intValue(2n ** 53n), '9007199254740992');
  assert.equal(intValue(2n ** 53n - 1n), Number.MAX_SAFE_INTEGER);
  assert.equal(time(readDer(Buffer.concat([Buffer.from([0x17, 13]), Buffer.from('491231235959Z')]))).toISOString(), '2049-12-31T23:59:59.000Z');
  assert.equal(time(readDer(Buffer.concat([Buffer.from([0x17, 13]), Buffer.from('500101000000Z')]))).toISOString(), '1950-01-01T00:00:00.000Z');
  assert.equal(time(readDer(Buffer.concat([Buffer.from([0x18, 15]), Buffer.from('20510101000000Z')]))).toISOString(), '2051-01-01T00:00:00.000Z');
});

test('certificateInfo: an openssl certificate read as community.crypto reports it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kbs-x509-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:secp384r1', '-nodes', '-keyout', join(dir, 'k'), '-out', join(dir, 'c.pem'),
    '-days', '1', '-subj', '/CN=one/O=Org', '-set_serial', '255', '-addext', 'subjectAltName=IP:2001:0:0:1:0:0:0:1,IP:1:0:0:0:0:0:0:0,DNS:x',
    '-addext', 'extendedKeyUsage=critical,codeSigning'], { stdio: 'ignore' });
  const pem = readFileSync(join(dir, 'c.pem'));
  const { info, notBefore, notAfter } = certificateInfo(certificateDer(pem));
  assert.equal(notAfter.getTime() - notBefore.getTime(), 86400000);
  assert.equal(info.serial_number, 255);
  assert.deepEqual(info.subject_ordered, [['commonName', 'one'], ['organizationName', 'Org']]);
  assert.deepEqual(info.subject_alt_name, ['IP:2001:0:0:1::1', 'IP:1::', 'DNS:x']);
  assert.deepEqual(info.extended_key_usage, ['Code Signing']);
  assert.equal(info.extended_key_usage_critical, true);
  assert.equal(info.key_usage, null);
  assert.equal(info.public_key_type, 'ECC');
  assert.deepEqual(Object.keys(info.public_key_data as object).sort(), ['curve', 'exponent_size', 'x', 'y']);
  assert.equal((info.public_key_data as Record<string, unknown>).exponent_size, 384);
  assert.equal(info.signature_algorithm, 'ecdsa-with-SHA256');
  assert.equal(info.version, 3);
  assert.throws(() => certificateDer(Buffer.from('not a certificate')), /no certificate found/);
  rmSync(dir, { recursive: true, force: true });
});
