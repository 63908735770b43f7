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

/**
 * The clock of one request body: fed the bytes as they arrive (`tick`), it fails `late` as soon as the body breaks
 * a limit. One timer per body, re-armed only when it fires early (chunks moved the deadline on meanwhile).
 */
export class BodyClock {
  /** Rejects with RequestTimedOut once the body is late; never resolves. */
  readonly late: Promise<never>;
  private timedOut = false;
  private readonly started = Date.now();
  private lastChunk = this.started;
  private received = 0;
  private timer: NodeJS.Timeout | undefined;
  private fail!: (err: RequestTimedOut) => void;
  /** Rejects the wait of race() for its current item. */
  private waiter: ((err: RequestTimedOut) => void) | undefined;

  constructor(private readonly limits: BodyTimeLimits) {
    this.late = new Promise<never>((_, reject) => (this.fail = reject));
    this.late.catch(() => undefined);
    this.check();
  }

  get expired(): boolean {
    return this.timedOut;
  }

  tick(bytes: number): void {
    this.received += bytes;
    this.lastChunk = Date.now();
  }

  stop(): void {
    clearTimeout(this.timer);
  }

  /**
   * Yields the items of `source` until the body is late, then throws RequestTimedOut; `onItem` sees each item first
   * (to tick the clock with a chunk's size, say).
   */
  async *race<T>(source: AsyncIterable<T>, onItem?: (item: T) => void): AsyncGenerator<T> {
    const iterator = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        if (this.timedOut) throw this.refusal();
        // A fresh promise per item: racing every item against the long-lived `late` would leave a reaction on it per
        // item, each holding that item, so a 50 MB body stayed in memory until it ended.
        const lateness = new Promise<never>((_, reject) => (this.waiter = reject));
        lateness.catch(() => undefined);
        const next = iterator.next();
        // An item that arrives after the refusal is read and dropped, never left as an unhandled rejection.
        next.catch(() => undefined);
        const step = await Promise.race([next, lateness]);
        this.waiter = undefined;
        if (step.done) return;
        onItem?.(step.value);
        yield step.value;
      }
    } finally {
      // A consumer that stops early releases the source as a `for await` would (a request stream is destroyed); a body
      // that timed out is left alone, so the connection still carries the 408 before it closes.
      if (!this.timedOut) await iterator.return?.();
    }
  }

  // The time by which the next chunk must have arrived: within idleSeconds of the last one, and within the time
  // allowed so far (idleSeconds, plus a second for every minBytesPerSecond received).
  private deadline(): number {
    const idleMs = this.limits.idleSeconds * 1000;
    return Math.min(this.lastChunk + idleMs, this.started + idleMs + (this.received / this.limits.minBytesPerSecond) * 1000);
  }

  private check(): void {
    const wait = this.deadline() - Date.now();
    if (wait > 0) this.timer = setTimeout(() => this.check(), wait);
    else {
      this.timedOut = true;
      this.fail(this.refusal());
      this.waiter?.(this.refusal());
    }
  }

  private refusal(): RequestTimedOut {
    return new RequestTimedOut(this.limits.idleSeconds, this.limits.minBytesPerSecond);
  }
}

/** Yields the chunks of `source`, throwing RequestTimedOut as soon as the body breaks a limit. */
export async function* guardBody(
  source: AsyncIterable<Uint8Array>, limits: BodyTimeLimits,
): AsyncGenerator<Uint8Array> {
  const clock = new BodyClock(limits);
  try {
    yield* clock.race(source, (chunk) => clock.tick(chunk.length));
  } finally {
    clock.stop();
  }
}
