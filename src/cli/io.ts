/** What the CLI needs from the outside world (injected, so tests can run main() in-process). */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  /** terminal width, when known */
  columns?: number;
  env: NodeJS.ProcessEnv;
  /**
   * Subscribe to the process's SIGINT/SIGTERM for the length of a run (entry.ts wires the real
   * ones); returns the unsubscribe function. Without it a run cannot be interrupted.
   */
  /** Ask for a secret without echo (entry.ts: on the terminal, else a line of stdin); none: cannot ask. */
  askSecret?: (prompt: string) => Promise<string>;
  /** Ask the person at the terminal (vars_prompt): without echo when SECRET; none when stdin is no terminal. */
  ask?: (prompt: string, secret: boolean) => Promise<string>;
  onSignal?: (handler: (sig: 'SIGINT' | 'SIGTERM') => void) => () => void;
}
