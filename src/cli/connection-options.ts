/** The options of the cluster verbs that only read hosts (plan, versions, kubeconfig): how to reach them. */
import type { Command } from 'commander';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addConnectionOptions(cmd: Command): Command {
  return cmd
    .option('-i, --inventory <file>', 'more inventory files or folders (repeatable)', collect)
    .option('-e, --extra-vars <vars>', 'k=v pairs, a YAML/JSON mapping, or @file.yml (repeatable)', collect)
    .option('-f, --forks <n>', 'hosts worked on at once', '50')
    .option('--accept-new-host-keys', "add unknown host keys to known_hosts (OpenSSH's accept-new); changed keys still fail")
    .option('--connect-timeout <seconds>', 'SSH connect timeout', '10')
    .option('--known-hosts <file>', 'known_hosts file (default ~/.ssh/known_hosts)')
    .option('--no-remote-shell', 'run every remote command in its own SSH exec channel');
}
