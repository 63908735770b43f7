import Database from 'better-sqlite3';
import type { Durability } from '../../config.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

/**
 * SQLite's page cache for the one connection, in KiB (`cache_size` negative: sqlite.org/pragma.html#pragma_cache_size;
 * SQLite's own default is 2,000). Pages it does not hold are read again from the operating system's cache of the
 * file. The cache is allocated from the main malloc arena in pages, interleaved with the socket chunks of the
 * requests that filled it, and glibc keeps the arena at its highest once both are freed. With the default, the
 * benchmark's sequence (400 1 KB publishes on each path, bursts of 8 in flight, then 5 MB and 50 MB publishes) left
 * the main arena at 17.0-18.4 MiB and the process at a peak of 101-103 MiB; with 1 MiB, 13.3-14.3 and 97-99 (three
 * runs each, `/proc/PID/smaps`; 256 KiB: 13.4 and 97). The hot pages of a publish (the ends of the indexes it
 * appends to) and of a list page (an index path and ten rows) are far fewer than 1 MiB's 256 pages.
 */
const PAGE_CACHE_KIB = 1024;

/**
 * In WAL mode, NORMAL writes each commit to the WAL file before it returns, so it survives the end of the process
 * (kill -9); only a power cut or an operating-system crash may lose the last commits. FULL also syncs the WAL at
 * each commit, so they survive that too (sqlite.org/pragma.html#pragma_synchronous, sqlite.org/wal.html).
 */
export function openDatabase(file: string, durability: Durability = 'power'): Db {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${durability === 'power' ? 'FULL' : 'NORMAL'}`);
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma(`cache_size = -${PAGE_CACHE_KIB}`);
  migrate(db);
  return db;
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(`database schema version ${current} is newer than this Strata (${MIGRATIONS.length})`);
  }
  for (let i = current; i < MIGRATIONS.length; i++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[i]!);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}
