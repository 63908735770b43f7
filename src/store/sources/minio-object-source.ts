import type { Readable } from 'node:stream';
import type { Client } from 'minio';
import { BlobStoreUnavailable, SourceObjectMissing } from '../../core/errors.js';
import { codeOf } from '../blob/minio-blob-store.js';
import type { ObjectLocation, ObjectSource } from '../../core/ports.js';

/** With the MinIO backend, any bucket of that MinIO can hold layer packages. */
export class MinioObjectSource implements ObjectSource {
  constructor(private readonly client: Client, private readonly endpoint: string) {}

  async open({ bucket, key, versionId }: ObjectLocation): Promise<Readable> {
    try {
      return await this.client.getObject(bucket, key, versionId ? { versionId } : {});
    } catch (err) {
      const code = codeOf(err);
      if (code === 'NoSuchBucket' || code === 'InvalidBucketName') throw new SourceObjectMissing('bucket', bucket, key, versionId);
      if (code === 'NoSuchKey' || code === 'InvalidObjectName') throw new SourceObjectMissing('key', bucket, key, versionId);
      // MinIO answers an unknown or malformed version id of an existing key with NoSuchVersion or InvalidArgument.
      if (code === 'NoSuchVersion' || (versionId && code === 'InvalidArgument')) {
        throw new SourceObjectMissing('version', bucket, key, versionId);
      }
      throw new BlobStoreUnavailable(`MinIO at ${this.endpoint}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}
