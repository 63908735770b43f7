/**
 * Time limits on request bodies, after Apache's mod_reqtimeout (`body=20,MinRate=500`,
 * https://httpd.apache.org/docs/2.4/mod/mod_reqtimeout.html): a body may pause for at most `idleSeconds`
 * between chunks, and once `idleSeconds` have passed it must keep an average of at least `minBytesPerSecond`
 * since it began (in effect: idleSeconds plus one second per minBytesPerSecond received). A client trickling bytes to hold a connection open (slowloris) is refused, while a 50 MB
 * upload over a slow but steady link (a few KB/s) finishes.
 */
import { RequestTimedOut } from '../core/errors.js';

export interface BodyTimeLimits {
  idleSeconds: number;
  minBytesPerSecond: number;
}

/** Yields the chunks of `source`, throwing RequestTimedOut as soon as the body breaks a limit. */
export async function* guardBody(
  source: AsyncIterable<Uint8Array>, limits: BodyTimeLimits,
): AsyncGenerator<Uint8Array> {
  const iterator = source[Symbol.asyncIterator]();
  const idleMs = limits.idleSeconds * 1000;
  const started = Date.now();
  let lastChunk = started;
  let received = 0;
  // The time by which the next chunk must have arrived: within idleSeconds of the last one, and within the time
  // allowed so far (idleSeconds, plus a second for every minBytesPerSecond received).
  const deadline = () =>
    Math.min(lastChunk + idleMs, started + idleMs + (received / limits.minBytesPerSecond) * 1000);
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  /** Rejects the wait for the current chunk. */
  let late: ((err: RequestTimedOut) => void) | undefined;
  const refusal = () => new RequestTimedOut(limits.idleSeconds, limits.minBytesPerSecond);
  // One timer per body, re-armed only when it fires early (chunks moved the deadline on meanwhile).
  const check = () => {
    const wait = deadline() - Date.now();
    if (wait > 0) timer = setTimeout(check, wait);
    else {
      timedOut = true;
      late?.(refusal());
    }
  };
  check();
  try {
    for (;;) {
      if (timedOut) throw refusal();
      // A fresh promise per chunk: racing every chunk against one long-lived promise would leave a reaction on it
      // per chunk, each holding that chunk, so a 50 MB body stayed in memory until it ended.
      const lateness = new Promise<never>((_, reject) => (late = reject));
      lateness.catch(() => undefined);
      const next = iterator.next();
      // A chunk that arrives after the refusal is read and dropped, never left as an unhandled rejection.
      next.catch(() => undefined);
      const step = await Promise.race([next, lateness]);
      late = undefined;
      if (step.done) return;
      received += step.value.length;
      lastChunk = Date.now();
      yield step.value;
    }
  } finally {
    clearTimeout(timer);
    // A consumer that stops early releases the source as a `for await` would (a request stream is destroyed); a body
    // that timed out is left alone, so the connection still carries the 408 before it closes.
    if (!timedOut) await iterator.return?.();
  }
}
