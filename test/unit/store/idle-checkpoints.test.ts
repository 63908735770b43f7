/**
 * Checkpoints of SQLite's write-ahead log when writes pause, instead of inside the commit that fills it. A checkpoint
 * is seen in the database file itself: the rows written since the last one reach it only then (until then they are
 * in the log only), so its size grows (by at least half of the rows' bytes, whatever SQLite's packing).
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../../src/store/sqlite/db.js';
import { IdleCheckpoints } from '../../../src/store/sqlite/idle-checkpoints.js';

const open: { db: Db; checkpoints: IdleCheckpoints; dir: string }[] = [];
afterEach(() => {
  for (const { db, checkpoints, dir } of open.splice(0)) {
    checkpoints.stop();
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

/** A database with a table of its own, checkpointed so that its file holds everything written so far. */
function setUp(opts: { idleMs: number; minChanges?: number }) {
  const dir = mkdtempSync(join(tmpdir(), 'strata-ckpt-'));
  const file = join(dir, 'strata.sqlite');
  const db = openDatabase(file, 'process');
  db.exec('CREATE TABLE t (x BLOB)');
  db.pragma('wal_checkpoint(TRUNCATE)');
  const checkpoints = new IdleCheckpoints(db, opts);
  open.push({ db, checkpoints, dir });
  const insert = db.prepare('INSERT INTO t (x) VALUES (randomblob(2000))');
  return {
    db, checkpoints,
    size: () => statSync(file).size,
    /** `n` rows of 2,000 bytes, each its own transaction (as publishes are). */
    write: (n: number) => {
      for (let i = 0; i < n; i++) insert.run();
    },
  };
}

const HOUR = 3_600_000;

describe('IdleCheckpoints', () => {
  it('IdleCheckpoints: SQLite checkpoints in a commit only once the log passes 2,000 pages', () => {
    const { db } = setUp({ idleMs: HOUR });
    expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(2000);
  });

  it('IdleCheckpoints: a pause after writes copies them into the database file', () => {
    const { checkpoints, size, write } = setUp({ idleMs: HOUR, minChanges: 10 });
    const before = size();
    write(50);
    checkpoints.tick(); // written since the last look: not idle
    expect(size()).toBe(before);
    checkpoints.tick(); // nothing written since: idle
    expect(size()).toBeGreaterThan(before + 50 * 1000);
  });

  it('IdleCheckpoints: writes that go on between two looks put the checkpoint off', () => {
    const { checkpoints, size, write } = setUp({ idleMs: HOUR, minChanges: 10 });
    const before = size();
    for (let i = 0; i < 5; i++) {
      write(20);
      checkpoints.tick();
    }
    expect(size()).toBe(before);
    checkpoints.tick();
    expect(size()).toBeGreaterThan(before + 100 * 1000);
  });

  it('IdleCheckpoints: fewer changed rows than minChanges leave the log as it is', () => {
    const { checkpoints, size, write } = setUp({ idleMs: HOUR, minChanges: 10 });
    const before = size();
    write(9);
    checkpoints.tick();
    checkpoints.tick();
    checkpoints.tick();
    expect(size()).toBe(before);
    write(1);
    checkpoints.tick();
    checkpoints.tick();
    expect(size()).toBeGreaterThan(before + 10 * 1000);
  });

  it('IdleCheckpoints: its own timer checkpoints an idle database', async () => {
    const { size, write } = setUp({ idleMs: 20, minChanges: 10 });
    const before = size();
    write(50);
    const deadline = Date.now() + 5000;
    while (size() <= before + 50 * 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(size()).toBeGreaterThan(before + 50 * 1000);
  });

  it('IdleCheckpoints: stop() ends the checkpoints', async () => {
    const { checkpoints, size, write } = setUp({ idleMs: 20, minChanges: 10 });
    checkpoints.stop();
    const before = size();
    write(50);
    await new Promise((r) => setTimeout(r, 300));
    expect(size()).toBe(before);
  });
});
