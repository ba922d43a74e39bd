/**
 * Ask for a secret (a vault password): the prompt on stderr, the answer typed on the terminal
 * without echo. When stdin is not a terminal, one line is read from it (a password piped in),
 * as Python's getpass falls back to.
 */
import { createInterface } from 'node:readline';

export function askSecret(prompt: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  stderr.write(prompt);
  if (!stdin.isTTY) return readLine(stdin);
  return new Promise((res, rej) => {
    let text = '';
    const done = (err?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      stderr.write('\n');
      if (err) rej(err);
      else res(text);
    };
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new Error('interrupted at the vault password prompt'));
        if (ch === '\u0004') {
          if (text === '') return done(new Error('EOF (ctrl-d) at the vault password prompt'));
          return done();
        }
        if (ch === '\u007f' || ch === '\b') text = [...text].slice(0, -1).join('');
        else text += ch;
      }
    };
    stdin.setRawMode(true);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** A line typed on the terminal, echoed (a vars_prompt that is not private); the prompt on stderr. */
export function askLine(prompt: string, stdin: NodeJS.ReadStream = process.stdin, stderr: NodeJS.WriteStream = process.stderr): Promise<string> {
  stderr.write(prompt);
  return readLine(stdin);
}

function readLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise((res, rej) => {
    const rl = createInterface({ input: stdin, terminal: false });
    let got = false;
    rl.once('line', (line) => {
      got = true;
      rl.close();
      res(line);
    });
    rl.once('close', () => {
      if (!got) rej(new Error('EOF at the vault password prompt (nothing on stdin)'));
    });
  });
}
