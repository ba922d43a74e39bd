/** What the CLI needs from the outside world (injected, so tests can run main() in-process). */
export interface CliIO {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  isTTY: boolean;
  /** terminal width, when known */
  columns?: number;
  env: NodeJS.ProcessEnv;
}
