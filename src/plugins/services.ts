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
import { openDatabase, type Db } from '../store/db.js';
import { createBlobBackend, type BlobBackend } from '../store/blob/index.js';
import { LayerRepo } from '../store/layer-repo.js';
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
 * under it (SQLite file, blobs, staging area), recovers from an unclean stop, and exposes the layer service to
 * every route. The recovery sweeps run only under the lock: run by a second process, they would delete the first
 * one's uploads in flight.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    await mkdir(config.dataDir, { recursive: true });
    const lock = lockDataDir(config.dataDir);
    let db: Db | undefined;
    let stopSweeping: (() => Promise<void>) | undefined;
    const release = async () => {
      // A sweep under way must not outlive the store it writes to.
      await stopSweeping?.();
      db?.close();
      lock.release();
    };
    let layers: LayerService, backend: BlobBackend, objects: ObjectService;
    try {
      db = openDatabase(join(config.dataDir, 'strata.sqlite'));
      const repo = new LayerRepo(db);
      const instanceId = repo.setting('instance-id', () => randomBytes(8).toString('hex'));
      backend = createBlobBackend(config, instanceId);
      backend.store = countFailures(backend.store, app.metrics.blobStoreErrors);
      const staging = new StagingArea(join(config.dataDir, 'staging'));
      objects = createObjectService(config, db, repo, staging, instanceId);
      // Publishes by reference read the buckets as the object dialect serves them (expired temporary objects gone).
      layers = new LayerService(repo, backend.store, objects.guardSource(backend.sources), staging, config.linkTtlSeconds);
      await staging.reset();
      await recover(app, backend, layers);
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

/** Sets up the blob store and drops blobs an unclean stop left without metadata. */
async function recover(app: FastifyInstance, backend: BlobBackend, layers: LayerService): Promise<void> {
  try {
    await backend.init();
    const { orphanBlobs } = await layers.recover();
    if (orphanBlobs > 0) app.log.warn({ orphanBlobs }, 'removed blobs left by an unclean stop');
  } catch (err) {
    // An unreachable MinIO is an outage, not a misconfiguration: serve anyway; the health route reports it and
    // publishes answer with the cloud's service error until it is back. Anything else stops the start.
    if (!(err instanceof BlobStoreUnavailable)) throw err;
    app.log.error({ err }, err.message);
    console.error(`strata: WARNING: ${err.message}`);
  }
}
