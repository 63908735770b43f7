import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { LayerService } from '../core/layer-service.js';
import { openDatabase } from '../store/db.js';
import { createBlobBackend, type BlobBackend } from '../store/blob/index.js';
import { LayerRepo } from '../store/layer-repo.js';
import { StagingArea } from '../store/staging.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    layers: LayerService;
    blobBackend: BlobBackend;
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
    const backend = createBlobBackend(config, repo.setting('instance-id', () => randomBytes(8).toString('hex')));
    const staging = new StagingArea(join(config.dataDir, 'staging'));
    const layers = new LayerService(repo, backend.store, backend.sources, staging, config.linkTtlSeconds);
    await staging.reset();
    try {
      await backend.init();
      const { orphanBlobs } = await layers.recover();
      if (orphanBlobs > 0) app.log.warn({ orphanBlobs }, 'removed blobs left by an unclean stop');
    } catch (err) {
      // Serve anyway: the health route reports the outage, and publishes answer with the cloud's service error.
      app.log.error({ err }, `the blob store cannot be reached: ${(err as Error).message}`);
      console.error(`strata: WARNING: the blob store cannot be reached: ${(err as Error).message}`);
    }
    app.decorate('config', config);
    app.decorate('layers', layers);
    app.decorate('blobBackend', backend);
  },
  { name: 'strata-services' },
);
