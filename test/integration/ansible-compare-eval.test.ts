/**
 * Evaluation semantics compared with ansible-playbook 2.14 on the same playbook (local host):
 * conditionals (when, changed_when, failed_when, until, assert's that), the types and text of
 * template results, the template module's trailing newlines, hostvars as JSON, ignore_errors
 * over templating errors, and Python's arithmetic and number printing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareFiles } from '../helpers/compare-files.js';

const VARS = {
  s_false: 'false',
  s_False: 'False',
  s_empty: '',
  s_zero: '0',
  i_zero: 0,
  i_one: 1,
  l_empty: [],
  d_empty: {},
  l_full: [0],
  s_yes: 'yes',
  s_no: 'no',
  n_none: null,
  s_expr: '1 == 2',
  s_expr_true: '1 == 1',
  s_name: 's_false',
  s_ref: '{{ s_false }}',
  b_true: true,
  b_false: false,
  s_text: 'hello',
  s_tmpl_false: '{{ false }}',
  s_tmpl_list: '[{{ i_zero }}]',
};

/** conditions whose outcome (ran, skipped, failed) must be Ansible's */
const CONDITIONS = [
  's_false', 's_False', 's_empty', 's_zero', 'i_zero', 'i_one', 'l_empty', 'd_empty', 'l_full', 's_yes', 's_no',
  'n_none', 's_expr', 's_expr_true', 's_name', 's_ref', 'b_true', 'b_false', 's_text', 's_tmpl_false', 's_tmpl_list',
  'undefined_v', "'false'", "'False'", "''", "'0'", 'false', 'False', "'1 == 2'", 's_false | bool', 's_yes | bool',
  's_text | bool', '[]', '{}', '[0]', 'none', 'None', '0', '1', '0.0', "'0.0'", "'  '", '[s_false, b_true]', 'not s_false',
  "s_false == 'false'", 's_false and b_true', '{{ s_false }}', '{{ s_expr }}', '{{ s_expr_true }}', '{{ s_text }}',
  '{{ i_zero }}', '{{ l_empty }}', '{{ s_name }}', '{{ b_false }}', '{{ s_tmpl_list }}', 'n_none is none',
  'undefined_v is defined', 'undefined_v is undefined', 'd_empty.x is undefined', 's_expr is string', "'{{ s_false }}'",
  "'{{ s_expr }}' == '1 == 2'", '{{ s_false }} or b_true', '{{ i_zero }} == 0',
];

test('conditionals: when, changed_when, failed_when, until and assert as ansible-playbook 2.14', async () => {
  const tasks: unknown[] = CONDITIONS.map((c, i) => ({ name: `c${i}`, debug: { msg: 'ran' }, when: c, register: `r${i}`, ignore_errors: true }));
  const extra: Record<string, unknown>[] = [
    { name: 'cw', command: 'true', changed_when: 's_false', register: 'cw' },
    { name: 'cw2', command: 'true', changed_when: '{{ s_false }}', register: 'cw2' },
    { name: 'cw3', command: 'true', changed_when: ['b_true', 's_no'], register: 'cw3' },
    { name: 'fw', command: 'true', failed_when: 's_no', register: 'fw', ignore_errors: true },
    { name: 'fw2', command: 'true', failed_when: '{{ s_no }}', register: 'fw2', ignore_errors: true },
    { name: 'as', assert: { that: ['s_false', 's_no', 'l_full'] }, register: 'as1', ignore_errors: true },
    { name: 'as2', assert: { that: 'l_empty' }, register: 'as2', ignore_errors: true },
    { name: 'ut', command: 'true', until: 's_false', retries: 1, delay: 0, register: 'ut', ignore_errors: true },
  ];
  const outcome = (r: string) => `('F' if ${r}.failed|default(false) else 'S' if ${r}.skipped|default(false) else 'R')`;
  const summary =
    '{{ {' +
    CONDITIONS.map((_c, i) => `'c${i}': ${outcome(`r${i}`)}`).join(', ') +
    ", 'cw': cw.changed, 'cw2': cw2.changed, 'cw3': cw3.changed, 'fw': fw.failed, 'fw2': fw2.failed, 'as1': as1.failed, 'as2': as2.failed, 'ut': ut.failed } | to_json }}";
  const play = [{ hosts: 'localhost', gather_facts: false, vars: VARS, tasks: [...tasks, ...extra, { copy: { content: summary, dest: '{{ out }}/when.json' } }] }];
  const r = await compareFiles(JSON.stringify(play, null, 1));
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  const a = JSON.parse(r.ansible.files['when.json']) as Record<string, unknown>;
  const k = JSON.parse(r.kbs.files['when.json']) as Record<string, unknown>;
  const named = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).map(([key, v]) => [key.startsWith('c') && /^c\d+$/.test(key) ? CONDITIONS[Number(key.slice(1))] : key, v]));
  assert.deepEqual(named(k), named(a));
  // the comparison saw each kind of outcome
  assert.ok(['R', 'S', 'F'].every((o) => Object.values(a).includes(o)));
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
});

test('template results: text, numbers, lists and dicts from rendered text, None, booleans, string filters', async () => {
  const values: Record<string, string> = {
    sum: '{{ 1 + 1 }}',
    sum_eq: '{{ sum == 2 }}',
    sum_t: '{{ sum | type_debug }}',
    n_t: '{{ n | type_debug }}',
    len: '{{ l | length }}',
    lst_t: '{{ lst | type_debug }}',
    lst_first: '{{ lst[0] + 1 }}',
    dct_t: '{{ dct | type_debug }}',
    tru_t: '{{ tru | type_debug }}',
    tru_sp_t: '{{ tru_sp | type_debug }}',
    none_t: '{{ nn | type_debug }}',
    none_var_t: '{{ nonev | type_debug }}',
    none_var: '{{ nonev }}',
    none_mid: 'x{{ nn }}y',
    none_lit_t: '{{ nonelit | type_debug }}',
    json_t: '{{ js | type_debug }}',
    json_lst_t: "{{ ([1] | to_json) | type_debug }}",
    json_true_t: '{{ jtrue | type_debug }}',
    json_nice: '{{ {"a": [1, none]} | to_nice_json }}',
    str_lst_t: '{{ strl | type_debug }}',
    lead_t: '{{ lead | type_debug }}',
    trail_t: '{{ trail | type_debug }}',
    tuple: '{{ (1, 2) }}',
    tuple_t: '{{ tup | type_debug }}',
    l: '{{ l }}',
    d: '{{ {"k": [1, "x", true, none]} }}',
    hv_name: '{{ (hostvars[inventory_hostname] | to_nice_json | from_json).inventory_hostname }}',
    hv_t: '{{ hostvars[inventory_hostname] | to_json | type_debug }}',
    multi: '{% if n > 1 %}[1, 2]{% endif %}',
    multi_t: '{{ multi_v | type_debug }}',
    quoted_t: '{{ quoted | type_debug }}',
  };
  const play = [
    {
      hosts: 'localhost',
      gather_facts: false,
      vars: {
        n: 3,
        l: [1, 'a'],
        nn: null,
        sum: '{{ 1 + 1 }}',
        lst: '[{{ n }}, 2]',
        dct: "{'a': {{ n }}, 'b': true}",
        tru: '{{ n > 1 }}',
        tru_sp: '{{ n > 1 }} ',
        nonev: '{{ nn }}',
        nonelit: '{{ none }}',
        js: '{{ {"a": 1} | to_json }}',
        jtrue: '{{ true | to_json }}',
        strl: "{{ '[1, 2]' }}",
        lead: ' {{ l }}',
        trail: '{{ l }} ',
        tup: '{{ (1, 2) }}',
        multi_v: '{% if n > 1 %}[1, 2]{% endif %}',
        quoted: '{{ "[1, \'a\', None, true]" }}',
      },
      tasks: [
        { set_fact: Object.fromEntries(Object.entries(values).map(([k, v]) => [`r_${k}`, v])) },
        {
          copy: {
            dest: '{{ out }}/values.json',
            content: "{{ hostvars[inventory_hostname] | dict2items | selectattr('key', 'match', '^r_') | items2dict | to_nice_json }}",
          },
        },
      ],
    },
  ];
  const r = await compareFiles(JSON.stringify(play, null, 1));
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  const a = JSON.parse(r.ansible.files['values.json']) as Record<string, unknown>;
  const k = JSON.parse(r.kbs.files['values.json']) as Record<string, unknown>;
  // Ansible's own text types are plain strings in kbs
  const plain = (o: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(o).map(([key, v]) => [key, v === 'AnsibleUnicode' || v === 'NativeJinjaText' || v === 'AnsibleUnsafeText' ? 'str' : v]));
  assert.deepEqual(plain(k), plain(a));
  assert.equal(a.r_sum_t, 'str');
  assert.equal(a.r_lst_t, 'list');
});

test('the template module keeps trailing newlines as Ansible does; ignore_errors covers templating errors', async () => {
  const templates: Record<string, string> = {
    'endif.j2': 'a\n{% if n > 1 %}\nb\n{% endif %}\n',
    'endif-last.j2': '{% if n > 1 %}b{% endif %}\n',
    'endif-two.j2': '{% if n > 1 %}b{% endif %}\n\n',
    'expr.j2': '{{ s }}\n',
    'expr-nl.j2': '{{ nl }}\n',
    'none.j2': '{{ nothing }}\n',
    'no-newline.j2': 'x {{ n }}',
    'for.j2': '{% for i in [1, 2] %}\n{{ i }}\n{% endfor %}\n',
    'for-inline.j2': '{% for i in [1, 2] %}{{ i }},{% endfor %}\n',
    'list.j2': '[{{ n }}, 2]\n',
  };
  const tasks: unknown[] = Object.keys(templates).map((f) => ({ template: { src: f, dest: `{{ out }}/${f}.out` } }));
  tasks.push(
    { name: 'bad arg', file: { path: '{{ undefined_var }}', state: 'touch' }, ignore_errors: true },
    { name: 'bad when', debug: { msg: 'x' }, when: 'undefined_var.x', ignore_errors: true },
    { name: 'bad filter arg', debug: { msg: '{{ undefined_var | upper }}' }, ignore_errors: '{{ n > 1 }}' },
    { copy: { dest: '{{ out }}/done', content: 'done\n' } },
  );
  const play = [{ hosts: 'localhost', gather_facts: false, vars: { n: 3, s: 'text', nl: 'line\n', nothing: null }, tasks }];
  const r = await compareFiles(JSON.stringify(play, null, 1), Object.fromEntries(Object.entries(templates).map(([f, t]) => [`templates/${f}`, t])));
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  assert.deepEqual(r.kbs.files, r.ansible.files);
  assert.equal(r.ansible.files['endif-last.j2.out'], 'b\n');
  assert.deepEqual(r.kbs.recap, r.ansible.recap);
  assert.equal(r.ansible.recap.localhost.ignored, 3);
});

test("Python's arithmetic and number printing", async () => {
  const exprs = [
    '10 / 2', '7 / 2', '1 / 3', '7 // 2', '-7 // 2', '7.0 // 2', '7 % 3', '-7 % 3', '7 % -3', '7.5 % 2', '2 ** 10', '2 ** -1',
    '2 ** 0.5', '2.0 ** 2', '1.5 * 2', '0.1 + 0.2', '1e3', '1e20', '1e16', '1e15', '1e-5', '0.0001', '2 ** 70', '3 - 3.0',
    '-(1.0)', '10 / 2 == 5', '(10 / 2) | int', '(7 / 2) | round', '2.5 | round', '3.7 | round | int', '"3" | float',
    '"3.5" | float', '5 | float', '(1, 2)', '(1,)', '[10 / 2, 1.5]', '{"a": 1.0}', '"%s %d %.2f" % (1.0, 2.7, 3)',
    '[1, 2] | sum', '[1.5, 2] | sum', '[1, 5.0] | max', '10 / 4 * 2', '(10 / 2) is float', '(10 // 2) is integer', '-0.0',
    '1.0 | abs', '"x" * 3', '100 | string', '(2 / 1) | string', '[0.5] | to_json', '2.0 | to_json',
  ];
  const play = [
    {
      hosts: 'localhost',
      gather_facts: false,
      tasks: [
        { copy: { dest: '{{ out }}/numbers.txt', content: exprs.map((e) => `${e} => {{ ${e} }}`).join('\n') + '\n' } },
      ],
    },
  ];
  const r = await compareFiles(JSON.stringify(play, null, 1));
  assert.equal(r.ansible.code, 0, r.ansible.out.slice(-2000));
  assert.equal(r.kbs.code, 0, r.kbs.out.slice(-2000));
  const lines = (s: string) => s.split('\n');
  assert.deepEqual(lines(r.kbs.files['numbers.txt']), lines(r.ansible.files['numbers.txt']));
  assert.match(r.ansible.files['numbers.txt'], /^10 \/ 2 => 5\.0$/m);
});
