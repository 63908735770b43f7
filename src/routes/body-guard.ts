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
 * The clock of one request body: fed the bytes as they arrive (`tick`), it rejects the wait for the next chunk as soon
 * as the body breaks a limit. One timer per body, re-armed only when it fires early (chunks moved the deadline on
 * meanwhile).
 */
export class BodyClock {
  private timedOut = false;
  private readonly started = Date.now();
  private lastChunk = this.started;
  private received = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Rejects the wait of race() for its current item. */
  private waiter: ((err: RequestTimedOut) => void) | undefined;

  constructor(private readonly limits: BodyTimeLimits) {
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
   * The items of `source` until the body is late, then RequestTimedOut; `onItem` sees each item first (to tick the
   * clock with a chunk's size, say) and may throw to end the iteration.
   */
  race<T>(source: AsyncIterable<T>, onItem?: (item: T) => void): AsyncIterableIterator<T> {
    return new Raced(source, this, onItem, false);
  }

  /** Hands `reject` the refusal if the body is late before `clear()`: Raced's wait for one item. */
  wait(reject: (err: RequestTimedOut) => void): void {
    this.waiter = reject;
  }

  clear(): void {
    this.waiter = undefined;
  }

  refusal(): RequestTimedOut {
    return new RequestTimedOut(this.limits.idleSeconds, this.limits.minBytesPerSecond);
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
      this.waiter?.(this.refusal());
    }
  }
}

/**
 * The items of a source raced against a BodyClock. A hand-written iterator rather than async generators: a small body
 * is one chunk, and the generators this replaced (the guard, its race, the hashing pass: a generator step is two
 * promises, `yield*` two more) had about 5% of the samples in a profile of 1 KB publishes, and were code for V8 to
 * compile on every start.
 */
class Raced<T> implements AsyncIterableIterator<T> {
  private readonly source: AsyncIterator<T>;
  private ended = false;

  constructor(
    source: AsyncIterable<T>, private readonly clock: BodyClock, private readonly onItem: ((item: T) => void) | undefined,
    private readonly ownsClock: boolean,
  ) {
    this.source = source[Symbol.asyncIterator]();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  next(): Promise<IteratorResult<T>> {
    if (this.ended) return Promise.resolve({ done: true, value: undefined });
    if (this.clock.expired) {
      this.finish();
      return Promise.reject(this.clock.refusal());
    }
    // One promise per item, rejected by the clock if the item is late. Racing each item against one long-lived
    // promise instead would leave a reaction on it per item, each holding its item, so a 50 MB body stayed in memory.
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      const fail = (err: unknown) => {
        this.clock.clear();
        this.finish();
        reject(err);
      };
      this.clock.wait(fail);
      // An item that arrives after the refusal is read and dropped: this promise is settled already.
      this.source.next().then((step) => {
        this.clock.clear();
        if (step.done) {
          this.finish();
          resolve(step);
          return;
        }
        try {
          this.onItem?.(step.value);
        } catch (err) {
          fail(err);
          // Ended by its reader, not by the source or the clock: released as return() would.
          void Promise.resolve(this.source.return?.()).catch(() => undefined);
          return;
        }
        resolve(step);
      }, fail);
    });
  }

  /**
   * A consumer that stops early releases the source as a `for await` would (a request stream is destroyed); a body
   * that timed out is left alone, so the connection still carries the 408 before it closes.
   */
  async return(): Promise<IteratorResult<T>> {
    const release = !this.ended && !this.clock.expired;
    this.finish();
    if (release) await this.source.return?.();
    return { done: true, value: undefined };
  }

  private finish(): void {
    this.ended = true;
    if (this.ownsClock) this.clock.stop();
  }
}

/**
 * The chunks of `source`, throwing RequestTimedOut as soon as the body breaks a limit; `onChunk` sees each chunk first
 * (to hash the body as received, say).
 */
export function guardBody(
  source: AsyncIterable<Uint8Array>, limits: BodyTimeLimits, onChunk?: (chunk: Uint8Array) => void,
): AsyncIterableIterator<Uint8Array> {
  const clock = new BodyClock(limits);
  return new Raced(source, clock, (chunk) => {
    clock.tick(chunk.length);
    onChunk?.(chunk);
  }, true);
}
