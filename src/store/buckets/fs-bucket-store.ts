import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { Crc64 } from '../../codec/crc64.js';
import {
  BucketMissing, ObjectKeyUnusable, type BucketStore, type ByteRange, type NewObject, type ObjectInfo, type StagedObject,
} from '../../core/buckets.js';
import type { Durability } from '../../config.js';
import { syncPath } from '../blob/fs-blob-store.js';
import { ConfinedRoot } from '../confined-path.js';
import { keySegments } from './keys.js';
import type { ObjectMetaRepo, ObjectMetaRow } from './object-meta-repo.js';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/**
 * With the filesystem backend, buckets are directories and objects files: object `a/b.zip` of bucket `b` is
 * `<dataDir>/buckets/b/a/b.zip`, where publishes by reference read it. Users may also drop files there by hand.
 *
 * A key never leads out of its bucket: keys with empty, `.` or `..` segments are refused (keys.ts). Reads follow
 * symlinks only as far as they stay inside the buckets directory, as publishes do (confined-path.ts); writes
 * follow none: the walk from the bucket directory to the file refuses symbolic links and files on the way.
 * Digests and headers of what Strata wrote are kept in SQLite; a file changed by hand is hashed again when read.
 */
export class FsBucketStore implements BucketStore {
  private readonly confined: ConfinedRoot;

  /** `durability` power: the directory of each object written is synced, so that the rename survives a power cut. */
  constructor(private readonly root: string, private readonly meta: ObjectMetaRepo, private readonly durability: Durability = 'power') {
    this.confined = new ConfinedRoot(root);
  }

  async bucketExists(bucket: string): Promise<boolean> {
    return isBucketName(bucket) && stat(join(this.root, bucket)).then((s) => s.isDirectory(), () => false);
  }

  async createBucket(bucket: string): Promise<void> {
    if (!isBucketName(bucket)) throw new BucketMissing(bucket);
    await mkdir(join(this.root, bucket), { recursive: true });
  }

  checkKey(key: string): void {
    keySegments(key);
  }

  async put(bucket: string, key: string, staged: StagedObject, meta: NewObject): Promise<ObjectInfo> {
    const { dir, file } = (await this.locate(bucket, key, true))!;
    const existing = await lstat(file).catch(() => undefined);
    if (existing?.isDirectory()) throw new ObjectKeyUnusable(key, 'other objects are stored under it as a prefix');
    // rename() is atomic and replaces a symbolic link itself, never what it points to.
    await rename(staged.path, file).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EXDEV') throw err;
      // The staging area is on another filesystem: copy next to the target first, then rename.
      const sibling = join(dir, `.strata-upload-${randomBytes(8).toString('hex')}`);
      await copyFile(staged.path, sibling);
      if (this.durability === 'power') await syncPath(sibling);
      await rename(sibling, file);
    });
    if (this.durability === 'power') await syncPath(dir);
    const written = await stat(file);
    const row: ObjectMetaRow = {
      size: written.size,
      modified_ms: Math.floor(written.mtimeMs),
      md5: staged.md5.toString('hex'),
      crc64: staged.crc64,
      content_type: meta.contentType,
      metadata: JSON.stringify(meta.metadata),
    };
    this.meta.put(bucket, key, row);
    return toInfo(row);
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    const opened = await this.openObject(bucket, key);
    if (!opened) return undefined;
    try {
      return await this.infoOf(bucket, key, opened.path, await opened.fh.stat());
    } finally {
      await opened.fh.close();
    }
  }

  async read(bucket: string, key: string, range?: ByteRange) {
    const opened = await this.openObject(bucket, key);
    if (!opened) return undefined;
    try {
      const info = await this.infoOf(bucket, key, opened.path, await opened.fh.stat());
      const stream = opened.fh.createReadStream({ start: range?.start, end: range?.end, highWaterMark: 1024 * 1024 });
      return { info, stream };
    } catch (err) {
      await opened.fh.close();
      throw err;
    }
  }

  /**
   * Readers see what publishes see (FsObjectSource): the file by its real path, symlinks followed only as far
   * as they stay inside the buckets directory.
   */
  private async openObject(bucket: string, key: string) {
    keySegments(key);
    await this.bucketDir(bucket);
    const path = join(this.root, bucket, key);
    const fh = await this.confined.openFile(path);
    return fh && { fh, path };
  }

  async delete(bucket: string, key: string): Promise<void> {
    const found = await this.locate(bucket, key, false);
    this.meta.remove(bucket, key);
    if (!found) return;
    const st = await lstat(found.file).catch(() => undefined);
    if (!st || st.isDirectory()) return;
    await rm(found.file, { force: true });
    await this.prune(found.dir, await this.bucketDir(bucket));
  }

  async removeOlderThan(bucket: string, cutoff: number): Promise<number> {
    const root = await this.bucketDir(bucket);
    let removed = 0;
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          await walk(path);
          if (path !== root) await rmdir(path).catch(() => undefined); // only once empty
        } else if (entry.isFile()) {
          const st = await lstat(path).catch(() => undefined);
          if (st && st.mtimeMs < cutoff) {
            await rm(path, { force: true });
            this.meta.remove(bucket, relative(root, path).split(sep).join('/'));
            removed++;
          }
        }
      }
    };
    await walk(root);
    return removed;
  }

  private async bucketDir(bucket: string): Promise<string> {
    if (!isBucketName(bucket)) throw new BucketMissing(bucket);
    const dir = await this.confined.resolve(join(this.root, bucket));
    if (!dir || !(await stat(dir).then((s) => s.isDirectory(), () => false))) throw new BucketMissing(bucket);
    return dir;
  }

  /**
   * The key's directory and file inside the bucket, walking down one segment at a time and refusing anything but
   * real directories on the way (creating them when `create`). Undefined when a reader's walk finds no way.
   */
  private async locate(bucket: string, key: string, create: boolean): Promise<{ dir: string; file: string } | undefined> {
    const segments = keySegments(key);
    let dir = await this.bucketDir(bucket);
    for (const segment of segments.slice(0, -1)) {
      const next = join(dir, segment);
      let st = await lstat(next).catch(() => undefined);
      if (!st && create) {
        await mkdir(next).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== 'EEXIST') throw err;
        });
        st = await lstat(next);
      }
      if (!st) return undefined;
      if (!st.isDirectory()) {
        if (!create) return undefined;
        throw new ObjectKeyUnusable(key, st.isSymbolicLink() ? 'a parent is a symbolic link' : 'a parent of it is an object');
      }
      dir = next;
    }
    return { dir, file: join(dir, segments[segments.length - 1]!) };
  }

  /** What Strata recorded of the file, or, for a file written by hand, its digests computed now. */
  private async infoOf(bucket: string, key: string, file: string, st: Stats): Promise<ObjectInfo> {
    const row = this.meta.get(bucket, key);
    if (row && row.size === st.size && row.modified_ms === Math.floor(st.mtimeMs)) return toInfo(row);
    const md5 = createHash('md5');
    const crc = new Crc64();
    for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 }) as AsyncIterable<Buffer>) {
      md5.update(chunk);
      crc.update(chunk);
    }
    const fresh: ObjectMetaRow = {
      size: st.size,
      modified_ms: Math.floor(st.mtimeMs),
      md5: md5.digest('hex'),
      crc64: crc.toString(),
      content_type: DEFAULT_CONTENT_TYPE,
      metadata: '{}',
    };
    this.meta.put(bucket, key, fresh);
    return toInfo(fresh);
  }

  /** Removes the directories a delete left empty, up to (not including) the bucket directory. */
  private async prune(dir: string, root: string): Promise<void> {
    while (dir !== root && dir.startsWith(root + sep)) {
      const gone = await rmdir(dir).then(() => true, () => false);
      if (!gone) return;
      dir = join(dir, '..');
    }
  }
}

/** OSS bucket names: 3 to 63 lower-case letters, digits and hyphens, starting and ending with a letter or digit. */
function isBucketName(bucket: string): boolean {
  return /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/.test(bucket);
}

function toInfo(row: ObjectMetaRow): ObjectInfo {
  return {
    size: row.size,
    etag: row.md5,
    crc64: row.crc64,
    contentType: row.content_type,
    modifiedAt: row.modified_ms,
    metadata: JSON.parse(row.metadata) as Record<string, string>,
  };
}
