/**
 * Python str methods in templates (`{{ s.split() }}`, `{{ s.title() }}`, ...) against Python's own,
 * on seeded random texts of words, Python's whitespace (\x1c-\x1f, \x85, U+3000; not U+FEFF),
 * accents, titlecase digraphs (ǅ), sigma, dotted I, ligatures, superscript digits, CJK numerals,
 * emoji (positions count code points): every result, or that both raise. Skipped where
 * /usr/bin/python3 is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PY, pythonCan, rng } from '../helpers/pycompare.js';
import { pyMethod } from '../../src/template/pymethods.js';
import { FILTERS } from '../../src/template/filters.js';
import { pyStr } from '../../src/template/python.js';

const hasPython = pythonCan('import json');

const PIECES = ['a', 'Kube', 'ADM', 'x1', ' ', '  ', '\t', '\n', '\x1c', '\x1f', '\x85', '\xa0', '\u3000', '\ufeff', '\u200b', 'é', 'É', 'ß', 'ǅ', 'ǆ', 'Σ', 'ς', 'İ', 'ﬁ', '²', '①', '٣', '一', '日本', '😀', 'a😀b', '-', '_', "'", '0', '42', '+7', '.', ',', 'a,b'];

const SCRIPT = `
import json, sys
out = []
for s, name, args in json.load(sys.stdin):
    try:
        r = getattr(s, name)(*args)
        out.append(list(r) if isinstance(r, tuple) else r)
    except Exception:
        out.append('<raises>')
json.dump(out, sys.stdout)
`;

type Case = [string, string, unknown[]];

function cases(seed: number, n: number): Case[] {
  const r = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const text = (max: number) => {
    let s = '';
    const k = Math.floor(r() * max);
    for (let i = 0; i < k; i++) s += pick(PIECES);
    return s;
  };
  const idx = () => pick([undefined, 0, 1, 2, 5, -1, -3, 100, -100]);
  const out: Case[] = [];
  const noArg = ['split', 'rsplit', 'strip', 'lstrip', 'rstrip', 'isspace', 'isdigit', 'isdecimal', 'isnumeric', 'isalpha', 'isalnum', 'islower', 'isupper', 'istitle', 'isascii', 'isidentifier', 'isprintable', 'title', 'capitalize', 'swapcase', 'lower', 'upper', 'casefold'];
  for (let i = 0; i < n; i++) {
    const s = text(8);
    const sub = pick(['', 'a', ' ', ',', '😀', 'ß', text(2)]);
    const bounds = (): unknown[] => {
      const a = idx();
      const b = idx();
      return a === undefined ? [] : b === undefined ? [a] : [a, b];
    };
    switch (Math.floor(r() * 9)) {
      case 0:
        out.push([s, pick(noArg), []]);
        break;
      case 1:
        out.push([s, pick(['split', 'rsplit']), [null, pick([0, 1, 2, -1])]]);
        break;
      case 2:
        out.push([s, pick(['strip', 'lstrip', 'rstrip']), [pick(['a', ' x', '😀', 'ß-', 'Kube'])]]);
        break;
      case 3:
        out.push([s, pick(['find', 'rfind', 'count', 'index', 'rindex']), [sub, ...bounds()]]);
        break;
      case 4:
        out.push([s, pick(['ljust', 'rjust', 'center']), [Math.floor(r() * 14), ...(r() < 0.5 ? [] : [pick(['*', '😀', 'é', '--'])])]]);
        break;
      case 5:
        out.push([s, 'zfill', [Math.floor(r() * 12)]]);
        break;
      case 6:
        out.push([s, pick(['partition', 'rpartition']), [pick([',', 'a', '😀', ' ', ''])]]);
        break;
      case 7:
        out.push([s, pick(['removeprefix', 'removesuffix']), [pick(['a', 'Kube', '', '😀', Array.from(s).slice(0, 2).join('')])]]);
        break;
      default:
        out.push([s, pick(['split', 'rsplit']), [pick([',', 'a', ' ', '😀']), pick([-1, 0, 1, 3])]]);
    }
  }
  return out;
}

function kbsResult(c: Case): unknown {
  const fn = pyMethod(c[0], c[1]);
  if (!fn) return '<missing>';
  try {
    const v = fn(...c[2].map((a) => (a === null ? null : a)));
    return Array.isArray(v) ? [...v] : v;
  } catch {
    return '<raises>';
  }
}

test('str methods: the same results as Python for 4000 random calls', { skip: hasPython ? false : 'no /usr/bin/python3' }, () => {
  const all = cases(20261206, 4000);
  const py = spawnSync(PY, ['-c', SCRIPT], { input: JSON.stringify(all), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(py.status, 0, py.stderr);
  const want = JSON.parse(py.stdout) as unknown[];
  const wrong = all.map((c, i) => ({ c, got: kbsResult(c), want: want[i] })).filter((x) => JSON.stringify(x.got) !== JSON.stringify(x.want));
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${all.length} differ`);
});

test('str methods: whitespace is Python\'s, positions count code points', () => {
  const call = (s: string, name: string, ...args: unknown[]) => pyMethod(s, name)!(...args);
  assert.deepEqual(call('a\x1cb\x85c\ufeffd', 'split'), ['a', 'b', 'c\ufeffd']);
  assert.deepEqual(call('a  b  c', 'rsplit', null, 1), ['a  b', 'c']);
  assert.equal(call('\x1f x \x85', 'strip'), 'x');
  assert.equal(call('😀a', 'find', 'a'), 1);
  assert.equal(call('😀', 'center', 5, '*'), '**😀**');
  assert.equal(call("they're bill's", 'title'), "They'Re Bill'S");
  assert.equal(call('ǆemal', 'capitalize'), 'ǅemal');
  assert.equal(call('²', 'isdigit'), true);
  assert.equal(call('é', 'isalpha'), true);
  assert.equal(call('é1', 'islower'), true);
});

const JINJA = `
import json, sys, jinja2
env = jinja2.Environment()
out = []
for name, v, args in json.load(sys.stdin):
    try:
        out.append(env.from_string('{{ v | %s(*a) }}' % name).render(v=v, a=args))
    except Exception:
        out.append('<raises>')
json.dump(out, sys.stdout)
`;

test("Jinja2's title, capitalize, trim and filesizeformat filters: the same text as Jinja2's for 3000 random calls", { skip: pythonCan('import jinja2') ? false : 'no jinja2' }, () => {
  const r = rng(7);
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)];
  const text = () => Array.from({ length: Math.floor(r() * 7) }, () => pick([...PIECES, '(x', '[y', '<z', '{w', 'hello.world', "it's"])).join('');
  const all: [string, unknown, unknown[]][] = [];
  for (let i = 0; i < 3000; i++) {
    const which = pick(['title', 'capitalize', 'trim', 'trim', 'filesizeformat']);
    if (which === 'filesizeformat')
      all.push([which, pick(['inf', '-inf', 'nan', ' 12 ', '1_000', '0x10', '', '12abc', '1e30', '-5', '0.5', '1', 1, 999, 1000, 1024, 123456789, true, null]), pick([[], [true]])]);
    else if (which === 'trim') all.push([which, text(), pick([[], ['a '], ['😀x']])]);
    else all.push([which, text(), []]);
  }
  const py = spawnSync(PY, ['-c', JINJA], { input: JSON.stringify(all), encoding: 'utf8', maxBuffer: 1 << 26 });
  assert.equal(py.status, 0, py.stderr);
  const want = JSON.parse(py.stdout) as unknown[];
  const mine = all.map(([name, v, args]) => {
    try {
      return pyStr((FILTERS as Record<string, (...a: unknown[]) => unknown>)[name](v, ...args));
    } catch {
      return '<raises>';
    }
  });
  const wrong = all.map((c, i) => ({ c, got: mine[i], want: want[i] })).filter((x) => x.got !== x.want);
  assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} of ${all.length} differ`);
});
