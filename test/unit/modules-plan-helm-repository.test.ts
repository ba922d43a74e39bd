/**
 * helm_repository's decision from `helm repo list --output=yaml` as recorded (planRepository):
 * the helm words to run and the ones shown (password masked), none, or the collection's failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { helm_repository, planRepository } from '../../src/modules/helm_repository.js';
import type { ModuleFail } from '../../src/modules/util/fail.js';

type A = Parameters<typeof planRepository>[0];
const LIST = 'helm repo list --output=yaml';
const listed = (yaml: string) => ({ rc: 0, out: yaml, err: '' });
const NONE = { rc: 1, out: '', err: 'Error: no repositories to show\n' };
const BITNAMI = listed('- name: bitnami\n  url: https://charts.bitnami.com/bitnami\n');
/** the args as the module reads them: defaults filled in */
const base = { repo_state: 'present', pass_credentials: false, force_update: false } as unknown as A;
const args = (o: Record<string, unknown>) => ({ ...base, ...o }) as A;

test('helm_repository planning rows', () => {
  const rows: [string, A, { rc: number; out: string; err: string }, string[] | undefined][] = [
    ['no repositories: added', args({ repo_name: 'bitnami', repo_url: 'https://charts.bitnami.com/bitnami' }), NONE, ['repo', 'add', 'bitnami', 'https://charts.bitnami.com/bitnami']],
    ['there with the same URL: nothing', args({ repo_name: 'bitnami', repo_url: 'https://charts.bitnami.com/bitnami' }), BITNAMI, undefined],
    ['force_update re-adds', args({ repo_name: 'bitnami', repo_url: 'https://charts.bitnami.com/bitnami', force_update: true }), BITNAMI, ['repo', 'add', 'bitnami', 'https://charts.bitnami.com/bitnami', '--force-update']],
    ['absent: removed', args({ repo_name: 'bitnami', repo_state: 'absent' }), BITNAMI, ['repo', 'rm', 'bitnami']],
    ['absent already', args({ repo_name: 'other', repo_state: 'absent' }), BITNAMI, undefined],
  ];
  for (const [what, a, list, want] of rows) assert.deepEqual(planRepository(a, list, LIST)?.words, want, what);
  const auth = planRepository(args({ repo_name: 'p', repo_url: 'https://p/', repo_username: 'u', repo_password: 's3cret', pass_credentials: true }), NONE, LIST)!;
  assert.deepEqual(auth, {
    words: ['repo', 'add', 'p', 'https://p/', '--username=u', '--password-stdin', '--pass-credentials'],
    shown: ['repo', 'add', 'p', 'https://p/', '--username=u', '--password=******', '--pass-credentials'],
    stdin: 's3cret',
  });
  const fails = (a: A, list: { rc: number; out: string; err: string }) => {
    try {
      planRepository(a, list, LIST);
    } catch (e) {
      return (e as ModuleFail).result.msg;
    }
    return undefined;
  };
  assert.equal(fails(args({ repo_name: 'bitnami', repo_url: 'https://elsewhere/' }), BITNAMI), 'Repository already have a repository named bitnami');
  assert.match(String(fails(args({ repo_name: 'x', repo_url: 'https://x/' }), { rc: 2, out: '', err: 'boom' })), /^Failure when executing Helm command\. Exited 2\./);
});

test('helm_repository: the collection\'s argument checks, before any command', async () => {
  const ctx = { check: false, diff: false, async run() { throw new Error('no command expected'); } } as never;
  assert.deepEqual(await helm_repository.run({ repo_url: 'https://x/' }, ctx), { changed: false, failed: true, msg: 'missing required arguments: repo_name' });
  assert.equal((await helm_repository.run({ name: 'x', username: 'u' }, ctx)).msg, 'parameters are required together: repo_username, repo_password');
  assert.equal((await helm_repository.run({ name: 'x' }, ctx)).msg, 'repo_state is present but all of the following are missing: repo_url');
  await assert.rejects(helm_repository.run({ name: 'x', url: 'https://x/', kube_context: 'c', verify_ssl: false }, ctx), /parameters are mutually exclusive: context\|validate_certs/);
});
