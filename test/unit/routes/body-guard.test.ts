/**
 * The request body's guard (src/routes/body-guard.ts): chunks pass through as they come, a body that stalls is
 * refused with RequestTimedOut, and the source is released when its reader stops early, never after a refusal
 * (the connection must still carry the 408).
 */
import { describe, expect, it } from 'vitest';
import { RequestTimedOut } from '../../../src/core/errors.js';
import { guardBody } from '../../../src/routes/body-guard.js';

/** A source that yields `chunks`, then waits forever when `stall` is set; records whether it was released. */
function sourceOf(chunks: string[], stall = false): AsyncIterable<Uint8Array> & { released: boolean } {
  const source = {
    released: false,
    [Symbol.asyncIterator]() {
      let at = 0;
      return {
        next: (): Promise<IteratorResult<Uint8Array>> => {
          if (at < chunks.length) return Promise.resolve({ done: false, value: Buffer.from(chunks[at++]!) });
          return stall ? new Promise(() => undefined) : Promise.resolve({ done: true, value: undefined });
        },
        return: (): Promise<IteratorResult<Uint8Array>> => {
          source.released = true;
          return Promise.resolve({ done: true, value: undefined });
        },
      };
    },
  };
  return source;
}

const LIMITS = { idleSeconds: 0.2, minBytesPerSecond: 1 };

describe('request body guard', () => {
  it('guardBody: yields every chunk in order, shows each to onChunk first, then ends', async () => {
    const seen: string[] = [];
    const got: string[] = [];
    for await (const chunk of guardBody(sourceOf(['ab', 'cd', 'e']), LIMITS, (c) => seen.push(`saw ${Buffer.from(c)}`))) {
      got.push(Buffer.from(chunk).toString());
    }
    expect(got).toEqual(['ab', 'cd', 'e']);
    expect(seen).toEqual(['saw ab', 'saw cd', 'saw e']);
  });

  it('guardBody: a body that stalls is refused with RequestTimedOut and its source is left alone', async () => {
    const source = sourceOf(['ab'], true);
    const got: string[] = [];
    const reading = (async () => {
      for await (const chunk of guardBody(source, LIMITS)) got.push(Buffer.from(chunk).toString());
    })();
    const err = await reading.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimedOut);
    expect((err as RequestTimedOut).message).toBe('the request body stalled for 0.2 s or fell below 1 bytes per second');
    expect(got).toEqual(['ab']);
    expect(source.released).toBe(false);
  });

  it('guardBody: a reader that stops early releases the source', async () => {
    const source = sourceOf(['ab', 'cd', 'ef']);
    for await (const chunk of guardBody(source, LIMITS)) {
      if (Buffer.from(chunk).toString() === 'cd') break;
    }
    expect(source.released).toBe(true);
  });

  it('guardBody: an onChunk that throws ends the body with its error and releases the source', async () => {
    const source = sourceOf(['ab', 'cd', 'ef']);
    const body = guardBody(source, LIMITS, (c) => {
      if (Buffer.from(c).toString() === 'cd') throw new Error('refused at cd');
    });
    await expect(body.next()).resolves.toEqual({ done: false, value: Buffer.from('ab') });
    await expect(body.next()).rejects.toThrow('refused at cd');
    expect(source.released).toBe(true);
    await expect(body.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
