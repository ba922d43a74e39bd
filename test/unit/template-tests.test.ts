import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KbsError } from '../../src/errors.js';
import { createTemplater } from '../../src/template/index.js';
import { compareLoose, versionCompare } from '../../src/template/version.js';

const t = createTemplater();
const vars: Record<string, unknown> = {
  ok: { changed: false, failed: false, rc: 0 },
  changed: { changed: true, failed: false },
  bad: { changed: false, failed: true, msg: 'boom' },
  skipped: { changed: false, skipped: true },
  down: { unreachable: true },
  text: 'kubelet v1.30.4',
};
const e = (expr: string) => t.evaluate(expr, vars);

test('defined / undefined / none', () => {
  assert.equal(e('text is defined'), true);
  assert.equal(e('nope is defined'), false);
  assert.equal(e('nope is undefined'), true);
  assert.equal(e('text is undefined'), false);
  assert.equal(e('none is none'), true);
  assert.equal(e('text is none'), false);
  assert.equal(e('text is not none'), true);
});

test('registered result tests: succeeded/success, failed/failure, changed/change, skipped/skip', () => {
  assert.equal(e('ok is succeeded'), true);
  assert.equal(e('ok is success'), true);
  assert.equal(e('bad is succeeded'), false);
  assert.equal(e('bad is failed'), true);
  assert.equal(e('bad is failure'), true);
  assert.equal(e('ok is failed'), false);
  assert.equal(e('changed is changed'), true);
  assert.equal(e('changed is change'), true);
  assert.equal(e('ok is changed'), false);
  assert.equal(e('skipped is skipped'), true);
  assert.equal(e('skipped is skip'), true);
  assert.equal(e('ok is skipped'), false);
  assert.equal(e('{} is succeeded'), true); // no failed key: succeeded
  assert.equal(e('down is unreachable'), true);
  assert.equal(e('ok is reachable'), true);
  assert.equal(e('ok is not failed and changed is changed'), true);
  assert.throws(() => e('"x" is failed'), (err: unknown) => err instanceof KbsError && err.code === 'TEMPLATE' && /expects a dictionary/.test(err.message));
  assert.throws(() => e('missing_result is failed'), (err: unknown) => err instanceof KbsError && err.code === 'UNDEFINED');
});

test('match (anchored) / search / regex', () => {
  assert.equal(e('text is match("kubelet")'), true);
  assert.equal(e('text is match("v1")'), false);
  assert.equal(e('text is search("v1")'), true);
  assert.equal(e('text is search("^v1")'), false);
  assert.equal(e('text is regex("v\\\\d+\\\\.30")'), true);
  assert.equal(e('text is match("KUBELET", ignorecase=True)'), true);
  assert.equal(e('"a\\nb" is match("b", multiline=True)'), false); // match anchors at the start even with multiline
  assert.equal(e('"a\\nb" is search("^b", multiline=True)'), true);
  assert.equal(e('"abc" is regex("abc", match_type="fullmatch")'), true);
  assert.equal(e('"abcd" is regex("abc", match_type="fullmatch")'), false);
  assert.equal(e('text is not match("x")'), true);
});

test('version with every operator', () => {
  const cases: Array<[string, string, string, boolean]> = [
    ['1.30.4', '1.30.0', '>=', true],
    ['1.30.4', '1.30.0', 'ge', true],
    ['1.30.4', '1.30.4', '>=', true],
    ['1.29.9', '1.30.0', '>=', false],
    ['1.30.4', '1.30.0', '>', true],
    ['1.30.4', '1.30.0', 'gt', true],
    ['1.30.0', '1.30.0', '>', false],
    ['v1.29.6', '1.30', '<', true],
    ['v1.29.6', '1.30', 'lt', true],
    ['1.30.0', '1.30.0', '<', false],
    ['1.30.0', '1.30.0', '<=', true],
    ['1.30.1', '1.30.0', 'le', false],
    ['1.30.0', '1.30.0', '==', true],
    ['1.30.0', '1.30.0', '=', true],
    ['1.30.0', '1.30.0', 'eq', true],
    ['v1.30.0', '1.30.0', 'eq', true],
    ['1.30.0', '1.30.1', '!=', true],
    ['1.30.0', '1.30.1', '<>', true],
    ['1.30.0', '1.30.0', 'ne', false],
    ['1.10.0', '1.9.0', '>', true], // numeric, not lexicographic
    ['1.30', '1.30.0', '<', true], // LooseVersion: shorter is smaller
  ];
  for (const [a, b, op, want] of cases) {
    assert.equal(e(`"${a}" is version("${b}", "${op}")`), want, `${a} ${op} ${b}`);
  }
  assert.equal(e('"1.30.0" is version("1.30.0")'), true); // default operator eq
  assert.equal(e('"1.30.0" is version_compare("1.29", ">")'), true);
  assert.equal(e('"1.30.0" is version("1.30.0", operator="ge")'), true);
  assert.throws(() => e('"1.30" is version("1.29", "~")'), /invalid version comparison operator/);
});

test('version: strict and semver flavours', () => {
  assert.equal(e('"1.2.3" is version("1.2.2", ">", strict=True)'), true);
  assert.throws(() => e('"v1.2.3" is version("1.2", ">", strict=True)'), /invalid version number/);
  assert.equal(e('"1.2.3-rc.1" is version("1.2.3", "<", version_type="semver")'), true);
  assert.equal(e('"v1.2.3" is version("1.2.3", "==", version_type="semver")'), true);
  assert.equal(versionCompare('1.0b1', '1.0', 'lt', true), true);
  assert.equal(compareLoose('1.2.3a', '1.2.3'), 1);
  assert.equal(compareLoose('2', '10'), -1);
});

test('type tests: string, number, integer, float, mapping, sequence, iterable, boolean, true, false', () => {
  assert.equal(e('"x" is string'), true);
  assert.equal(e('1 is string'), false);
  assert.equal(e('1 is number'), true);
  assert.equal(e('1.5 is number'), true);
  assert.equal(e('"1" is number'), false);
  assert.equal(e('1 is integer'), true);
  assert.equal(e('1.5 is float'), true);
  assert.equal(e('{} is mapping'), true);
  assert.equal(e('[] is mapping'), false);
  assert.equal(e('[] is sequence'), true);
  assert.equal(e('"s" is sequence'), true);
  assert.equal(e('1 is sequence'), false);
  assert.equal(e('[] is iterable'), true);
  assert.equal(e('{} is iterable'), true);
  assert.equal(e('1 is iterable'), false);
  assert.equal(e('true is boolean'), true);
  assert.equal(e('"true" is boolean'), false);
  assert.equal(e('true is true'), true);
  assert.equal(e('1 is true'), false);
  assert.equal(e('false is false'), true);
  assert.equal(e('none is false'), false);
});

test('in / contains / equalto / eq / sameas / comparison tests', () => {
  assert.equal(e('"a" is in ["a", "b"]'), true);
  assert.equal(e('"z" is in ["a", "b"]'), false);
  assert.equal(e('"b" is in(["a", "b"])'), true);
  assert.equal(e('9 is divisibleby 3'), true);
  assert.equal(e('none is sameas none'), true);
  assert.equal(e('text is defined and 1 is odd'), true);
  assert.equal(e('"y" if nope is defined else "n"'), 'n');
  assert.equal(e('"ub" is in "kube"'), true);
  assert.equal(e('["a", "b"] is contains("b")'), true);
  assert.equal(e('["a", "b"] is contains("z")'), false);
  assert.equal(e('1 is equalto(1)'), true);
  assert.equal(e('1 is eq(2)'), false);
  assert.equal(e('[1] is equalto([1])'), true);
  assert.equal(e('none is sameas(none)'), true);
  assert.equal(e('true is sameas(true)'), true);
  assert.equal(e('[1] is sameas([1])'), false);
  assert.equal(e('3 is gt(2)'), true);
  assert.equal(e('3 is lt(2)'), false);
  assert.equal(e('3 is ge(3)'), true);
  assert.equal(e('3 is le(2)'), false);
  assert.equal(e('3 is ne(2)'), true);
});

test('truthy / falsy / subset / superset / divisibleby / odd / even / any / all', () => {
  assert.equal(e('"x" is truthy'), true);
  assert.equal(e('"" is truthy'), false);
  assert.equal(e('[] is falsy'), true);
  assert.equal(e('"no" is truthy'), true);
  assert.equal(e('"no" is truthy(convert_bool=True)'), false);
  assert.equal(e('"yes" is falsy(convert_bool=True)'), false);
  assert.equal(e('[1, 2] is subset([1, 2, 3])'), true);
  assert.equal(e('[1, 4] is subset([1, 2, 3])'), false);
  assert.equal(e('[1, 2, 3] is superset([3, 1])'), true);
  assert.equal(e('[1, 2] is superset([3])'), false);
  assert.equal(e('9 is divisibleby(3)'), true);
  assert.equal(e('3 is odd'), true);
  assert.equal(e('4 is even'), true);
  assert.equal(e('[0, 1] is any'), true);
  assert.equal(e('[0, 1] is all'), false);
});

test('tests raise on undefined values (except defined/undefined)', () => {
  for (const test of ['none', 'string', 'match("x")', 'version("1.0", ">")', 'truthy', 'in([1])']) {
    assert.throws(
      () => e(`missing_value is ${test}`),
      (err: unknown) => err instanceof KbsError && err.code === 'UNDEFINED' && /'missing_value'/.test(err.message),
      test,
    );
  }
});
