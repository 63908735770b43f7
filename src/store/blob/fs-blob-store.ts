import { createReadStream, writeFileSync } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { newBlobKey } from '../../core/blob-keys.js';
import type { Durability } from '../../config.js';
import type { BlobStore } from '../../core/ports.js';

const KEY = /^[0-9a-f]{32}$/;
/**
 * Content up to this size is written by write() in one synchronous call: into the page cache that takes a few
 * microseconds, less than the thread-pool round trips of an open, a write and a close (the event loop is held no
 * longer than by an SQLite commit).
 */
const SYNC_WRITE_MAX = 64 * 1024;

/** The embedded default: one file per blob under `<dir>/<first two key chars>/<key>`. */
export class FsBlobStore implements BlobStore {
  /** `durability` power: each rename into a shard is made durable by syncing the shard directory. */
  constructor(private readonly dir: string, private readonly durability: Durability = 'power') {}

  /**
   * Makes the 256 shard directories, so that no publish waits for a mkdir (the first few hundred publishes of a new
   * data directory each made one). Called before the store is used.
   */
  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const present = new Set(await readdir(this.dir));
    let made = false;
    for (let i = 0; i < 256; i++) {
      const name = i.toString(16).padStart(2, '0');
      if (!present.has(name)) {
        await mkdir(join(this.dir, name), { recursive: true });
        made = true;
      }
    }
    // Under power, the new directories' entries reach the disk before any blob is renamed into them.
    if (made && this.durability === 'power') await syncPath(this.dir);
  }

  readonly adoptMovesFile = true;

  async adopt(localPath: string): Promise<string> {
    const key = newBlobKey();
    const shard = this.shardOf(key);
    await rename(localPath, join(shard, key));
    if (this.durability === 'power') await syncPath(shard);
    return key;
  }

  async write(bytes: Buffer): Promise<string> {
    const key = newBlobKey();
    const shard = this.shardOf(key);
    const path = join(shard, key);
    try {
      if (this.durability === 'power') {
        const fh = await open(path, 'wx');
        try {
          await fh.writeFile(bytes);
          await fh.sync();
        } finally {
          await fh.close();
        }
        await syncPath(shard);
      } else if (bytes.length <= SYNC_WRITE_MAX) {
        writeFileSync(path, bytes, { flag: 'wx' });
      } else {
        await writeFile(path, bytes, { flag: 'wx' });
      }
    } catch (err) {
      // A part written before the failure (a full disk) must not stay as a blob.
      await rm(path, { force: true }).catch(() => undefined);
      throw err;
    }
    return key;
  }

  /** The shard directory of a key (init() made them all). */
  private shardOf(key: string): string {
    return join(this.dir, key.slice(0, 2));
  }

  async open(key: string) {
    if (!KEY.test(key)) return undefined;
    const path = this.pathOf(key);
    try {
      const { size } = await stat(path);
      return { stream: createReadStream(path, { highWaterMark: 1024 * 1024 }), size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async localPath(key: string): Promise<string | undefined> {
    if (!KEY.test(key)) return undefined;
    const path = this.pathOf(key);
    try {
      await stat(path);
      return path;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    if (KEY.test(key)) await rm(this.pathOf(key), { force: true });
  }

  async sweep(isReferenced: (key: string) => boolean, olderThanMs?: number): Promise<number> {
    let removed = 0;
    const before = olderThanMs === undefined ? undefined : Date.now() - olderThanMs;
    for (const shard of await readdir(this.dir)) {
      for (const name of await readdir(join(this.dir, shard)).catch(() => [])) {
        if (isReferenced(name)) continue;
        const path = join(this.dir, shard, name);
        if (before !== undefined) {
          const written = (await stat(path).catch(() => undefined))?.mtimeMs;
          if (written === undefined || written >= before) continue;
        }
        await rm(path, { force: true });
        removed++;
      }
    }
    return removed;
  }

  private pathOf(key: string): string {
    return join(this.shardOf(key), key);
  }
}

/**
 * Syncs a file, or a directory, to the disk. Of a directory, it makes a rename durable against a power cut: the
 * directory entry itself must reach the disk. (Against a kill -9 it already is: a rename is done once it returns.)
 */
export async function syncPath(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
