/**
 * kubernetes.core.helm_repository: add or remove a chart repository with the host's helm CLI,
 * deciding as the collection's module does from `helm repo list --output=yaml` ("no repositories
 * to show" = none): a missing repository is added (`helm repo add NAME URL`), a present one with
 * another URL is refused ("Repository already have a repository named NAME") unless
 * `force_update`, which always re-adds (`--force-update`, reported changed); `repo_state: absent`
 * removes it (`helm repo rm`). The password reaches helm on stdin (`--password-stdin`), never on
 * its command line; the `command` result shows `--password=******` as the collection's does.
 * The decision is a pure function of the listing (planRepository); the change runs through
 * change(), so check mode reports it without running it.
 */
import type { ModuleDef, ModuleResult } from './types.js';
import { HELM_AUTH_ARGS, commandFailure, loadYaml, runHelmModule } from './helm/cli.js';
import { ModuleFail, type ToolOut } from './util/fail.js';
import { failed } from './util/args.js';
import { declareArgs } from './util/declare.js';

const args = declareArgs(
  {
    ...HELM_AUTH_ARGS,
    repo_name: { type: 'str', aliases: ['name'] },
    repo_url: { type: 'str', aliases: ['url'] },
    repo_username: { type: 'str', aliases: ['username'] },
    repo_password: { type: 'str', aliases: ['password'] },
    repo_state: { type: 'str', choices: ['present', 'absent'], default: 'present', aliases: ['state'] },
    pass_credentials: { type: 'bool' },
    force_update: { type: 'bool', aliases: ['force'] },
  },
  {
    exclusive: [
      ['context', 'ca_cert'],
      ['context', 'validate_certs'],
    ],
  },
);

type Args = ReturnType<typeof args.read>;

/** What to run: helm's words, the words shown in `command` (the password masked), the password for stdin. */
export interface RepoChange {
  words: string[];
  shown: string[];
  stdin?: string;
}

/** The collection's required and required_if checks, with its messages. */
function checkArgs(a: Args): void {
  if (a.repo_name === undefined) throw new ModuleFail(failed('missing required arguments: repo_name'));
  if ((a.repo_username === undefined) !== (a.repo_password === undefined)) throw new ModuleFail(failed('parameters are required together: repo_username, repo_password'));
  if (a.repo_state === 'present' && a.repo_url === undefined) throw new ModuleFail(failed('repo_state is present but all of the following are missing: repo_url'));
}

/** The change from `helm repo list --output=yaml`'s answer (none when there is nothing to do); a failure is thrown. */
export function planRepository(a: Args, list: ToolOut, listCommand: string): RepoChange | undefined {
  const name = a.repo_name!;
  let current: Record<string, unknown> | undefined;
  if (list.rc === 1 && list.err.includes('no repositories to show')) current = undefined;
  else if (list.rc !== 0) throw new ModuleFail(commandFailure(list.rc, list.out, list.err, listCommand, false));
  else {
    const repos = loadYaml(list.out);
    current = Array.isArray(repos) ? (repos as Record<string, unknown>[]).find((r) => r && r.name === name) : undefined;
  }
  if (a.repo_state === 'absent') return current === undefined ? undefined : { words: ['repo', 'rm', name], shown: ['repo', 'rm', name] };
  if (current !== undefined && !a.force_update) {
    if (current.url !== a.repo_url) throw new ModuleFail(failed(`Repository already have a repository named ${name}`));
    return undefined;
  }
  const words = ['repo', 'add', name, a.repo_url!];
  const shown = [...words];
  const c: RepoChange = { words, shown };
  if (a.repo_username !== undefined && a.repo_password !== undefined) {
    words.push(`--username=${a.repo_username}`, '--password-stdin');
    shown.push(`--username=${a.repo_username}`, '--password=******');
    c.stdin = a.repo_password;
  }
  for (const [on, flag] of [[a.pass_credentials, '--pass-credentials'], [a.force_update, '--force-update']] as const) {
    if (!on) continue;
    words.push(flag);
    shown.push(flag);
  }
  return c;
}

export const helm_repository: ModuleDef = {
  name: 'helm_repository',
  aliases: ['kubernetes.core.helm_repository', 'community.kubernetes.helm_repository'],
  schema: args.schema,
  run: (raw, ctx) =>
    runHelmModule(ctx, async (open): Promise<ModuleResult> => {
      const a = args.read(raw);
      checkArgs(a);
      const cli = await open(a);
      const listWords = ['repo', 'list', '--output=yaml'];
      const c = planRepository(a, await cli.run(listWords, false), cli.line(listWords));
      // as the collection: check mode reports only whether it would change
      if (!c) return ctx.check ? { changed: false } : { changed: false, repo_name: a.repo_name, repo_url: a.repo_url ?? null };
      const command = cli.line(c.shown);
      const r = await cli.change(c.words[1] === 'rm' ? `remove the helm repository ${a.repo_name}` : `add the helm repository ${a.repo_name}`, c.words, command, c.stdin);
      if (!r) return { changed: true };
      return { changed: true, stdout: r.out, stderr: r.err, command };
    }),
};
