/**
 * The transport contract. A Connection is one open session to one host, held for the whole run.
 * Every remote action (modules, facts, file transfer) is a shell snippet run over exec, with
 * optional stdin; files are uploaded by streaming their bytes to stdin. No SFTP, no Python.
 */

export interface ExecOptions {
  /** bytes fed to the command's stdin, then EOF */
  stdin?: string | Buffer;
  /** run through sudo (become) */
  become?: boolean;
  /** become user, default root */
  becomeUser?: string;
  /** sudo options in place of -H (become_flags) */
  becomeFlags?: string;
  /** the sudo program (become_exe) */
  becomeExe?: string;
  /** environment for the command (exported in the shell snippet, not via ssh setenv) */
  env?: Record<string, string>;
  /** working directory */
  cwd?: string;
  /** kill the command after this many ms (rc -1, stderr says timeout) */
  timeoutMs?: number;
  /**
   * CMD is kbs's own snippet (a module's probe, the facts script), not user text: the transport
   * may run it in a subshell of its long-lived shell instead of a fresh /bin/sh (remote_shell.ts).
   */
  inline?: boolean;
  /**
   * A conversation with the command while it runs (the expect module): see Talk. The command gets
   * an exec channel or a process of its own, never the long-lived shell; `stdin` is not used.
   */
  talk?: Talk;
}

/**
 * The caller's side of a running command: its output chunk by chunk as it arrives, and its stdin,
 * which stays open until the caller ends it (or the command exits). The ExecResult still comes
 * when the command is over, with all of its output.
 */
export interface Talk {
  /** the command runs (become, if any, needs no password or took it): write to its stdin from now on */
  start(io: TalkIO): void;
  /** a chunk of the command's stdout */
  stdout(chunk: Buffer): void;
  /** a chunk of the command's stderr (become's prompts and marker already taken out) */
  stderr(chunk: Buffer): void;
}

export interface TalkIO {
  write(data: Buffer): void;
  /** end the command's stdin */
  end(): void;
}

export interface ExecResult {
  rc: number;
  stdout: string;
  stderr: string;
  /** raw stdout bytes (for binary payloads such as slurp) */
  stdoutBuf?: Buffer;
}

export interface ConnectionStats {
  /** number of transport connections opened (1 per host per run when all is well) */
  connects: number;
  /** number of remote commands run */
  execs: number;
  /** number of exec channels opened (SSH sessions: long-lived shells plus one per command that needed its own) */
  channels: number;
}

export interface Connection {
  /** inventory_hostname */
  readonly host: string;
  readonly stats: ConnectionStats;
  /** run /bin/sh -c CMD on the host */
  exec(cmd: string, opts?: ExecOptions): Promise<ExecResult>;
  /** signal what this run started on the host (interrupt.ts); resolves with the groups signalled */
  interrupt?(sig: 'TERM' | 'KILL'): Promise<number>;
  close(): Promise<void>;
}

/** Everything needed to open a connection, resolved from inventory vars + ssh_config. */
export interface ConnectionSpec {
  /** inventory_hostname */
  name: string;
  /** 'ssh' (default) or 'local' */
  type: 'ssh' | 'local';
  /** ansible_host (defaults to name) */
  address: string;
  port?: number; // ansible_port
  user?: string; // ansible_user
  password?: string; // ansible_password (secret)
  privateKeyFiles?: string[]; // ansible_ssh_private_key_file
  /** raw ansible_ssh_common_args, e.g. "-o ProxyJump=user@bastion:22" */
  commonArgs?: string;
  become?: boolean; // ansible_become (default for tasks that don't say)
  becomeUser?: string; // ansible_become_user
  becomePassword?: string; // ansible_become_password (secret)
  /** ansible_ssh_timeout / ansible_timeout: connect timeout in seconds (wins over --connect-timeout) */
  connectTimeout?: number;
}

export interface TransportOptions {
  /** seconds, default 10 */
  connectTimeout?: number;
  /** connect attempts, default 3 */
  retries?: number;
  /** add unknown host keys to known_hosts (OpenSSH accept-new) */
  acceptNewHostKeys?: boolean;
  /** default ~/.ssh/known_hosts */
  knownHostsFile?: string;
  /** default ~/.ssh/config; null disables */
  sshConfigFile?: string | null;
  /** default process.env.SSH_AUTH_SOCK */
  agentSocket?: string;
  /** run commands through a long-lived shell per host (default true); false: one exec channel per command */
  remoteShell?: boolean;
  /** tag put in the command line of everything the run starts on hosts (interrupt.ts); the pool makes one */
  runTag?: string;
}
