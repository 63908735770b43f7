import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../../../src/store/sqlite/group-commit.js';

let dir: string;
let db: Database.Database;
let reader: Database.Database;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'strata-group-'));
  db = new Database(join(dir, 'g.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.exec(`CREATE TABLE parents (id INTEGER PRIMARY KEY);
    CREATE TABLE items (n INTEGER PRIMARY KEY, parent INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED);
    INSERT INTO parents (id) VALUES (1);`);
  // Another connection sees only what has been committed.
  reader = new Database(join(dir, 'g.sqlite'), { readonly: true });
});
afterEach(() => {
  reader.close();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const insert = (n: number, parent = 1) => () => db.prepare('INSERT INTO items (n, parent) VALUES (?, ?)').run(n, parent).changes;
const committed = () => reader.prepare('SELECT n FROM items ORDER BY n').pluck().all();

describe('group commit', () => {
  it('PublishLayerVersion: writes asked for in one turn share one transaction and settle after its commit', async () => {
    const group = new GroupCommit(db);
    let seenBySecond: unknown[] | undefined;
    const first = group.run(insert(1));
    const second = group.run(() => {
      // The first write is done but not yet committed: it is in the same transaction as this one.
      seenBySecond = committed();
      return insert(2)();
    });
    expect(committed()).toEqual([]);
    await expect(Promise.all([first, second])).resolves.toEqual([1, 1]);
    expect(seenBySecond).toEqual([]);
    expect(committed()).toEqual([1, 2]);
  });

  it('PublishLayerVersion: a write that throws rolls back alone and only its caller sees the error', async () => {
    const group = new GroupCommit(db);
    const results = await Promise.allSettled([
      group.run(insert(1)),
      group.run(() => {
        insert(2)();
        throw new Error('refused after writing');
      }),
      group.run(insert(3)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason.message).toBe('refused after writing');
    expect(committed()).toEqual([1, 3]);
  });

  it('PublishLayerVersion: a commit that fails rejects every write of its group and keeps none', async () => {
    const group = new GroupCommit(db);
    // A deferred foreign key is checked at COMMIT: the third write makes the commit itself fail.
    const results = await Promise.allSettled([group.run(insert(1)), group.run(insert(2)), group.run(insert(3, 99))]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_FOREIGNKEY');
    expect(committed()).toEqual([]);
    expect(db.inTransaction).toBe(false);
    // The next group starts clean.
    await expect(group.run(insert(4))).resolves.toBe(1);
    expect(committed()).toEqual([4]);
  });

  it('PublishLayerVersion: writes asked for in later turns get commits of their own', async () => {
    const group = new GroupCommit(db);
    await group.run(insert(1));
    expect(committed()).toEqual([1]);
    await group.run(insert(2));
    expect(committed()).toEqual([1, 2]);
  });
});
