import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { BlobStoreUnavailable } from '../core/errors.js';
import { LayerService } from '../core/layer-service.js';
import { openDatabase } from '../store/db.js';
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
 * Opens the store under the data directory (SQLite file, blobs, staging area), recovers from an unclean stop,
 * and exposes the layer service to every route.
 */
export default fp<{ config: Config }>(
  async (app, { config }) => {
    await mkdir(config.dataDir, { recursive: true });
    const db = openDatabase(join(config.dataDir, 'strata.sqlite'));
    app.addHook('onClose', async () => db.close());
    const repo = new LayerRepo(db);
    const instanceId = repo.setting('instance-id', () => randomBytes(8).toString('hex'));
    const backend = createBlobBackend(config, instanceId);
    const staging = new StagingArea(join(config.dataDir, 'staging'));
    const objects = createObjectService(config, db, repo, staging, instanceId);
    // Publishes by reference read the buckets as the object dialect serves them (expired temporary objects gone).
    const layers = new LayerService(repo, backend.store, objects.guardSource(backend.sources), staging, config.linkTtlSeconds);
    await staging.reset();
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
    const stopSweeping = startSweeping(objects, app.log);
    app.addHook('onClose', stopSweeping);
    app.decorate('config', config);
    app.decorate('layers', layers);
    app.decorate('blobBackend', backend);
    app.decorate('objects', objects);
  },
  { name: 'strata-services' },
);
