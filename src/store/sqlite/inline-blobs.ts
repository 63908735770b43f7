import type { Db } from './db.js';

/**
 * Layers up to INLINE_MAX bytes, kept in the SQLite file beside their version instead of as files: written in the
 * version's own transaction, a small publish creates no file. Creating a file is a journaled metadata operation of
 * the filesystem, and on the bench machine it took from 40 µs to over a millisecond; SQLite appends the bytes to its
 * log. SQLite reads and writes blobs of this size faster than separate files (sqlite.org/fasterthanfs.html, "35%
 * Faster Than The Filesystem").
 *
 * Each zip is a row of `inline_content` under a number SQLite hands out (its rowid), which the version's row keeps
 * (`inline_id`); it is found by the version's blob key through the index that key already has (migration 4 says
 * why the bytes are not keyed by it: 1.7 pages written per publish instead of 4.7, 23 against 116 µs a row).
 */
export const INLINE_MAX = 64 * 1024;

/** The statements on `inline_content`; callers run them inside their own transactions. */
export class InlineBlobs {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      put: db.prepare(`INSERT INTO inline_content (bytes) VALUES (?)`),
      get: db.prepare(`SELECT c.bytes FROM layer_versions v JOIN inline_content c ON c.id = v.inline_id
        WHERE v.blob_key = ?`).pluck(),
      delete: db.prepare(`DELETE FROM inline_content WHERE id = ?`),
    };
  }

  /** Keeps the bytes; the number the version's row is to keep. */
  put(bytes: Buffer): number {
    if (bytes.length > INLINE_MAX) throw new Error(`inline content is at most ${INLINE_MAX} bytes, not ${bytes.length}`);
    return Number(this.stmts.put.run(bytes).lastInsertRowid);
  }

  /** The bytes of the version whose blob key this is, if they are kept here. */
  get(blobKey: string): Buffer | undefined {
    return this.stmts.get.get(blobKey) as Buffer | undefined;
  }

  delete(id: number): void {
    this.stmts.delete.run(id);
  }
}
