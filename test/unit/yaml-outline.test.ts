/**
 * The outline kept across runs (src/yaml/outline.ts) gives the loader the same positions and tags
 * as the parsed document: posAt over the outline equals posAt over the document for every path
 * into a file (and paths that leave it), and tagIn finds the tags yaml's getIn finds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml, posAt, type YamlPath } from '../../src/yaml/read.js';
import { outlineOf, tagIn, isOutline } from '../../src/yaml/outline.js';

const DOCS: Record<string, string> = {
  playbook: `- name: a play
  hosts: all
  vars:
    empty:
    list: [1, 2, {x: y}]
    nested: {a: {b: [c, d]}}
    raw: !unsafe "{{ not templated }}"
    rawlist: !unsafe ["{{ a }}", b]
  tasks:
    - name: one
      debug:
        msg: "{{ x }}"
    - debug: var=x
      when:
        - a
        - b
`,
  anchors: `base: &b {x: 1, y: [2, 3]}
copy: *b
merged:
  <<: *b
  z: 4
5: five
? 
: nokey
"quoted key": 1
flow: {a, b: , c: 1}
? lonely
`,
  scalar: `just text\n`,
  empty: `# only a comment\n`,
  flowseq: `[a, [b, c], {d: e}, ~]\n`,
};

/** every path into a value, plus a missing key and a past-the-end index below each collection */
function pathsOf(v: unknown, at: YamlPath = [], out: YamlPath[] = []): YamlPath[] {
  out.push(at);
  if (Array.isArray(v)) {
    v.forEach((x, i) => pathsOf(x, [...at, i], out));
    out.push([...at, v.length], [...at, 'nope'], [...at, 0, 'deeper']);
  } else if (v && typeof v === 'object') {
    for (const k of Object.keys(v)) pathsOf((v as Record<string, unknown>)[k], [...at, k], out);
    out.push([...at, 'no-such-key'], [...at, 0]);
  } else out.push([...at, 'below-a-scalar']);
  return out;
}

for (const [name, text] of Object.entries(DOCS)) {
  test(`positions from the outline equal those from the document: ${name}`, () => {
    const yf = parseYaml(`/x/${name}.yml`, text);
    const outline = outlineOf(yf.doc);
    assert.ok(isOutline(outline));
    const viaOutline = { file: yf.file, lc: yf.lc, value: yf.value, outline };
    const paths = pathsOf(yf.value);
    assert.ok(paths.length > 1);
    for (const p of paths)
      for (const which of ['key', 'value'] as const) assert.deepEqual(posAt(viaOutline, p, which), posAt(yf, p, which), `${JSON.stringify(p)} (${which})`);
    for (const p of paths) {
      const node = yf.doc.getIn(p, true) as { tag?: string } | undefined;
      assert.equal(tagIn(outline, p), node?.tag, JSON.stringify(p));
    }
  });
}

test('the tags the loader asks for are found: !unsafe on a scalar and on a list', () => {
  const yf = parseYaml('/x/p.yml', DOCS.playbook);
  const outline = outlineOf(yf.doc);
  assert.equal(tagIn(outline, [0, 'vars', 'raw']), '!unsafe');
  assert.equal(tagIn(outline, [0, 'vars', 'rawlist']), '!unsafe');
  assert.equal(tagIn(outline, [0, 'vars', 'list']), undefined);
  // a list index written as text, as yaml's getIn reads it
  assert.equal(tagIn(outline, ['0', 'vars', 'raw']), '!unsafe');
});

test('an outline read back from a file edited by hand is refused when it is not one', () => {
  for (const bad of [[1], [0, 1, 'x', undefined], [0, 0, [], undefined], [0, 1, [['k', 1]], undefined], [0, 2, [7], undefined], 'text', [0, 3, [], undefined]]) assert.equal(isOutline(bad), false, JSON.stringify(bad));
  assert.equal(isOutline(null), true);
  assert.equal(isOutline([0, 1, [['k', 3, [5, 0, undefined, '!unsafe']]], undefined]), true);
});
