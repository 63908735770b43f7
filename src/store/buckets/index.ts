import { join } from 'node:path';
import type { Config } from '../../config.js';
import type { BucketStore } from '../../core/buckets.js';
import { minioClient } from '../blob/index.js';
import type { Db } from '../sqlite/db.js';
import { FsBucketStore } from './fs-bucket-store.js';
import { MinioBucketStore } from './minio-bucket-store.js';
import { ObjectMetaRepo } from './object-meta-repo.js';

/** The bucket store of the configured backend: the same buckets that publishes by reference read from. */
export function createBucketStore(config: Config, db: Db): BucketStore {
  if (config.blobBackend === 'minio' && config.minio) {
    return new MinioBucketStore(minioClient(config.minio), config.minio.endpoint, config.minio.region);
  }
  return new FsBucketStore(join(config.dataDir, 'buckets'), new ObjectMetaRepo(db), config.durability);
}
