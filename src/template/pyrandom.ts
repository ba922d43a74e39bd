/**
 * Python's random.Random(seed) (Mersenne Twister MT19937, seeded as CPython 3 seeds it: ints by
 * their 32-bit words, strings by their UTF-8 bytes followed by their SHA-512), with
 * getrandbits, randrange, choice and shuffle as CPython computes them, so that Ansible's
 * `random(seed=...)` and `shuffle(seed=...)` give the same results here.
 */
import { createHash } from 'node:crypto';

export class PyRandom {
  private mt = new Uint32Array(624);
  private mti = 625;

  constructor(seed: unknown) {
    this.initByArray(seedWords(seed));
  }

  private initGenrand(s: number): void {
    const mt = this.mt;
    mt[0] = s >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = 624;
  }

  private initByArray(key: number[]): void {
    const mt = this.mt;
    this.initGenrand(19650218);
    let i = 1;
    let j = 0;
    const n = 624;
    for (let k = Math.max(n, key.length); k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1664525)) + key[j] + j) >>> 0;
      i++;
      j++;
      if (i >= n) {
        mt[0] = mt[n - 1];
        i = 1;
      }
      if (j >= key.length) j = 0;
    }
    for (let k = n - 1; k > 0; k--) {
      const prev = mt[i - 1] ^ (mt[i - 1] >>> 30);
      mt[i] = ((mt[i] ^ Math.imul(prev, 1566083941)) - i) >>> 0;
      i++;
      if (i >= n) {
        mt[0] = mt[n - 1];
        i = 1;
      }
    }
    mt[0] = 0x80000000;
  }

  /** one 32-bit output (genrand_uint32) */
  uint32(): number {
    const mt = this.mt;
    if (this.mti >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k] & 0x80000000) | (mt[(k + 1) % 624] & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** random.getrandbits(k) */
  getrandbits(k: number): bigint {
    if (k <= 32) return BigInt(this.uint32() >>> (32 - k));
    let out = 0n;
    let shift = 0n;
    for (let left = k; left > 0; left -= 32) {
      let r = this.uint32();
      if (left < 32) r >>>= 32 - left;
      out |= BigInt(r) << shift;
      shift += 32n;
    }
    return out;
  }

  /** random._randbelow(n): getrandbits(n.bit_length()) until below n */
  randbelow(n: bigint): bigint {
    if (n <= 0n) return 0n;
    const k = n.toString(2).length;
    let r = this.getrandbits(k);
    while (r >= n) r = this.getrandbits(k);
    return r;
  }

  /** random.randrange(start, stop, step) */
  randrange(start: bigint, stop: bigint, step = 1n): bigint {
    const width = stop - start;
    if (step === 1n) {
      if (width > 0n) return start + this.randbelow(width);
      throw new RangeError(`empty range for randrange() (${start}, ${stop}, ${width})`);
    }
    if (step === 0n) throw new RangeError('zero step for randrange()');
    const n = step > 0n ? (width + step - 1n) / step : (width + step + 1n) / step;
    if (n <= 0n) throw new RangeError('empty range for randrange()');
    return start + step * this.randbelow(n);
  }

  /** random.choice(seq) */
  choice<T>(seq: T[]): T {
    if (!seq.length) throw new RangeError('Cannot choose from an empty sequence');
    return seq[Number(this.randbelow(BigInt(seq.length)))];
  }

  /** random.shuffle(list), in place */
  shuffle<T>(x: T[]): void {
    for (let i = x.length - 1; i > 0; i--) {
      const j = Number(this.randbelow(BigInt(i + 1)));
      [x[i], x[j]] = [x[j], x[i]];
    }
  }
}

/** The init_by_array key CPython derives from a seed. */
function seedWords(seed: unknown): number[] {
  let n: bigint;
  if (typeof seed === 'bigint') n = seed < 0n ? -seed : seed;
  else if (typeof seed === 'number' && Number.isInteger(seed)) n = BigInt(Math.abs(seed));
  else if (typeof seed === 'boolean') n = seed ? 1n : 0n;
  else if (typeof seed === 'string') {
    const b = Buffer.from(seed, 'utf8');
    const all = Buffer.concat([b, createHash('sha512').update(b).digest()]);
    n = BigInt(`0x${all.toString('hex')}`);
  } else throw new TypeError('The only supported seed types are: None, int, float, str, bytes, and bytearray.');
  const words: number[] = [];
  while (n > 0n) {
    words.push(Number(n & 0xffffffffn));
    n >>= 32n;
  }
  return words.length ? words : [0];
}
