import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Client } from 'minio';
import type { Config } from '../../config.js';
import type { BlobStore } from '../../core/ports.js';
import { FsBlobStore } from './fs-blob-store.js';
import { MinioBlobStore } from './minio-blob-store.js';
import { FsObjectSource } from '../sources/fs-object-source.js';
import { MinioObjectSource } from '../sources/minio-object-source.js';
import type { ObjectSource } from '../../core/ports.js';

export interface BlobBackend {
  store: BlobStore;
  /** Where publish-by-reference content (S3/OSS buckets) is read from. */
  sources: ObjectSource;
  /** Set up the store; a MinIO that cannot be reached is reported, not fatal (the health route says so). */
  init(): Promise<void>;
  health(): Promise<{ type: 'fs' | 'minio'; reachable: boolean; endpoint?: string; bucket?: string; error?: string }>;
}

/**
 * The minio client module, loaded only when the MinIO backend is used: it alone adds about 37 MiB to the
 * resident memory of a Strata on the filesystem backend (measured with Node 20). Its CommonJS build loads
 * synchronously.
 */
const loadMinio = () => createRequire(import.meta.url)('minio') as typeof import('minio');

/**
 * `unsignedPayload`: requests are signed with the payload hash UNSIGNED-PAYLOAD even over plain HTTP (the client
 * otherwise signs each payload's SHA-256 there, which it computes and MinIO recomputes, two passes over every byte),
 * for payloads that carry a checksum header MinIO verifies instead (MinioBlobStore's parts).
 */
export function minioClient(config: NonNullable<Config['minio']>, opts: { unsignedPayload?: boolean } = {}): Client {
  const url = new URL(config.endpoint);
  const { Client } = loadMinio();
  const client = new Client({
    endPoint: url.hostname,
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
    useSSL: url.protocol === 'https:',
    accessKey: config.accessKey,
    secretKey: config.secretKey,
    region: config.region,
    pathStyle: true,
    // A retry would resend an upload stream that the first attempt consumed; failures surface instead.
    retryOptions: { disableRetry: true },
  });
  // The client's own switch for it (set for HTTPS), which its API does not expose: without it (another version of
  // the client), payloads are signed again, which costs time only.
  if (opts.unsignedPayload) (client as unknown as { enableSHA256: boolean }).enableSHA256 = false;
  return client;
}

/** `instanceId` names this data directory's share of a bucket that several instances may use. */
export function createBlobBackend(config: Config, instanceId: string): BlobBackend {
  if (config.blobBackend === 'minio' && config.minio) {
    const client = minioClient(config.minio);
    const store = new MinioBlobStore(
      client, config.minio.bucket, config.minio.endpoint, config.minio.region, instanceId,
      minioClient(config.minio, { unsignedPayload: true }),
    );
    return {
      store,
      sources: new MinioObjectSource(client, config.minio.endpoint),
      init: () => store.init(),
      health: async () => ({ type: 'minio', endpoint: config.minio!.endpoint, bucket: config.minio!.bucket, ...(await store.health()) }),
    };
  }
  const store = new FsBlobStore(join(config.dataDir, 'blobs'), config.durability);
  return {
    store,
    sources: new FsObjectSource(join(config.dataDir, 'buckets')),
    init: () => store.init(),
    health: async () => ({ type: 'fs', reachable: true }),
  };
}
