/**
 * The ansible.builtin filters and tests that real roles call and kbs lacked, compared with
 * ansible-playbook 2.14 on the same playbook (connection local): log, pow, root, human_readable,
 * human_to_bytes, combinations, permutations, rekey_on_member, expandvars, realpath, relpath,
 * fileglob, urldecode, to_uuid, comment, vault (with a fixed salt, so the text is the same) and
 * unvault; the tests issubset, issuperset, uri, url and urn. Each shows its result with debug.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareLocal, writeTree } from '../helpers/compare-local.js';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'kbs-cmp-filters-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const SHOW: Record<string, string> = {
  'log e': '{{ 100 | log }}',
  'log 10': '{{ 1000 | log(10) }}',
  'log 2': '{{ 8 | log(2) }}',
  'pow': '{{ 2 | pow(10) }}',
  'pow float': '{{ 2.5 | pow(2) }}',
  'root': '{{ 16 | root }}',
  'root 3': '{{ 27 | root(3) }}',
  'human_readable': '{{ 1152 | human_readable }}',
  'human_readable big': '{{ 123456789012 | human_readable }}',
  'human_readable unit': '{{ 1048576 | human_readable(unit="K") }}',
  'human_readable bits': '{{ 2048 | human_readable(isbits=true) }}',
  'human_readable small': '{{ 10 | human_readable }}',
  'human_to_bytes': '{{ "10M" | human_to_bytes }}',
  'human_to_bytes KB': '{{ "1.5 KB" | human_to_bytes }}',
  'human_to_bytes unit': '{{ 2 | human_to_bytes("G") }}',
  'human_to_bytes bits': '{{ "1Mb" | human_to_bytes(isbits=true) }}',
  'human_to_bytes plain': '{{ "2.5" | human_to_bytes }}',
  'combinations': '{{ [1, 2, 3] | combinations(2) | list }}',
  'permutations': '{{ "abc" | permutations | list }}',
  'permutations r': '{{ [1, 2, 3] | permutations(2) | map("join", "-") | list }}',
  'rekey list': '{{ [{"name": "a", "v": 1}, {"name": "b", "v": 2}] | rekey_on_member("name") }}',
  'rekey dict': '{{ {"x": {"id": "p"}, "y": {"id": "q"}} | rekey_on_member("id") }}',
  'rekey overwrite': '{{ [{"k": 1, "v": 1}, {"k": 1, "v": 2}] | rekey_on_member("k", duplicates="overwrite") }}',
  'expandvars': '{{ "$KBS_CMP_VAR and ${KBS_CMP_VAR}/x $NOT_SET_KBS ${NOT_SET_KBS}" | expandvars }}',
  'realpath': '{{ (playbook_dir ~ "/link/f1.txt") | realpath == (playbook_dir ~ "/files/f1.txt") | realpath }}',
  'realpath missing': '{{ (playbook_dir ~ "/link/none/x") | realpath | basename }}',
  'relpath': '{{ "/a/b/c" | relpath("/a/d") }}',
  'relpath same': '{{ "/a" | relpath("/a") }}',
  'fileglob': '{{ (playbook_dir ~ "/files/*.txt") | fileglob | map("basename") | sort }}',
  'fileglob nested': '{{ (playbook_dir ~ "/*/f*.txt") | fileglob | map("relpath", playbook_dir) | sort }}',
  'fileglob none': '{{ (playbook_dir ~ "/nothing/*") | fileglob }}',
  'urldecode': '{{ "a%20b+c%2Fd%C3%A9%zz" | urldecode }}',
  'to_uuid': '{{ "www.example.com" | to_uuid }}',
  'to_uuid ns': '{{ "www.example.com" | to_uuid(namespace="6ba7b810-9dad-11d1-80b4-00c04fd430c8") }}',
  'comment': '{{ "one\\ntwo" | comment }}',
  'comment c': '{{ "x" | comment("c") }}',
  'comment cblock': '{{ "a\\nb" | comment("cblock") }}',
  'comment xml': '{{ "x" | comment("xml") }}',
  'comment custom': '{{ "x" | comment(decoration="; ", prefix_count=2, postfix="", end="END") }}',
  'vault': '{{ "secret text" | vault("pw", salt="fixedsalt") }}',
  // (kbs masks what unvault decrypts, as every decrypted vault value: compared through ==)
  'vault roundtrip': '{{ ("round trip" | vault("pw2") | unvault("pw2")) == "round trip" }}',
  'unvault plain': '{{ "not vaulted" | unvault("pw") }}',
  'issubset': '{{ [1, 2] is issubset([1, 2, 3]) }} {{ [4] is issubset([1]) }}',
  'issuperset': '{{ [1, 2, 3] is issuperset([3]) }}',
  'uri': '{{ "http://x/y" is uri }} {{ "just text" is uri }} {{ 5 is uri }} {{ "ftp://x" is uri(["http", "https"]) }}',
  'url': '{{ "http://x/y" is url }} {{ "file:///etc" is url }} {{ "mailto:a@b" is url }} {{ "x" is url }}',
  'urn': '{{ "urn:isbn:0451450523" is urn }} {{ "http://x" is urn }}',
};

test('ansible.builtin math, path, text and vault filters and the uri/subset tests: as ansible-playbook', async () => {
  const d = join(dir, 'f');
  const tasks = Object.entries(SHOW).map(([name, expr]) => `    - name: ${name}\n      debug:\n        msg: ${JSON.stringify(expr)}\n`);
  writeTree(d, {
    'inv.ini': 'w1 ansible_connection=local ansible_python_interpreter=/usr/bin/python3\n',
    'pb.yml': `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks.join('')}`,
    'files/f1.txt': 'one\n',
    'files/f2.txt': 'two\n',
    'files/.hidden.txt': 'h\n',
    'other/f3.txt': 'three\n',
  });
  symlinkSync(join(d, 'files'), join(d, 'link'));
  process.env.KBS_CMP_VAR = 'expanded';
  const r = await compareLocal(d, 'pb.yml', 'inv.ini');
  assert.equal(r.ansibleCode, 0, r.ansibleOut.slice(-3000));
  assert.equal(r.kbsCode, 0, r.kbsOut.slice(-3000));
  assert.equal(Object.keys(r.ansible).length, Object.keys(SHOW).length, 'ansible ran every task');
  assert.deepEqual(r.kbs, r.ansible);
  // a few results spelled out, so that the comparison cannot pass on two wrong answers
  assert.equal(r.kbs['human_readable'].w1, '1.12 KB');
  assert.equal(r.kbs['to_uuid'].w1, '69680a13-a686-5d20-a166-0e7b3b17ef84');
  assert.match(String(r.kbs['vault'].w1), /^\$ANSIBLE_VAULT;1\.2;AES256;filter_default\n/);
  assert.equal(r.kbs['vault roundtrip'].w1, true);
});
