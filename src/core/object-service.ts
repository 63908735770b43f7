/**
 * Bucket objects as the object dialect serves them: uploads stream to a staging file (hashed on the way: MD5,
 * SHA-256, CRC-64) and then become the object in one atomic step, so a reader sees the old object or the new one,
 * never part of one. Objects of the temporary upload bucket expire: once past their lifetime they are gone for
 * readers at once, and a sweep removes them. Other buckets are never swept.
 */
import { createHash } from 'node:crypto';
import type { StagingArea } from '../store/staging.js';
import type { ObjectLocation, ObjectSource } from './ports.js';
import {
  BucketMissing, ObjectDigestMismatch, ObjectIncomplete, ObjectMissing, ObjectTooLarge,
  type BucketStore, type ByteRange, type NewObject, type ObjectInfo,
} from './buckets.js';
import { SourceObjectMissing, asStorageFull } from './errors.js';
import type { TemporaryUploads } from './temporary-uploads.js';

export interface PutOptions extends NewObject {
  maxBytes: number;
  /** The length the writer declared, if it declared one. */
  declaredLength?: number | undefined;
  /** The MD5 the writer says the bytes have, if it said one. */
  expectedMd5?: Buffer | undefined;
  /** The SHA-256 the writer signed the bytes with (a dialect's signed payload hash), if it signed one. */
  expectedSha256?: Buffer | undefined;
}

export class ObjectService {
  constructor(
    private readonly store: BucketStore,
    private readonly staging: StagingArea,
    readonly temporary: TemporaryUploads,
  ) {}

  /** Checks that an upload could land (bucket, key, declared size) before its body is read. */
  async checkPut(bucket: string, key: string, opts: Pick<PutOptions, 'maxBytes' | 'declaredLength'>): Promise<void> {
    if (opts.declaredLength !== undefined && opts.declaredLength > opts.maxBytes) throw new ObjectTooLarge(opts.maxBytes);
    this.store.checkKey(key);
    await this.requireBucket(bucket);
  }

  async put(bucket: string, key: string, body: AsyncIterable<Uint8Array>, opts: PutOptions): Promise<ObjectInfo> {
    await this.checkPut(bucket, key, opts);
    const file = this.staging.create();
    try {
      const md5 = createHash('md5');
      for await (const chunk of body) {
        if (file.bytesWritten + chunk.length > opts.maxBytes) throw new ObjectTooLarge(opts.maxBytes);
        md5.update(chunk);
        await file.write(chunk);
      }
      const digests = await file.finish();
      if (opts.declaredLength !== undefined && digests.size !== opts.declaredLength) {
        throw new ObjectIncomplete(opts.declaredLength, digests.size);
      }
      const actual = md5.digest();
      if (opts.expectedMd5 && !actual.equals(opts.expectedMd5)) {
        throw new ObjectDigestMismatch(opts.expectedMd5.toString('base64'), actual.toString('base64'));
      }
      if (opts.expectedSha256 && !digests.sha256.equals(opts.expectedSha256)) {
        throw new ObjectDigestMismatch(opts.expectedSha256.toString('hex'), digests.sha256.toString('hex'), 'sha256');
      }
      return await this.store.put(
        bucket, key,
        { path: file.path, size: digests.size, md5: actual, sha256: digests.sha256, crc64: digests.crc64 },
        { contentType: opts.contentType, metadata: opts.metadata },
      );
    } catch (err) {
      throw asStorageFull(err);
    } finally {
      // After a put the file has become the object (a no-op then); after a failure nothing is left.
      await file.discard();
    }
  }

  async head(bucket: string, key: string): Promise<ObjectInfo> {
    if (bucket === this.temporary.bucket) await this.store.createBucket(bucket);
    const info = await this.store.head(bucket, key);
    if (!info || this.hasExpired(bucket, info)) throw new ObjectMissing(bucket, key);
    return info;
  }

  async read(bucket: string, key: string, range?: (size: number) => ByteRange | undefined) {
    const info = await this.head(bucket, key);
    const wanted = range?.(info.size);
    const found = await this.store.read(bucket, key, wanted);
    if (!found || this.hasExpired(bucket, found.info)) {
      found?.stream.destroy();
      throw new ObjectMissing(bucket, key);
    }
    return { ...found, range: wanted };
  }

  async delete(bucket: string, key: string): Promise<void> {
    await this.requireBucket(bucket);
    await this.store.delete(bucket, key);
  }

  /** Removes the temporary objects past their lifetime; returns how many. */
  async sweepTemporary(now = Date.now()): Promise<number> {
    const { bucket, settings } = this.temporary;
    if (!(await this.store.bucketExists(bucket))) return 0;
    return this.store.removeOlderThan(bucket, now - settings.objectTtlSeconds * 1000);
  }

  /** `source` as publishes see it: an expired temporary object is missing, as it is for every other reader. */
  guardSource(source: ObjectSource): ObjectSource {
    return {
      open: async (location: ObjectLocation) => {
        if (location.bucket === this.temporary.bucket) {
          const info = await this.store.head(location.bucket, location.key).catch(() => undefined);
          if (info && this.hasExpired(location.bucket, info)) {
            throw new SourceObjectMissing('key', location.bucket, location.key, location.versionId);
          }
        }
        return source.open(location);
      },
    };
  }

  private hasExpired(bucket: string, info: ObjectInfo): boolean {
    return bucket === this.temporary.bucket && this.temporary.isExpired(info.modifiedAt);
  }

  /** The temporary bucket exists as soon as it is needed; any other bucket must have been made by its user. */
  private async requireBucket(bucket: string): Promise<void> {
    if (bucket === this.temporary.bucket) return this.store.createBucket(bucket);
    if (!(await this.store.bucketExists(bucket))) throw new BucketMissing(bucket);
  }
}
