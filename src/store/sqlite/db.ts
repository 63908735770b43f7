import Database from 'better-sqlite3';
import type { Durability } from '../../config.js';
import { MIGRATIONS } from './migrations.js';

export type Db = Database.Database;

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
