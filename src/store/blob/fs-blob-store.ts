import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobStore } from './blob-store.js';

const KEY = /^[0-9a-f]{32}$/;

/** The embedded default: one file per blob under `<dir>/<first two key chars>/<key>`. */
export class FsBlobStore implements BlobStore {
  /** Shard directories known to exist, so that a publish makes no mkdir call for them. */
  private readonly shards = new Set<string>();

  constructor(private readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  readonly adoptMovesFile = true;

  async adopt(localPath: string): Promise<string> {
    const key = randomBytes(16).toString('hex');
    const shard = join(this.dir, key.slice(0, 2));
    if (!this.shards.has(shard)) {
      await mkdir(shard, { recursive: true });
      this.shards.add(shard);
    }
    await rename(localPath, join(shard, key));
    await syncDir(shard);
    return key;
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

  async delete(key: string): Promise<void> {
    if (KEY.test(key)) await rm(this.pathOf(key), { force: true });
  }

  async sweep(isReferenced: (key: string) => boolean): Promise<number> {
    let removed = 0;
    for (const shard of await readdir(this.dir)) {
      for (const name of await readdir(join(this.dir, shard)).catch(() => [])) {
        if (!isReferenced(name)) {
          await rm(join(this.dir, shard, name), { force: true });
          removed++;
        }
      }
    }
    return removed;
  }

  private pathOf(key: string): string {
    return join(this.dir, key.slice(0, 2), key);
  }
}

/** Makes a rename durable: the directory entry itself must reach the disk. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
