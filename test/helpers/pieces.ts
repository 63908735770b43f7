/** Ways of cutting a text or a buffer into pieces, to feed streaming decoders every way a network could. */
import { expect } from 'vitest';

type Sliceable = string | Buffer;

/** Deterministic PRNG (mulberry32), so failures are reproducible. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const slice = <T extends Sliceable>(seq: T, from: number, to?: number): T =>
  (typeof seq === 'string' ? seq.slice(from, to) : seq.subarray(from, to)) as T;

/** `seq` cut at each of `cuts`. */
export function splitAt<T extends Sliceable>(seq: T, cuts: readonly number[]): T[] {
  const pieces: T[] = [];
  let prev = 0;
  for (const c of cuts) {
    pieces.push(slice(seq, prev, c));
    prev = c;
  }
  pieces.push(slice(seq, prev));
  return pieces;
}

/** `seq` in pieces of `size`. */
export function fixedPieces<T extends Sliceable>(seq: T, size: number): T[] {
  const pieces: T[] = [];
  for (let i = 0; i < seq.length; i += size) pieces.push(slice(seq, i, i + size));
  return pieces;
}

/** `seq` in pieces of random length below `bound`; zero-length pieces included on purpose. */
export function randomPieces<T extends Sliceable>(seq: T, rand: () => number, bound: number): T[] {
  const pieces: T[] = [];
  for (let i = 0; i < seq.length; ) {
    const n = Math.floor(rand() * bound);
    pieces.push(slice(seq, i, i + n));
    i += n;
  }
  return pieces;
}

/** Expects `fn` to throw an `ErrorClass` with a `position`, and checks its message and position when given. */
export function expectPositionedError<E extends Error & { position: number }>(
  ErrorClass: new (...args: never[]) => E, fn: () => unknown, message?: RegExp, position?: number,
): E {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ErrorClass);
  const err = caught as E;
  if (message) expect(err.message).toMatch(message);
  if (position !== undefined) expect(err.position).toBe(position);
  return err;
}
