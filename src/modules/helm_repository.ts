/**
 * kubernetes.core.helm_repository: add or remove a chart repository with the host's helm CLI,
 * deciding as the collection's module does from `helm repo list --output=yaml` ("no repositories
 * to show" = none): a missing repository is added (`helm repo add NAME URL`), a present one with
 * another URL is refused ("Repository already have a repository named NAME") unless
 * `force_update`, which always re-adds (`--force-update`, reported changed); `repo_state: absent`
 * removes it (`helm repo rm`). The password reaches helm on stdin (`--password-stdin`), never on
 * its command line; the `command` result shows `--password=******` as the collection's does.
 */
import type { ModuleDef } from './types.js';
import { HELM_AUTH_ARGS, HelmCli, HelmFail, commandFailure, firstSet, loadYaml, mutuallyExclusive, withLines } from './helm/cli.js';
import { failed, optStr, toBool } from './util/args.js';
import { BOOL, STR, argsSchema, oneOfStr } from './util/schema.js';

export const helm_repository: ModuleDef = {
  name: 'helm_repository',
  aliases: ['kubernetes.core.helm_repository', 'community.kubernetes.helm_repository'],
  schema: argsSchema({
    ...HELM_AUTH_ARGS,
    repo_name: STR,
    name: STR,
    repo_url: STR,
    url: STR,
    repo_username: STR,
    username: STR,
    repo_password: STR,
    password: STR,
    repo_state: oneOfStr('present', 'absent'),
    state: oneOfStr('present', 'absent'),
    pass_credentials: BOOL,
    force_update: BOOL,
    force: BOOL,
  }),
  async run(args, ctx) {
    let cli: HelmCli | undefined;
    try {
      const name = optStr(args, 'repo_name', 'name');
      if (name === undefined) return failed('missing required arguments: repo_name');
      mutuallyExclusive(args, [
        [['context', 'kube_context'], ['ca_cert', 'ssl_ca_cert']],
        [['context', 'kube_context'], ['validate_certs', 'verify_ssl']],
      ]);
      const url = optStr(args, 'repo_url', 'url');
      const username = optStr(args, 'repo_username', 'username');
      const password = optStr(args, 'repo_password', 'password');
      const state = optStr(args, 'repo_state', 'state') ?? 'present';
      if (state !== 'present' && state !== 'absent') return failed(`value of repo_state must be one of: present, absent, got: ${state}`);
      if ((username === undefined) !== (password === undefined)) return failed('parameters are required together: repo_username, repo_password');
      if (state === 'present' && url === undefined) return failed('repo_state is present but all of the following are missing: repo_url');
      const passCredentials = toBool(args.pass_credentials, false, 'pass_credentials');
      const forceUpdate = toBool(firstSet(args, 'force_update', 'force'), false, 'force_update');
      cli = await HelmCli.open(ctx, args);

      const list = await cli.run(['repo', 'list', '--output=yaml'], false);
      let current: Record<string, unknown> | undefined;
      if (list.rc === 1 && list.err.includes('no repositories to show')) current = undefined;
      else if (list.rc !== 0) throw new HelmFail(commandFailure(list.rc, list.out, list.err, cli.line(['repo', 'list', '--output=yaml']), false));
      else {
        const repos = loadYaml(list.out);
        current = Array.isArray(repos) ? (repos as Record<string, unknown>[]).find((r) => r && r.name === name) : undefined;
      }

      let words: string[] = [];
      let shown: string[] = [];
      let stdin: string | undefined;
      let changed = false;
      if (state === 'absent' && current !== undefined) {
        words = shown = ['repo', 'rm', name];
        changed = true;
      } else if (state === 'present') {
        if (current === undefined || forceUpdate) {
          words = ['repo', 'add', name, url!];
          shown = [...words];
          if (username !== undefined && password !== undefined) {
            words.push(`--username=${username}`, '--password-stdin');
            shown.push(`--username=${username}`, '--password=******');
            stdin = password;
          }
          if (passCredentials) {
            words.push('--pass-credentials');
            shown.push('--pass-credentials');
          }
          if (forceUpdate) {
            words.push('--force-update');
            shown.push('--force-update');
          }
          changed = true;
        } else if (current.url !== url) {
          return failed(`Repository already have a repository named ${name}`);
        }
      }
      if (ctx.check) return { changed };
      if (!changed) return { changed: false, repo_name: name, repo_url: url ?? null };
      const command = cli.line(shown);
      const r = await cli.run(words, false, stdin);
      if (r.rc !== 0) return withLines(commandFailure(r.rc, r.out, r.err, command, true));
      return withLines({ changed, stdout: r.out, stderr: r.err, command });
    } catch (e) {
      if (e instanceof HelmFail) return withLines(e.result);
      throw e;
    } finally {
      await cli?.close();
    }
  },
};
