import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { FastifyInstance } from 'fastify';
import pg from 'pg';
import { inject } from 'vitest';
import type { Config } from '../../src/config.js';
import { startStrata } from '../../src/index.js';
import { minioClient } from '../../src/store/blob/index.js';
import { forgetApp, registerApp, verifyEnv } from './auth.js';
import { createDatabase } from './postgres-server.js';

/** The blob backend this test project runs on: `fs` (default) or `minio` (vitest.config.ts). */
export const BACKEND = process.env.STRATA_TEST_BACKEND === 'minio' ? 'minio' : 'fs';

/** Where this test project keeps metadata: the SQLite file (default) or the test PostgreSQL (vitest.config.ts). */
export const METADATA = process.env.STRATA_TEST_METADATA === 'postgres' ? 'postgres' : 'sqlite';

/**
 * Environment that points Strata at this project's stores: the test MinIO with a bucket of its own, and the test
 * PostgreSQL with a database of its own (unless `given` names one already, as a restart does).
 */
export async function backendEnv(given: Record<string, string> = {}): Promise<Record<string, string>> {
  const env: Record<string, string> = {};
  if (BACKEND === 'minio') {
    const minio = inject('minio');
    Object.assign(env, {
      STRATA_BLOB_BACKEND: 'minio',
      STRATA_MINIO_ENDPOINT: minio.endpoint,
      STRATA_MINIO_ACCESS_KEY: minio.accessKey,
      STRATA_MINIO_SECRET_KEY: minio.secretKey,
      STRATA_MINIO_BUCKET: `strata-t-${randomBytes(6).toString('hex')}`,
    });
  }
  if (METADATA === 'postgres' && given.STRATA_METADATA_URL === undefined) {
    env.STRATA_METADATA_URL = await createDatabase(inject('postgres').adminUrl, `strata_t_${randomBytes(6).toString('hex')}`);
  }
  return env;
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

/**
 * The keys of every stored layer zip a configuration names: the blobs, whichever backend holds them (with MinIO also
 * its unfinished uploads), and the small zips the SQLite file keeps beside their versions.
 */
export async function blobKeysOf(config: Config): Promise<string[]> {
  const inline = config.metadataUrl ? [] : inlineBlobKeys(config.dataDir);
  if (config.minio) {
    const keys: string[] = [];
    const client = minioClient(config.minio);
    const listing = client.listObjectsV2(config.minio.bucket, 'layers/', true);
    for await (const item of listing as AsyncIterable<{ name?: string }>) if (item.name) keys.push(item.name.split('/').pop()!);
    // Multipart uploads not completed (a large zip is sent while it arrives) count too, as `upload:<key>`.
    const { uploads } = await client.listIncompleteUploadsQuery(config.minio.bucket, '', '', '', '');
    for (const u of uploads) if (u.key.startsWith('layers/')) keys.push(`upload:${u.key.split('/').pop()!}`);
    return [...keys, ...inline];
  }
  const root = join(config.dataDir, 'blobs');
  const shards = await readdir(root).catch(() => []);
  return [...(await Promise.all(shards.map((s) => readdir(join(root, s)).catch(() => [])))).flat(), ...inline];
}

/**
 * The keys of the small zips kept in the SQLite file of a data directory (none when it has no such file yet); a
 * kept zip that no version refers to counts as `orphan:<its row>`.
 */
export function inlineBlobKeys(dataDir: string): string[] {
  let db: Database.Database;
  try {
    db = new Database(join(dataDir, 'strata.sqlite'), { readonly: true, fileMustExist: true });
  } catch {
    return [];
  }
  try {
    return db.prepare(`SELECT COALESCE(v.blob_key, 'orphan:' || c.id) FROM inline_content c
      LEFT JOIN layer_versions v ON v.inline_id = c.id`).pluck().all() as string[];
  } finally {
    db.close();
  }
}

/** The blob key of every version row, read from the metadata store a stopped Strata used (SQLite or PostgreSQL). */
export async function rowBlobKeys(dataDir: string, env: Record<string, string>): Promise<string[]> {
  if (env.STRATA_METADATA_URL) {
    const client = new pg.Client({ connectionString: env.STRATA_METADATA_URL });
    await client.connect();
    try {
      return (await client.query<{ blob_key: string }>('SELECT blob_key FROM layer_versions')).rows.map((r) => r.blob_key);
    } finally {
      await client.end();
    }
  }
  const db = new Database(join(dataDir, 'strata.sqlite'), { readonly: true });
  try {
    return (db.prepare('SELECT blob_key FROM layer_versions').all() as { blob_key: string }[]).map((r) => r.blob_key);
  } finally {
    db.close();
  }
}

/** Starts Strata on a free loopback port with a fresh data directory (or the one given). */
export async function startTestApp(env: Record<string, string> = {}, existingDir?: string, port = 0): Promise<TestApp> {
  const dataDir = existingDir ?? (await mkdtemp(join(tmpdir(), 'strata-test-')));
  // A restart keeps the first start's bucket and credentials file: they are part of `env` from then on.
  env = { ...(await backendEnv(env)), ...env };
  env = { ...env, ...verifyEnv(env, `${dataDir}.credentials`) };
  // Through the in-process API users get (src/index.ts).
  // Every response is checked against its documented schema (a mismatch fails the request, hence the test).
  const strata = await startStrata({
    STRATA_DATA_DIR: dataDir, STRATA_LOG_LEVEL: 'silent', STRATA_PORT: port, STRATA_CHECK_RESPONSES: 'on', ...env,
  });
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
