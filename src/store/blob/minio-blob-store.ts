import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { BlobStoreUnavailable } from '../../core/errors.js';
import type { ContentDigests } from '../../core/model.js';
import type { BlobStore } from '../../core/ports.js';

const KEY = /^[0-9a-f]{32}$/;

/** S3 error codes that mean "no such object" rather than "the store is in trouble". */
const MISSING = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);

/**
 * Blobs as objects `layers/<instance>/<key>` in one bucket of MinIO (or any S3-compatible store), through the
 * `minio` client. Each Strata data directory is one instance with an id of its own, so several instances can
 * share a bucket without sweeping each other's blobs. Uploads stream from the staged file.
 */
export class MinioBlobStore implements BlobStore {
  private ready = false;
  private lastError: string | undefined;

  private readonly prefix: string;

  constructor(
    private readonly client: Client,
    readonly bucket: string,
    readonly endpoint: string,
    private readonly region: string,
    instanceId: string,
  ) {
    this.prefix = `layers/${instanceId}/`;
  }

  /** Creates the bucket if needed. Throws BlobStoreUnavailable when MinIO cannot be reached. */
  async init(): Promise<void> {
    try {
      if (!(await this.client.bucketExists(this.bucket))) await this.client.makeBucket(this.bucket);
      this.ready = true;
      this.lastError = undefined;
    } catch (err) {
      this.lastError = describe(err);
      throw new BlobStoreUnavailable(`MinIO at ${this.endpoint}: ${this.lastError}`);
    }
  }

  /** Reachability, checked now: for the health route. */
  async health(): Promise<{ reachable: boolean; error?: string }> {
    try {
      await this.ensureReady();
      await this.client.bucketExists(this.bucket);
      return { reachable: true };
    } catch (err) {
      return { reachable: false, error: err instanceof BlobStoreUnavailable ? this.lastError ?? err.detail : describe(err) };
    }
  }

  /**
   * One streamed PUT. The client's putObject reads objects under its 64 MiB part size whole into memory to
   * hash them; the staging pass already computed the SHA-256 that SigV4 wants (over TLS the payload is unsigned).
   */
  readonly adoptMovesFile = false;

  async adopt(localPath: string, digests: ContentDigests): Promise<string> {
    await this.ensureReady();
    const { size } = await stat(localPath);
    return this.put(createReadStream(localPath, { highWaterMark: 1024 * 1024 }), size, digests);
  }

  async write(bytes: Buffer, digests: ContentDigests): Promise<string> {
    await this.ensureReady();
    return this.put(bytes, bytes.length, digests);
  }

  /** PUTs a new object; a failed PUT leaves no object (S3 writes an object whole or not at all). */
  private async put(body: Readable | Buffer, size: number, digests: ContentDigests): Promise<string> {
    const key = randomBytes(16).toString('hex');
    const tls = this.endpoint.startsWith('https:');
    const res = await this.call(() =>
      this.client.makeRequestStreamAsync(
        {
          method: 'PUT',
          bucketName: this.bucket,
          objectName: this.prefix + key,
          headers: { 'Content-Length': size, 'Content-Type': 'application/zip' },
        },
        body,
        tls ? '' : digests.sha256.toString('hex'),
        [200],
        this.region,
      ),
    );
    res.resume();
    return key;
  }

  async open(key: string) {
    if (!KEY.test(key)) return undefined;
    await this.ensureReady();
    try {
      const { size } = await this.client.statObject(this.bucket, this.prefix + key);
      return { stream: await this.client.getObject(this.bucket, this.prefix + key), size };
    } catch (err) {
      if (MISSING.has(codeOf(err))) return undefined;
      throw unavailable(this.endpoint, err);
    }
  }

  async delete(key: string): Promise<void> {
    if (!KEY.test(key)) return;
    await this.ensureReady();
    await this.call(() => this.client.removeObject(this.bucket, this.prefix + key));
  }

  async sweep(isReferenced: (key: string) => boolean, olderThanMs?: number): Promise<number> {
    await this.ensureReady();
    const orphans: string[] = [];
    const before = olderThanMs === undefined ? Infinity : Date.now() - olderThanMs;
    try {
      const listing = this.client.listObjectsV2(this.bucket, this.prefix, true);
      for await (const item of listing as AsyncIterable<{ name?: string; lastModified?: Date }>) {
        const key = item.name?.slice(this.prefix.length);
        const old = before === Infinity || (item.lastModified !== undefined && item.lastModified.getTime() < before);
        if (key && old && !isReferenced(key)) orphans.push(item.name!);
      }
    } catch (err) {
      throw unavailable(this.endpoint, err);
    }
    if (orphans.length > 0) await this.call(() => this.client.removeObjects(this.bucket, orphans));
    return orphans.length;
  }

  private async ensureReady(): Promise<void> {
    if (!this.ready) await this.init();
  }

  private async call<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      throw unavailable(this.endpoint, err);
    }
  }
}

export function codeOf(err: unknown): string {
  return String((err as { code?: unknown })?.code ?? '');
}

function describe(err: unknown): string {
  const code = codeOf(err);
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${code}: ${message}` : message;
}

function unavailable(endpoint: string, err: unknown): BlobStoreUnavailable {
  return new BlobStoreUnavailable(`MinIO at ${endpoint}: ${describe(err)}`);
}
