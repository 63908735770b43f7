import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/sqlite/db.js';
import { SqliteLayerStore } from '../../../src/store/sqlite/layer-repo.js';
import { MIGRATIONS } from '../../../src/store/sqlite/migrations.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A database as a Strata with the first three migrations left it: one layer, two versions, the first inline. */
function databaseAtSchema3(): string {
  const dir = mkdtempSync(join(tmpdir(), 'strata-migrate-'));
  dirs.push(dir);
  const file = join(dir, 'strata.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (let i = 0; i < 3; i++) db.exec(MIGRATIONS[i]!);
  db.pragma('user_version = 3');
  db.exec(`INSERT INTO layers (id, cloud, account, region, name, next_version, created_at)
      VALUES (7, 'aws', '123456789012', 'us-east-1', 'old', 3, 1000);
    INSERT INTO layer_versions (layer_id, version, created_at, blob_key, sha256, crc64, size)
      VALUES (7, 1, 1000, 'aaaa0000aaaa0000aaaa0000aaaa0000', x'00', '1', 3),
             (7, 2, 2000, 'bbbb0000bbbb0000bbbb0000bbbb0000', x'00', '2', 4);
    INSERT INTO inline_blobs (blob_key, bytes) VALUES ('aaaa0000aaaa0000aaaa0000aaaa0000', x'504b01');`);
  db.close();
  return file;
}

const ref = { cloud: 'aws' as const, account: '123456789012', region: 'us-east-1', name: 'old' };

describe('SQLite schema', () => {
  let db: Database.Database;
  let store: SqliteLayerStore;
  beforeEach(() => {
    db = openDatabase(databaseAtSchema3(), 'process');
    store = new SqliteLayerStore(db);
  });
  afterEach(() => db.close());

  it('Migration 4: a zip kept inline before it is still read by its blob key, and only that version is inline', () => {
    expect(db.pragma('user_version', { simple: true })).toBe(4);
    expect(store.inlineContent('aaaa0000aaaa0000aaaa0000aaaa0000')).toEqual(Buffer.from([0x50, 0x4b, 0x01]));
    expect(store.inlineContent('bbbb0000bbbb0000bbbb0000bbbb0000')).toBeUndefined();
    expect(db.prepare(`SELECT name FROM sqlite_master WHERE name = 'inline_blobs'`).get()).toBeUndefined();
  });

  it('DeleteLayerVersion: a migrated inline zip goes with its version, and the other version keeps its blob', () => {
    expect(store.deleteVersion(ref, 1)).toMatchObject({ blobKey: 'aaaa0000aaaa0000aaaa0000aaaa0000', inline: true });
    expect(db.prepare('SELECT COUNT(*) FROM inline_content').pluck().get()).toBe(0);
    expect(store.deleteVersion(ref, 2)).toEqual({ blobKey: 'bbbb0000bbbb0000bbbb0000bbbb0000', sha256: Buffer.from([0]), crc64: '2', size: 4 });
  });

  it('PublishLayerVersion: after the migration, new inline zips are numbered after the migrated ones and reset removes them all', () => {
    const meta = { description: null, license: null, compatibleRuntimes: null, compatibleArchitectures: null };
    const created = store.insertVersion(ref, meta, { blobKey: 'cccc0000cccc0000cccc0000cccc0000', sha256: Buffer.from([1]), crc64: '3', size: 2 }, Buffer.from('PK'));
    expect(created.version).toBe(3);
    expect(store.inlineContent('cccc0000cccc0000cccc0000cccc0000')).toEqual(Buffer.from('PK'));
    expect(store.inlineContent('aaaa0000aaaa0000aaaa0000aaaa0000')).toEqual(Buffer.from([0x50, 0x4b, 0x01]));
    expect(store.reset({ cloud: 'aws' })).toEqual({ layers: 1, versions: 3, blobKeys: ['bbbb0000bbbb0000bbbb0000bbbb0000'], inline: 2 });
    expect(db.prepare('SELECT COUNT(*) FROM inline_content').pluck().get()).toBe(0);
  });
});
