import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { BlobStoreUnavailable } from '../core/errors.js';
import { LayerService } from '../core/layer-service.js';
import { seedFromFile } from '../seed.js';
import { lockDataDir } from '../store/data-dir-lock.js';
import { countFailures } from './metrics.js';
import { ContentLinks } from '../core/links.js';
import type { LayerRepository } from '../core/ports.js';
import { openDatabase, type Db } from '../store/sqlite/db.js';
import { IdleCheckpoints } from '../store/sqlite/idle-checkpoints.js';
import { SqliteLayerRepo } from '../store/sqlite/sqlite-repository.js';
import { createBlobBackend, type BlobBackend } from '../store/blob/index.js';
import { StagingArea } from '../store/staging.js';
import type { ObjectService } from '../core/object-service.js';
import { createObjectService, startSweeping } from './object-services.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    layers: LayerService;
    blobBackend: BlobBackend;
    objects: ObjectService;
  }
}

/**
 * Takes the data directory for this process (a second Strata on it is refused with DataDirInUse), opens the store
 * (metadata in the SQLite file there or in a shared PostgreSQL; blobs; the staging area), recovers from an unclean
 * stop, and exposes the layer service to every route. The recovery sweeps run only under the lock: run by a second
 * process, they would delete the first one's uploads in flight. With PostgreSQL, other replicas may be committing
 * blobs of their own: the orphan sweep then removes only blobs older than SHARED_SWEEP_AGE_MS.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    await mkdir(config.dataDir, { recursive: true });
    const lock = lockDataDir(config.dataDir);
    let db: Db | undefined;
    let checkpoints: IdleCheckpoints | undefined;
    let repo: LayerRepository | undefined;
    let stopSweeping: (() => Promise<void>) | undefined;
    const release = async () => {
      // A sweep under way must not outlive the store it writes to.
      await stopSweeping?.();
      await repo?.close();
      checkpoints?.stop();
      if (db?.open) db.close();
      lock.release();
    };
    let layers: LayerService, backend: BlobBackend, objects: ObjectService;
    try {
      // The SQLite file also keeps what the filesystem bucket store knows of its objects, whatever holds the layers.
      db = openDatabase(join(config.dataDir, 'strata.sqlite'), config.durability);
      checkpoints = new IdleCheckpoints(db);
      repo = config.metadataUrl
        ? await openPostgres(config.metadataUrl)
        : new SqliteLayerRepo(db, { inlineContent: config.blobBackend === 'fs', groupCommits: config.durability === 'power' });
      // Shared by every replica of one metadata store: the blobs' prefix, the link and token secrets.
      const instanceId = await repo.setting('instance-id', () => randomBytes(8).toString('hex'));
      const linkSecret = await repo.setting('link-secret', () => randomBytes(32).toString('hex'));
      const uploadSecret = await repo.setting('upload-token-secret', () => randomBytes(32).toString('hex'));
      backend = createBlobBackend(config, instanceId);
      backend.store = countFailures(backend.store, app.metrics.blobStoreErrors);
      const staging = new StagingArea(join(config.dataDir, 'staging'), config.durability, backend.store.uploads);
      objects = createObjectService(config, db, uploadSecret, staging, instanceId);
      // Publishes by reference read the buckets as the object dialect serves them (expired temporary objects gone).
      layers = new LayerService(
        repo, backend.store, objects.guardSource(backend.sources), staging, new ContentLinks(linkSecret, config.linkTtlSeconds),
      );
      await staging.reset();
      await recover(app, backend, layers, config.metadataUrl ? SHARED_SWEEP_AGE_MS : undefined);
      if (config.seed) {
        const { created, kept } = await seedFromFile(layers, config.seed, {
          maxBytes: Math.max(config.aws.maxUnzippedBytes, config.fc.maxCodeBytes),
          maxUnzippedBytes: Math.max(config.aws.maxUnzippedBytes, config.fc.maxUnzippedBytes),
        });
        app.log.info({ seed: config.seed, created: created.length, kept: kept.length }, 'seeded');
      }
      stopSweeping = startSweeping(objects, app.log);
    } catch (err) {
      // A start that fails leaves the directory free for the next one.
      await release();
      throw err;
    }
    app.addHook('onClose', release);
    app.addHook('onListen', async () => {
      const address = app.server.address();
      if (typeof address === 'object' && address) {
        const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
        lock.noteUrl(`http://${host}:${address.port}`);
      }
    });
    app.decorate('config', config);
    app.decorate('layers', layers);
    app.decorate('blobBackend', backend);
    app.decorate('objects', objects);
  },
  { name: 'strata-services' },
);

/**
 * The PostgreSQL repository, loaded only when it is used: its driver (pg) adds about 3 MiB to the resident memory
 * of a Strata on SQLite (measured with Node 20).
 */
async function openPostgres(url: string): Promise<LayerRepository> {
  const { PostgresLayerRepo } = await import('../store/postgres/layer-repo.js');
  return PostgresLayerRepo.open(url);
}

/**
 * With a shared metadata store, how old a blob without a row must be to be swept: a publish takes seconds from
 * its blob to its row, so a younger one may be another replica's publish in flight.
 */
const SHARED_SWEEP_AGE_MS = 15 * 60 * 1000;

/** Sets up the blob store and drops blobs an unclean stop left without metadata. */
async function recover(app: FastifyInstance, backend: BlobBackend, layers: LayerService, olderThanMs?: number): Promise<void> {
  try {
    await backend.init();
    const { orphanBlobs } = await layers.recover(olderThanMs);
    if (orphanBlobs > 0) app.log.warn({ orphanBlobs }, 'removed blobs left by an unclean stop');
  } catch (err) {
    // An unreachable MinIO is an outage, not a misconfiguration: serve anyway; the health route reports it and
    // publishes answer with the cloud's service error until it is back. Anything else stops the start.
    if (!(err instanceof BlobStoreUnavailable)) throw err;
    app.log.error({ err }, err.message);
    console.error(`strata: WARNING: ${err.message}`);
  }
}
