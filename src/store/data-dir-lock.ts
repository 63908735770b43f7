import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';

/** Who holds a data directory, as the holder wrote it down next to the lock. */
export interface LockHolder {
  pid: number;
  host: string;
  startedAt: string;
  /** The address it listens on, once it does. */
  url?: string;
}

/** Another process (or another Strata in this process) holds the data directory. */
export class DataDirInUse extends Error {
  constructor(readonly dataDir: string, readonly holder: LockHolder | undefined) {
    const who = holder
      ? `another Strata (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt}` +
        `${holder.url ? `, listening on ${holder.url}` : ''})`
      : 'another Strata';
    super(
      `the data directory ${dataDir} is in use by ${who}. Two processes on one data directory would destroy each ` +
        `other's uploads. Stop that one first, or give this one a data directory of its own: ` +
        `STRATA_DATA_DIR=<another directory> (or --data-dir <another directory>).`,
    );
  }
}

export interface DataDirLock {
  /** Records the address the holder listens on, for the message a second process prints. */
  noteUrl(url: string): void;
  release(): void;
}

/** How long a start waits for a holder that is shutting down (a restart right after SIGTERM). */
const WAIT_MS = 1500;

/**
 * An exclusive lock on a data directory for the life of the process. It is an SQLite file opened in EXCLUSIVE
 * locking mode with a write transaction committed: SQLite then keeps the POSIX lock until the connection closes,
 * and the kernel drops it when the process dies however it dies, so a kill -9 never leaves a lock behind
 * (https://www.sqlite.org/pragma.html#pragma_locking_mode). SQLite also refuses a second connection to the file
 * in the same process. Who holds it is written to `strata.lock.json`, for the refusal message only.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const dir = resolve(dataDir);
  const infoFile = join(dir, 'strata.lock.json');
  const db = new Database(join(dir, 'strata.lock'), { timeout: WAIT_MS });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE; COMMIT;');
  } catch (err) {
    db.close();
    if ((err as { code?: string }).code === 'SQLITE_BUSY') throw new DataDirInUse(dir, readHolder(infoFile));
    throw err;
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), startedAt: new Date().toISOString() };
  const write = () => writeFileSync(infoFile, `${JSON.stringify(holder)}\n`);
  write();
  let released = false;
  return {
    noteUrl(url) {
      holder.url = url;
      write();
    },
    release() {
      if (released) return;
      released = true;
      rmSync(infoFile, { force: true });
      db.close();
    },
  };
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as LockHolder;
    return typeof parsed.pid === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}
