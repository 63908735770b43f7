import type { Db } from './db.js';

export interface IdleCheckpointOptions {
  /** How long the database has had no write before a checkpoint (checked this often). */
  idleMs?: number;
  /** Rows changed since the last checkpoint below which an idle database is left alone (its log is short). */
  minChanges?: number;
}

/**
 * The log at which SQLite checkpoints in a commit anyway: 2,000 pages of 4 KiB, about 370 1 KB publishes, so that a
 * burst of a few hundred ends before one. Such a checkpoint stalls about twice as long as one at 1,000 pages
 * (7.6-8.6 against 4.2-4.8 ms) for about the same cost a publish (22-23 against 26 µs), and the log file keeps its
 * largest size, about 8 MiB, on the disk.
 */
export const AUTO_CHECKPOINT_PAGES = 2000;
const IDLE_MS = 250;
/** A 1 KB publish changes 3 rows (its layer's counter, its version, its zip): about 33 publishes. */
const MIN_CHANGES = 100;

/**
 * SQLite's own checkpoint runs inside the commit that takes the write-ahead log past `wal_autocheckpoint` pages
 * (sqlite.org/wal.html#automatic_checkpoint): that commit, and with it a publish, waits while SQLite syncs the log,
 * copies its pages into the database file and syncs that (synchronous NORMAL and FULL both sync at a checkpoint,
 * sqlite.org/pragma.html#pragma_synchronous). Measured with the SQLite store alone (1 KB publishes, 5.4 pages of log
 * each): a 4-5 ms stall every 185 or so publishes at SQLite's default of 1,000 pages, 26 µs a publish on average.
 * These checkpoints run on a timer instead, once the database has had no write for a while; SQLite's own remains
 * the bound under writes that never pause, at a larger log (AUTO_CHECKPOINT_PAGES).
 */
export class IdleCheckpoints {
  private readonly timer: NodeJS.Timeout;
  private readonly changes: () => number;
  private readonly minChanges: number;
  private seen: number;
  private atCheckpoint: number;

  constructor(private readonly db: Db, opts: IdleCheckpointOptions = {}) {
    this.minChanges = opts.minChanges ?? MIN_CHANGES;
    db.pragma(`wal_autocheckpoint = ${AUTO_CHECKPOINT_PAGES}`);
    const stmt = db.prepare('SELECT total_changes()').pluck();
    // total_changes() counts the rows this connection has changed since it opened (sqlite.org/lang_corefunc.html):
    // every write of the process goes through this one connection.
    this.changes = () => stmt.get() as number;
    this.seen = this.atCheckpoint = this.changes();
    this.timer = setInterval(() => this.tick(), opts.idleMs ?? IDLE_MS);
    this.timer.unref();
  }

  /** What the timer runs: a checkpoint if nothing was written since the last call and enough since the last checkpoint. */
  tick(): void {
    if (!this.db.open) return this.stop();
    const now = this.changes();
    if (now !== this.seen) {
      this.seen = now; // written since the last tick: not idle yet
      return;
    }
    if (now - this.atCheckpoint < this.minChanges) return;
    this.atCheckpoint = now;
    try {
      // PASSIVE waits for no reader or writer (sqlite.org/c3ref/wal_checkpoint_v2.html); what it could not copy, the
      // next one will.
      this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch {
      // A failed checkpoint loses nothing: the log keeps every commit, and SQLite's own checkpoint tries again.
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
