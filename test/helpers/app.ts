import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { inject } from 'vitest';
import type { Config } from '../../src/config.js';
import { startStrata } from '../../src/index.js';
import { minioClient } from '../../src/store/blob/index.js';
import { forgetApp, registerApp, verifyEnv } from './auth.js';

/** The blob backend this test project runs on: `fs` (default) or `minio` (vitest.config.ts). */
export const BACKEND = process.env.STRATA_TEST_BACKEND === 'minio' ? 'minio' : 'fs';

/** Environment that points Strata at the test MinIO with a bucket of its own. */
export function backendEnv(): Record<string, string> {
  if (BACKEND !== 'minio') return {};
  const minio = inject('minio');
  return {
    STRATA_BLOB_BACKEND: 'minio',
    STRATA_MINIO_ENDPOINT: minio.endpoint,
    STRATA_MINIO_ACCESS_KEY: minio.accessKey,
    STRATA_MINIO_SECRET_KEY: minio.secretKey,
    STRATA_MINIO_BUCKET: `strata-t-${randomBytes(6).toString('hex')}`,
  };
}

export interface TestApp {
  app: FastifyInstance;
  /** http://127.0.0.1:PORT */
  url: string;
  dataDir: string;
  /** Stops the server and removes its data directory. */
  close(): Promise<void>;
  /** Stops the server and starts a new one on the same data directory and port. */
  restart(): Promise<TestApp>;
  /** Puts an object where S3/OSS-sourced publishes read it (a MinIO bucket, or `<dataDir>/buckets`). */
  putSourceObject(bucket: string, key: string, body: Buffer, opts?: { versioned?: boolean }): Promise<{ versionId?: string }>;
  /** The keys of every blob in the blob store, whichever backend holds them. */
  listBlobKeys(): Promise<string[]>;
  /** Makes an empty user bucket (a MinIO bucket, or a directory of `<dataDir>/buckets`). */
  createBucket(bucket: string): Promise<void>;
}

/** The keys of every blob in the blob store a configuration names, whichever backend holds them. */
export async function blobKeysOf(config: Config): Promise<string[]> {
  if (config.minio) {
    const keys: string[] = [];
    const listing = minioClient(config.minio).listObjectsV2(config.minio.bucket, 'layers/', true);
    for await (const item of listing as AsyncIterable<{ name?: string }>) if (item.name) keys.push(item.name.split('/').pop()!);
    return keys;
  }
  const root = join(config.dataDir, 'blobs');
  const shards = await readdir(root).catch(() => []);
  return (await Promise.all(shards.map((s) => readdir(join(root, s)).catch(() => [])))).flat();
}

/** Starts Strata on a free loopback port with a fresh data directory (or the one given). */
export async function startTestApp(env: Record<string, string> = {}, existingDir?: string, port = 0): Promise<TestApp> {
  const dataDir = existingDir ?? (await mkdtemp(join(tmpdir(), 'strata-test-')));
  // A restart keeps the first start's bucket and credentials file: they are part of `env` from then on.
  env = { ...backendEnv(), ...env };
  env = { ...env, ...verifyEnv(env, `${dataDir}.credentials`) };
  // Through the in-process API users get (src/index.ts).
  const strata = await startStrata({ STRATA_DATA_DIR: dataDir, STRATA_LOG_LEVEL: 'silent', STRATA_PORT: port, ...env });
  const { app, config, url, port: boundPort } = strata;
  registerApp(url, env);
  return {
    app,
    url,
    dataDir,
    async close() {
      await app.close();
      forgetApp(url);
      await rm(dataDir, { recursive: true, force: true });
    },
    async restart() {
      await app.close();
      return startTestApp(env, dataDir, boundPort);
    },
    listBlobKeys: () => blobKeysOf(config),
    async createBucket(bucket) {
      if (config.minio) {
        const client = minioClient(config.minio);
        if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket);
        return;
      }
      await mkdir(join(dataDir, 'buckets', bucket), { recursive: true });
    },
    async putSourceObject(bucket, key, body, opts = {}) {
      if (config.minio) {
        const client = minioClient(config.minio);
        if (!(await client.bucketExists(bucket))) await client.makeBucket(bucket);
        if (opts.versioned) await client.setBucketVersioning(bucket, { Status: 'Enabled' });
        const info = await client.putObject(bucket, key, body, body.length);
        return { versionId: info.versionId ?? undefined };
      }
      const file = join(dataDir, 'buckets', bucket, key);
      await mkdir(join(file, '..'), { recursive: true });
      await writeFile(file, body);
      return {};
    },
  };
}
