import { createReadStream } from 'node:fs';
import type { Client } from 'minio';
import {
  BucketMissing, ObjectKeyUnusable, type BucketStore, type ByteRange, type NewObject, type ObjectInfo, type StagedObject,
} from '../../core/buckets.js';
import { BlobStoreUnavailable } from '../../core/errors.js';
import { codeOf } from '../blob/minio-blob-store.js';
import { keySegments } from './keys.js';

/** User metadata name under which Strata keeps an object's CRC-64 (MinIO has no such digest). */
const CRC_META = 'strata-crc64';
const META_PREFIX = 'x-amz-meta-';
const MISSING = Symbol('missing');
/** Headers minio-js reports among an object's metadata that are not user metadata. */
const SYSTEM_META = new Set([
  'content-type', 'cache-control', 'content-encoding', 'content-disposition', 'content-language', 'expires', CRC_META,
]);

/**
 * With the MinIO backend, buckets are MinIO buckets, where publishes by reference read them. Uploads stream from
 * the staged file in one PUT (MinIO makes the object visible only once it is complete), with the SHA-256 the
 * staging pass computed, so nothing is read twice or held in memory.
 */
export class MinioBucketStore implements BucketStore {
  constructor(private readonly client: Client, private readonly endpoint: string, private readonly region: string) {}

  async bucketExists(bucket: string): Promise<boolean> {
    return (await this.call(bucket, undefined, () => this.client.bucketExists(bucket))) === true;
  }

  async createBucket(bucket: string): Promise<void> {
    if (await this.bucketExists(bucket)) return;
    // Made meanwhile by a concurrent request: fine.
    await this.call(bucket, undefined, () => this.client.makeBucket(bucket, this.region), ['BucketAlreadyOwnedByYou']);
  }

  checkKey(key: string): void {
    keySegments(key);
  }

  async put(bucket: string, key: string, staged: StagedObject, meta: NewObject): Promise<ObjectInfo> {
    const headers: Record<string, string | number> = {
      'Content-Length': staged.size,
      'Content-Type': meta.contentType,
      [META_PREFIX + CRC_META]: staged.crc64,
    };
    for (const [name, value] of Object.entries(meta.metadata)) headers[META_PREFIX + name] = value;
    const tls = this.endpoint.startsWith('https:');
    const res = await this.call(bucket, key, () =>
      this.client.makeRequestStreamAsync(
        { method: 'PUT', bucketName: bucket, objectName: key, headers },
        createReadStream(staged.path, { highWaterMark: 1024 * 1024 }),
        // Over TLS the payload goes unsigned; in the clear SigV4 signs its SHA-256, computed while staging.
        tls ? '' : staged.sha256.toString('hex'),
        [200],
        this.region,
      ),
    );
    if (res === MISSING) throw new ObjectKeyUnusable(key, 'MinIO refused the name');
    res.resume();
    return {
      size: staged.size,
      etag: staged.md5.toString('hex'),
      crc64: staged.crc64,
      contentType: meta.contentType,
      modifiedAt: Date.now(),
      metadata: meta.metadata,
    };
  }

  async head(bucket: string, key: string): Promise<ObjectInfo | undefined> {
    keySegments(key);
    const st = await this.call(bucket, key, () => this.client.statObject(bucket, key));
    if (st === MISSING) return undefined;
    const metaData = st.metaData as Record<string, string>;
    const metadata: Record<string, string> = {};
    for (const [name, value] of Object.entries(metaData)) {
      const lower = name.toLowerCase();
      if (!SYSTEM_META.has(lower) && !lower.startsWith('x-amz-')) metadata[lower] = String(value);
    }
    return {
      size: st.size,
      etag: st.etag,
      crc64: metaData[CRC_META],
      contentType: metaData['content-type'] ?? 'application/octet-stream',
      modifiedAt: st.lastModified.getTime(),
      metadata,
    };
  }

  async read(bucket: string, key: string, range?: ByteRange) {
    const info = await this.head(bucket, key);
    if (!info) return undefined;
    const stream = await this.call(bucket, key, () =>
      range ? this.client.getPartialObject(bucket, key, range.start, range.end - range.start + 1) : this.client.getObject(bucket, key),
    );
    return stream === MISSING ? undefined : { info, stream };
  }

  async delete(bucket: string, key: string): Promise<void> {
    keySegments(key);
    await this.call(bucket, key, () => this.client.removeObject(bucket, key));
  }

  async removeOlderThan(bucket: string, cutoff: number): Promise<number> {
    const old: string[] = [];
    await this.call(bucket, undefined, async () => {
      for await (const item of this.client.listObjectsV2(bucket, '', true) as AsyncIterable<{ name?: string; lastModified?: Date }>) {
        if (item.name && item.lastModified && item.lastModified.getTime() < cutoff) old.push(item.name);
      }
    });
    if (old.length > 0) await this.call(bucket, undefined, () => this.client.removeObjects(bucket, old));
    return old.length;
  }

  /**
   * One MinIO call: a missing bucket is BucketMissing, a missing (or unnameable) object MISSING, a name MinIO
   * cannot hold because of other objects ObjectKeyUnusable, the codes in `fine` no error, anything else an outage.
   */
  private async call<T>(bucket: string, key: string | undefined, op: () => Promise<T>, fine: string[] = []): Promise<T | typeof MISSING> {
    try {
      return await op();
    } catch (err) {
      const code = codeOf(err);
      if (fine.includes(code)) return MISSING;
      if (code === 'NoSuchBucket') throw new BucketMissing(bucket);
      if (key !== undefined && ['NoSuchKey', 'NotFound', 'XMinioInvalidObjectName', 'InvalidObjectName'].includes(code)) return MISSING;
      if (key !== undefined && code === 'XMinioParentIsObject') throw new ObjectKeyUnusable(key, 'a parent of it is an object');
      if (key !== undefined && code === 'XMinioObjectExistsAsDirectory') {
        throw new ObjectKeyUnusable(key, 'other objects are stored under it as a prefix');
      }
      throw new BlobStoreUnavailable(`MinIO at ${this.endpoint}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
