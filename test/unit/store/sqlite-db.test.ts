/**
 * The settings openDatabase gives Strata's SQLite connection, read back from SQLite itself: the write-ahead log,
 * the sync level of each durability (sqlite.org/pragma.html#pragma_synchronous: 1 NORMAL, 2 FULL), and a page
 * cache of 1 MiB (negative cache_size is KiB) instead of SQLite's 2,000 KiB, which kept the main malloc arena higher.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/sqlite/db.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function settings(durability: 'process' | 'power') {
  const dir = mkdtempSync(join(tmpdir(), 'strata-db-'));
  dirs.push(dir);
  const db = openDatabase(join(dir, 'strata.sqlite'), durability);
  try {
    return {
      journal: db.pragma('journal_mode', { simple: true }),
      synchronous: db.pragma('synchronous', { simple: true }),
      cacheSize: db.pragma('cache_size', { simple: true }),
    };
  } finally {
    db.close();
  }
}

describe('SQLite connection', () => {
  it('openDatabase: process durability is WAL, NORMAL and a 1 MiB page cache', () => {
    expect(settings('process')).toEqual({ journal: 'wal', synchronous: 1, cacheSize: -1024 });
  });

  it('openDatabase: power durability is WAL, FULL and a 1 MiB page cache', () => {
    expect(settings('power')).toEqual({ journal: 'wal', synchronous: 2, cacheSize: -1024 });
  });
});
