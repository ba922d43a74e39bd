/**
 * Finds the end marker of one command's output in a byte stream (remote_shell.ts): the bytes before
 * NONCE are the command's output, the bytes between NONCE and the next newline its trailer (the
 * exit status on stdout, nothing on stderr). Chunks are kept as they come and joined once, so a
 * large output costs linear time; only the last few bytes are searched again with each chunk.
 */
export class Framer {
  private chunks: Buffer[] = [];
  private len = 0;
  /** the last nonce.length - 1 bytes seen, to find a nonce split across chunks */
  private tail = Buffer.alloc(0);
  private at = -1;
  done = false;

  constructor(private readonly nonce: Buffer) {}

  /** Feed a chunk; returns the output and trailer once NONCE...\n has arrived. */
  push(d: Buffer): { body: Buffer; trailer: string } | undefined {
    if (this.done) return undefined;
    const start = this.len - this.tail.length;
    this.chunks.push(d);
    this.len += d.length;
    if (this.at < 0) {
      const win = Buffer.concat([this.tail, d]);
      const i = win.indexOf(this.nonce);
      if (i < 0) {
        this.tail = win.subarray(Math.max(0, win.length - (this.nonce.length - 1)));
        return undefined;
      }
      this.at = start + i;
    }
    const all = this.bytes();
    const nl = all.indexOf(0x0a, this.at + this.nonce.length);
    if (nl < 0) return undefined;
    this.done = true;
    return { body: all.subarray(0, this.at), trailer: all.subarray(this.at + this.nonce.length, nl).toString('latin1') };
  }

  /** Everything received so far (for a command cut short). */
  bytes(): Buffer {
    if (this.chunks.length !== 1) this.chunks = [Buffer.concat(this.chunks, this.len)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }
}
