/**
 * STRATA_DURABILITY as the stores apply it: power syncs the staged file, the blob's directory and each SQLite
 * commit to the disk; process leaves the written pages to the kernel (README "Durability"). The syncs are counted
 * on node's FileHandle, the class every fs/promises call of the stores goes through.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { FsBlobStore } from '../../../src/store/blob/fs-blob-store.js';
import { openDatabase } from '../../../src/store/sqlite/db.js';
import { StagingArea } from '../../../src/store/staging.js';

let dir: string;
let fileHandle: { sync(): Promise<void>; datasync(): Promise<void> };
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'strata-durability-'));
  const fh = await open(join(dir, 'probe'), 'w');
  fileHandle = Object.getPrototypeOf(fh) as typeof fileHandle;
  await fh.close();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

/** A blob store of its own, made (init's syncs uncounted); `syncs()` then counts the fsyncs made since. */
async function countedBlobStore(root: string, durability: 'process' | 'power') {
  const blobs = new FsBlobStore(root, durability);
  await blobs.init();
  vi.restoreAllMocks();
  const sync = vi.spyOn(fileHandle, 'sync');
  const datasync = vi.spyOn(fileHandle, 'datasync');
  return { blobs, syncs: () => ({ syncs: sync.mock.calls.length, datasyncs: datasync.mock.calls.length }) };
}

/** Stages `size` random bytes, adopts them as a blob, and counts the fsyncs on the way. */
async function publishBlob(durability: 'process' | 'power', size: number) {
  const staging = new StagingArea(join(dir, `staging-${durability}-${size}`), durability);
  await staging.reset();
  const { blobs, syncs } = await countedBlobStore(join(dir, `blobs-${durability}-${size}`), durability);
  const data = randomBytes(size);
  const file = staging.create();
  for (let off = 0; off < data.length; off += 1 << 20) await file.write(data.subarray(off, off + (1 << 20)));
  const digests = await file.finish();
  await file.synced();
  const key = await blobs.adopt(file.path);
  file.markMoved();
  await file.discard();
  expect(readFileSync(join(dir, `blobs-${durability}-${size}`, key.slice(0, 2), key)).equals(data)).toBe(true);
  expect(digests.size).toBe(size);
  return syncs();
}

/** Writes `size` random bytes held in memory as a blob (a small inline layer) and counts the fsyncs on the way. */
async function writeBlob(durability: 'process' | 'power', size: number) {
  const { blobs, syncs } = await countedBlobStore(join(dir, `written-${durability}-${size}`), durability);
  const data = randomBytes(size);
  const key = await blobs.write(data);
  expect(readFileSync(join(dir, `written-${durability}-${size}`, key.slice(0, 2), key)).equals(data)).toBe(true);
  return syncs();
}

describe('durability', () => {
  it('PublishLayerVersion: with power the staged file and the blob directory are synced to the disk', async () => {
    // One fsync of the file, one of the shard directory after the rename.
    expect(await publishBlob('power', 1024)).toEqual({ syncs: 2, datasyncs: 0 });
    // A large upload is also synced every 8 MiB as it arrives, so that the last fsync has little left to do.
    expect((await publishBlob('power', 20 << 20)).datasyncs).toBeGreaterThanOrEqual(1);
  });

  it('PublishLayerVersion: with process nothing is synced, and the blob holds every byte', async () => {
    expect(await publishBlob('process', 1024)).toEqual({ syncs: 0, datasyncs: 0 });
    expect(await publishBlob('process', 20 << 20)).toEqual({ syncs: 0, datasyncs: 0 });
  });

  it('PublishLayerVersion: a small layer written from memory is synced with its directory under power only', async () => {
    // One fsync of the file, one of the shard directory it was created in; under process none, whatever the size
    // (up to 64 KiB in one synchronous write, above that through the thread pool).
    expect(await writeBlob('power', 1024)).toEqual({ syncs: 2, datasyncs: 0 });
    expect(await writeBlob('process', 1024)).toEqual({ syncs: 0, datasyncs: 0 });
    expect(await writeBlob('process', 512 * 1024)).toEqual({ syncs: 0, datasyncs: 0 });
  });

  it('open: SQLite commits with synchronous FULL under power and NORMAL under process', () => {
    // PRAGMA synchronous reads back as a number: 1 is NORMAL, 2 is FULL (sqlite.org/pragma.html#pragma_synchronous).
    for (const [durability, level] of [['power', 2], ['process', 1]] as const) {
      const db = openDatabase(join(dir, `${durability}.sqlite`), durability);
      try {
        expect(db.pragma('synchronous', { simple: true })).toBe(level);
        expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      } finally {
        db.close();
      }
    }
  });
});

describe('blob shards', () => {
  it('init: the 256 shard directories exist before the first publish, and a start keeps what is in them', async () => {
    const root = join(dir, 'shards');
    const blobs = new FsBlobStore(root, 'process');
    await blobs.init();
    const shards = readdirSync(root).sort();
    expect(shards).toHaveLength(256);
    expect(shards[0]).toBe('00');
    expect(shards[255]).toBe('ff');
    const key = await blobs.write(Buffer.from('kept'));
    await new FsBlobStore(root, 'process').init();
    expect(readFileSync(join(root, key.slice(0, 2), key), 'utf8')).toBe('kept');
  });
});
