/** The engine's semantics, run through the CLI against local-connection hosts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLocal } from '../helpers/local.js';
import { results } from '../helpers/kbs.js';

const dbg = (r: Awaited<ReturnType<typeof runLocal>>, task: string) =>
  Object.fromEntries(results(r, task).map((e) => [e.host, e.result.msg]));

test('variable precedence: role defaults < group < host < play < role vars < task < set_fact < extra vars', async () => {
  const r = await runLocal(
    `- hosts: all
  gather_facts: false
  vars: {p_play: play, p_all: play}
  roles:
    - role: r
  tasks:
    - set_fact: {p_fact: fact}
    - name: show
      debug: {msg: "{{ p_all }} {{ p_grp }} {{ p_host }} {{ p_play }} {{ p_fact }} {{ p_extra }}"}
      vars: {p_fact: task}
`,
    {
      inventory: `all:
  vars: {ansible_connection: local, p_all: all, p_grp: all, p_host: all, p_extra: inv}
  children:
    parent:
      vars: {p_grp: parent}
      children:
        child:
          vars: {p_grp: child}
          hosts:
            h1: {p_host: host}
            h2: {}
`,
      files: {
        'roles/r/defaults/main.yml': 'r_default: default\nr_vars_beats_play: default\n',
        'roles/r/vars/main.yml': 'r_vars_beats_play: rolevars\n',
        'roles/r/tasks/main.yml': '- name: role show\n  debug: {msg: "{{ r_default }} {{ r_vars_beats_play }} {{ p_grp }}"}\n',
      },
      args: ['-e', 'p_extra=extra'],
    },
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(dbg(r, 'show'), { h1: 'play child host play fact extra', h2: 'play child all play fact extra' });
  assert.deepEqual(dbg(r, 'role show'), { h1: 'default rolevars child', h2: 'default rolevars child' });
});

test('lazy templating of vars, hostvars, groups, group_names, loop_control', async () => {
  const r = await runLocal(
    `- hosts: web
  gather_facts: false
  vars:
    endpoint: "{{ ansible_host | default(inventory_hostname) }}:{{ port }}"
    port: 6443
  tasks:
    - name: endpoint
      debug: {msg: "{{ endpoint }} {{ hostvars['d1']['role_name_x'] }} {{ groups['web'] | join(',') }} {{ group_names }}"}
    - name: items
      debug: {msg: "{{ idx }}={{ it.k }}"}
      loop: "{{ {'a': 1, 'b': 2} | dict2items(key_name='k') }}"
      loop_control: {loop_var: it, index_var: idx, label: "{{ it.k }}"}
      when: inventory_hostname == 'w1'
`,
    { inventory: 'all:\n  vars: {ansible_connection: local}\n  children:\n    web: {hosts: {w1: {}, w2: {}}}\n    db: {hosts: {d1: {role_name_x: database}}}\n' },
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(dbg(r, 'endpoint'), { w1: "w1:6443 database w1,w2 ['web']", w2: "w2:6443 database w1,w2 ['web']" });
  const items = r.events.filter((e) => e.type === 'item_result' && e.task === 'items' && e.status !== 'skipped');
  assert.deepEqual(items.map((e) => e.type === 'item_result' && `${e.host}:${e.label}:${e.result.msg}`), ['w1:a:0=a', 'w1:b:1=b']);
  assert.equal(results(r, 'items').find((e) => e.host === 'w2')?.status, 'skipped');
});

test('until/retries, failed_when, changed_when, ignore_errors and the recap counts', async () => {
  const r = await runLocal(`- hosts: w1
  gather_facts: false
  tasks:
    - name: count up
      shell: "n=$(cat {{ playbook_dir }}/n 2>/dev/null || echo 0); n=$((n+1)); echo $n > {{ playbook_dir }}/n; echo $n"
      register: c
      until: c.stdout | int >= 3
      retries: 5
      delay: 0
    - name: failed_when
      command: echo hello
      register: out
      failed_when: "'hello' in out.stdout"
      ignore_errors: true
    - name: changed_when
      command: "true"
      changed_when: false
    - name: attempts
      assert: {that: [c.attempts == 3, out is failed]}
`);
  assert.equal(r.code, 0, r.stdout);
  assert.equal(readFileSync(join(r.dir, 'n'), 'utf8'), '3\n');
  assert.deepEqual(r.recap.w1, { ok: 4, changed: 2, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 1 });
});

test('handlers: notify by name and listen, once, in definition order, flush_handlers', async () => {
  const r = await runLocal(`- hosts: w1
  gather_facts: false
  tasks:
    - name: a
      command: "true"
      notify: [h2, topic]
    - name: b
      command: "true"
      notify: h2
    - meta: flush_handlers
    - name: after flush
      debug: {msg: after}
  handlers:
    - name: h1
      debug: {msg: h1}
      listen: topic
    - name: h2
      debug: {msg: h2}
`);
  assert.equal(r.code, 0, r.stdout);
  const order = r.events.filter((e) => e.type === 'task_start').map((e) => e.type === 'task_start' && e.task);
  assert.deepEqual(order, ['a', 'b', 'h1', 'h2', 'after flush']);
});

test('tags, skip-tags, always, never; --start-at-task; --limit', async () => {
  const pb = `- hosts: all
  gather_facts: false
  tasks:
    - {name: t1, debug: {msg: x}, tags: [one]}
    - {name: t2, debug: {msg: x}, tags: [two]}
    - {name: t3, debug: {msg: x}, tags: [always]}
    - {name: t4, debug: {msg: x}, tags: [never, debug]}
    - {name: t5, debug: {msg: x}}
`;
  const names = (r: Awaited<ReturnType<typeof runLocal>>) => r.events.filter((e) => e.type === 'task_start').map((e) => e.type === 'task_start' && e.task);
  assert.deepEqual(names(await runLocal(pb)), ['t1', 't2', 't3', 't5']);
  assert.deepEqual(names(await runLocal(pb, { args: ['--tags', 'two'] })), ['t2', 't3']);
  assert.deepEqual(names(await runLocal(pb, { args: ['--tags', 'debug'] })), ['t3', 't4']);
  assert.deepEqual(names(await runLocal(pb, { args: ['--skip-tags', 'one,always'] })), ['t2', 't5']);
  assert.deepEqual(names(await runLocal(pb, { args: ['--start-at-task', 't3'] })), ['t3', 't5']);
  const lim = await runLocal(pb, { args: ['--limit', 'web:!w2'] });
  assert.deepEqual(Object.keys(lim.recap), ['w1']);
});

test('serial batches, any_errors_fatal and max_fail_percentage', async () => {
  const inv = 'all:\n  vars: {ansible_connection: local}\n  hosts: {a: {}, b: {}, c: {}, d: {}}\n';
  const serial = await runLocal(`- hosts: all
  gather_facts: false
  serial: [1, 3]
  tasks:
    - {name: s, debug: {msg: x}}
`, { inventory: inv });
  const batches = serial.events.filter((e) => e.type === 'batch_start').map((e) => e.type === 'batch_start' && e.hosts);
  assert.deepEqual(batches, [['a'], ['b', 'c', 'd']]);

  const fatal = await runLocal(`- hosts: all
  gather_facts: false
  any_errors_fatal: true
  tasks:
    - {name: f, fail: {msg: boom}, when: inventory_hostname == 'b'}
    - {name: next, debug: {msg: x}}
`, { inventory: inv });
  assert.equal(fatal.code, 2, fatal.stdout + fatal.stderr);
  assert.equal(results(fatal, 'f').filter((e) => e.status === 'failed').length, 1);
  assert.equal(results(fatal, 'next').length, 0, 'no host goes on');

  const pct = await runLocal(`- hosts: all
  gather_facts: false
  max_fail_percentage: 30
  tasks:
    - {name: f, fail: {msg: boom}, when: "inventory_hostname in ['a', 'b']"}
    - {name: next, debug: {msg: x}}
`, { inventory: inv });
  assert.equal(pct.code, 2, pct.stdout + pct.stderr);
  assert.equal(results(pct, 'f').filter((e) => e.status === 'failed').length, 2);
  assert.equal(results(pct, 'next').length, 0, '50% failed > 30%');
  const ok = await runLocal(`- hosts: all
  gather_facts: false
  tasks:
    - {name: f, fail: {msg: boom}, when: "inventory_hostname in ['a', 'b']"}
    - {name: next, debug: {msg: x}}
`, { inventory: inv });
  assert.equal(ok.code, 2, ok.stdout + ok.stderr);
  assert.deepEqual(results(ok, 'next').map((e) => e.host), ['c', 'd'], 'failed hosts leave, the others go on');
});

test('block/rescue/always counts, include_tasks with a loop, run_once registers for all, delegate_to localhost, environment', async () => {
  const r = await runLocal(
    `- hosts: web
  gather_facts: false
  environment: {KBS_PLAY_ENV: play}
  tasks:
    - block:
        - {name: boom, command: /bin/false}
      rescue:
        - {name: rescued, debug: {msg: "{{ ansible_failed_task.name }}"}}
      always:
        - {name: always, debug: {msg: always}}
    - name: inc
      include_tasks: inc.yml
      loop: [1, 2]
    - name: once
      command: echo once
      run_once: true
      register: once
    - name: see once
      debug: {msg: "{{ once.stdout }}"}
    - name: env
      shell: echo $KBS_PLAY_ENV-$KBS_TASK_ENV
      environment: {KBS_TASK_ENV: task}
      register: env
      delegate_to: localhost
    - assert: {that: "env.stdout == 'play-task'"}
`,
    { files: { 'inc.yml': '- name: included\n  debug: {msg: "item {{ item }}"}\n' } },
  );
  assert.equal(r.code, 0, r.stdout);
  assert.equal(r.recap.w1.rescued, 1);
  assert.equal(r.recap.w1.failed, 0);
  assert.deepEqual(dbg(r, 'rescued'), { w1: 'boom', w2: 'boom' });
  assert.deepEqual(results(r, 'included').map((e) => `${e.host}:${e.result.msg}`), ['w1:item 1', 'w2:item 1', 'w1:item 2', 'w2:item 2']);
  assert.equal(results(r, 'once').length, 1);
  assert.deepEqual(dbg(r, 'see once'), { w1: 'once', w2: 'once' });
  assert.equal(results(r, 'env')[0].delegatedTo, 'localhost');
});

test('no_log censors results; failures show their result as JSON in plain output, as Ansible\'s callback', async () => {
  const r = await runLocal(`- hosts: w1
  gather_facts: false
  tasks:
    - {name: secret, debug: {msg: "hunter2-secret"}, no_log: true}
    - {name: broken, shell: "echo out-line; echo err-line >&2; exit 3"}
`, { args: ['--output', 'json'] });
  assert.ok(!r.stdout.includes('hunter2-secret'));
  const plain = await runLocal(`- hosts: w1
  gather_facts: false
  tasks:
    - {name: secret, debug: {msg: "hunter2-secret"}, no_log: true}
    - {name: ignored, command: /bin/false, ignore_errors: true}
    - {name: broken, shell: "echo out-line; echo err-line >&2; exit 3"}
`, { args: ['--output', 'plain'] });
  assert.equal(plain.code, 2);
  assert.ok(!plain.stdout.includes('hunter2-secret'));
  assert.match(plain.stdout, /fatal: \[w1\]: FAILED!/);
  // an ignored failure is `fatal:` too, then `...ignoring`, as Ansible's callback writes it
  assert.match(plain.stdout, /TASK \[ignored\] \*+\nfatal: \[w1\]: FAILED! => \{"changed": true, "cmd": \["\/bin\/false"\], .*"msg": "non-zero return code", "rc": 1, .*\}\n\.\.\.ignoring\n/);
  assert.match(plain.stdout, /"rc": 3/);
  assert.match(plain.stdout, /err-line/);
  assert.match(plain.stdout, /out-line/);
  assert.match(plain.stdout, /PLAY RECAP \*+\nw1\s+: ok=2\s+changed=1\s+unreachable=0\s+failed=1\s+skipped=0\s+rescued=0\s+ignored=1/);
});

test('import_playbook, vars_files, include_role with handlers, import_role, play_hosts', async () => {
  const r = await runLocal(
    `- import_playbook: first.yml
- hosts: web
  gather_facts: false
  vars_files: [vars/common.yml]
  tasks:
    - name: dyn role
      include_role: {name: greet, tasks_from: hello}
      vars: {who: "{{ greeting_target }}"}
    - import_role: {name: greet}
    - name: hosts
      debug: {msg: "{{ ansible_play_hosts | join(',') }} {{ play_hosts | length }}"}
`,
    {
      files: {
        'first.yml': '- hosts: db\n  gather_facts: false\n  tasks:\n    - {name: first play, debug: {msg: imported}}\n',
        'vars/common.yml': 'greeting_target: world\n',
        'roles/greet/tasks/main.yml': '- name: main task\n  debug: {msg: "main {{ greeting_target }}"}\n',
        'roles/greet/tasks/hello.yml': '- name: hello task\n  command: echo hello {{ who }}\n  notify: greeted\n',
        'roles/greet/handlers/main.yml': '- name: greeted\n  debug: {msg: "handler ran"}\n',
      },
    },
  );
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(dbg(r, 'first play'), { d1: 'imported' });
  assert.deepEqual(
    results(r, 'hello task').map((e) => e.result.stdout),
    ['hello world', 'hello world'],
  );
  assert.deepEqual(dbg(r, 'main task'), { w1: 'main world', w2: 'main world' });
  assert.deepEqual(dbg(r, 'greeted'), { w1: 'handler ran', w2: 'handler ran' });
  assert.deepEqual(dbg(r, 'hosts'), { w1: 'w1,w2 2', w2: 'w1,w2 2' });
});

test('play-level connection: local', async () => {
  const r = await runLocal('- hosts: lone\n  connection: local\n  gather_facts: false\n  tasks:\n    - {name: here, command: "echo local"}\n', {
    inventory: 'all:\n  hosts:\n    lone: {ansible_host: 127.0.0.1, ansible_port: 1}\n',
  });
  assert.equal(r.code, 0, r.stdout);
  assert.equal(results(r, 'here')[0].result.stdout, 'local');
});

test('default(omit) drops the argument', async () => {
  const r = await runLocal('- hosts: w1\n  gather_facts: false\n  tasks:\n    - {name: om, debug: {msg: "{{ nothing | default(omit) }}"}}\n');
  assert.equal(r.code, 0, r.stdout);
  assert.deepEqual(dbg(r, 'om'), { w1: 'Hello world!' });
});

test('include_tasks recursion: ended by when: it runs; without an end it fails at the include depth limit', async () => {
  const inv = 'all:\n  hosts:\n    h1: {ansible_connection: local}\n';
  const ended = await runLocal('- hosts: all\n  gather_facts: false\n  vars: {n: 0}\n  tasks:\n    - include_tasks: count.yml\n    - debug: {msg: "{{ n }}"}\n', {
    inventory: inv,
    files: { 'count.yml': '- set_fact: {n: "{{ n | int + 1 }}"}\n- include_tasks: count.yml\n  when: n | int < 30\n' },
  });
  assert.equal(ended.code, 0, ended.stderr);
  assert.deepEqual(dbg(ended, 'debug'), { h1: '30' }); // set_fact keeps the text of n | int + 1, as Ansible does
  const endless = await runLocal('- hosts: all\n  gather_facts: false\n  tasks:\n    - include_tasks: self.yml\n', { inventory: inv, files: { 'self.yml': '- include_tasks: self.yml\n' } });
  assert.equal(endless.code, 2);
  const failed = results(endless).filter((e) => e.status === 'failed');
  assert.equal(failed.length, 1);
  assert.match(String(failed[0].result.msg), /includes nested more than 100 deep \(.*self\.yml is included 101 times in the chain\)/);
});

test('timeout: a task that outlives it fails with Ansible message and its command is killed; a quick one is ok', async () => {
  const { execFileSync } = await import('node:child_process');
  const inv = 'all:\n  hosts:\n    h1: {ansible_connection: local}\n';
  const started = Date.now();
  const r = await runLocal(
    '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: slow\n      command: sleep 7.4321\n      timeout: 1\n    - name: quick\n      command: "true"\n      timeout: 5\n',
    { inventory: inv, args: ['--output', 'json'] },
  );
  assert.ok(Date.now() - started < 5000, 'the slow task was cut at its timeout');
  assert.equal(r.code, 2);
  assert.deepEqual(dbg(r, 'slow'), { h1: 'The command action failed to execute in the expected time frame (1) and was terminated' });
  const running = () => {
    try {
      return execFileSync('pgrep', ['-f', 'sleep 7.4321'], { encoding: 'utf8' });
    } catch {
      return '';
    }
  };
  for (let i = 0; i < 20 && running(); i++) await new Promise((done) => setTimeout(done, 100));
  assert.equal(running(), '', 'the command was killed');
  const ok = await runLocal('- hosts: all\n  gather_facts: false\n  tasks:\n    - name: quick\n      command: "true"\n      timeout: 5\n', { inventory: inv });
  assert.equal(ok.code, 0, ok.stderr);
});

test('--start-at-task that no task matches, even after includes ran: exit 6 and the name in the message', async () => {
  const inv = 'all:\n  hosts:\n    h1: {ansible_connection: local}\n';
  const pb = '- hosts: all\n  gather_facts: false\n  tasks:\n    - include_tasks: "{{ \'more\' }}.yml"\n    - name: last\n      debug: msg=x\n';
  const r = await runLocal(pb, { inventory: inv, args: ['--start-at-task', 'nowhere'], files: { 'more.yml': '- name: inner\n  debug: msg=y\n' } });
  assert.equal(r.code, 6, r.stderr);
  assert.match(r.stderr, /--start-at-task "nowhere" names no task/);
  assert.equal(results(r).filter((e) => e.status !== 'skipped').length, 0, 'no task ran');
  const found = await runLocal(pb, { inventory: inv, args: ['--start-at-task', 'inner'], files: { 'more.yml': '- name: inner\n  debug: msg=y\n' } });
  assert.equal(found.code, 0, found.stderr);
  assert.deepEqual(Object.keys(dbg(found, 'inner')), ['h1']);
});

test('changed_when and failed_when are not evaluated on a skipped result (check mode), as Ansible does', async () => {
  const r = await runLocal(
    `- hosts: w1
  gather_facts: false
  tasks:
    - name: apply something
      command: echo created
      register: out
      changed_when: out.stdout is search('created')
      failed_when: out.rc != 0
`,
    { args: ['--check'] },
  );
  assert.equal(r.code, 0, r.stdout);
  assert.equal(results(r, 'apply something')[0]?.status, 'skipped');
});

test('an undefined loop is skipped when the task is skipped by its when, and an error when it runs (as Ansible)', async () => {
  const r = await runLocal(`- hosts: w1
  gather_facts: false
  tasks:
    - name: skipped loop
      debug: {msg: "{{ item }}"}
      loop: "{{ nothing_here }}"
      when: false
    - name: running loop
      debug: {msg: "{{ item }}"}
      loop: "{{ nothing_here }}"
`);
  assert.equal(results(r, 'skipped loop')[0]?.status, 'skipped');
  const run = results(r, 'running loop')[0];
  assert.equal(run?.status, 'failed');
  assert.match(String(run?.result.msg), /nothing_here/);
});

test('delegate_to is rendered once per host and per loop item: the host connected to is the one whose variables the task got', async () => {
  const r = await runLocal(
    `- hosts: web
  gather_facts: false
  tasks:
    - name: once
      command: "echo {{ inventory_hostname }}"
      delegate_to: "{{ lookup('pipe', 'echo x >> count; echo d1') }}"
      changed_when: false
    - name: per item
      command: "echo {{ item }}"
      delegate_to: "{{ lookup('pipe', 'echo y >> count; echo ' ~ (['d1', 'w1', 'w2'] | random)) }}"
      loop: [a, b, c, d]
      changed_when: false
`,
  );
  assert.equal(r.code, 0, r.stdout + r.stderr);
  // (ansible-playbook 2.14 renders it three times for each: with `random` its connection and its
  // delegated variables could be two hosts)
  const lines = readFileSync(join(r.dir, 'count'), 'utf8').trim().split('\n');
  assert.deepEqual([lines.filter((l) => l === 'x').length, lines.filter((l) => l === 'y').length], [2, 8]);
  assert.deepEqual(results(r, 'once').map((e) => e.delegatedTo), ['d1', 'd1']);
});
