import type { Db } from '../db.js';

export interface ObjectMetaRow {
  size: number;
  modified_ms: number;
  md5: string;
  crc64: string;
  content_type: string;
  metadata: string;
}

/** The filesystem bucket store's record of each object's digests and headers (migration 2). */
export class ObjectMetaRepo {
  private readonly stmts;

  constructor(db: Db) {
    this.stmts = {
      get: db.prepare<[string, string], ObjectMetaRow>(
        'SELECT size, modified_ms, md5, crc64, content_type, metadata FROM bucket_objects WHERE bucket = ? AND key = ?',
      ),
      upsert: db.prepare(`INSERT INTO bucket_objects (bucket, key, size, modified_ms, md5, crc64, content_type, metadata)
        VALUES (@bucket, @key, @size, @modified_ms, @md5, @crc64, @content_type, @metadata)
        ON CONFLICT (bucket, key) DO UPDATE SET size = excluded.size, modified_ms = excluded.modified_ms,
          md5 = excluded.md5, crc64 = excluded.crc64, content_type = excluded.content_type, metadata = excluded.metadata`),
      remove: db.prepare<[string, string]>('DELETE FROM bucket_objects WHERE bucket = ? AND key = ?'),
    };
  }

  get(bucket: string, key: string): ObjectMetaRow | undefined {
    return this.stmts.get.get(bucket, key);
  }

  put(bucket: string, key: string, row: ObjectMetaRow): void {
    this.stmts.upsert.run({ bucket, key, ...row });
  }

  remove(bucket: string, key: string): void {
    this.stmts.remove.run(bucket, key);
  }
}
