import type { Db } from './db.js';

/** How one write of a group ended: its value, or what it threw. */
type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

interface Pending {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
}

/**
 * Group commit: the writes asked for while the event loop runs one turn share one transaction, so one commit (and,
 * with `synchronous = FULL`, one sync of the WAL) acknowledges them all. Each write runs in a savepoint of its own:
 * a better-sqlite3 transaction begun inside another is a SAVEPOINT, undone by ROLLBACK TO (better-sqlite3's
 * lib/methods/transaction.js), so a write that throws rolls back only itself and only its caller sees the error.
 * Every promise settles after the COMMIT has returned, so nothing is acknowledged before it is durable; a failed
 * COMMIT rejects every write of its group and keeps none of them.
 *
 * It pays where a commit costs a sync (`STRATA_DURABILITY=power`): 1 KB publishes, 8 in flight, took 0.89 of the
 * time without it (farm-bench, 6 pairs; about 3 publishes a group). With `NORMAL` a commit syncs nothing, and a
 * shared one saved nothing measurable (a store micro-benchmark: 205-271 µs a publish alone, 234-271 with 2-8 a
 * transaction), so SqliteLayerRepo groups only in power mode.
 */
export class GroupCommit {
  private queue: Pending[] = [];
  private readonly commitAll: (batch: Pending[]) => Outcome[];

  constructor(db: Db) {
    // Made once (see SqliteLayerStore.immediate): one closure keeps its type feedback across commits. Called inside
    // the shared transaction, `alone` is a savepoint.
    const alone = db.transaction((work: () => unknown) => work());
    this.commitAll = db.transaction((batch: Pending[]) =>
      batch.map((p): Outcome => {
        try {
          return { ok: true, value: alone(p.work) };
        } catch (error) {
          return { ok: false, error };
        }
      }),
    ).immediate;
  }

  /** `work`: one write, run in a transaction of its own (a savepoint when grouped). */
  run<R>(work: () => R): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      const first = this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject }) === 1;
      // setImmediate runs after the I/O callbacks of this turn: the requests whose bodies arrived together.
      if (first) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.queue;
    this.queue = [];
    let outcomes: Outcome[];
    try {
      outcomes = this.commitAll(batch);
    } catch (err) {
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.error);
    });
  }
}
