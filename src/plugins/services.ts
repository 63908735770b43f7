import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import fp from 'fastify-plugin';
import type { Config } from '../config.js';
import { LayerService } from '../core/layer-service.js';
import { openDatabase } from '../store/db.js';
import { FsBlobStore } from '../store/blob/fs-blob-store.js';
import { LayerRepo } from '../store/layer-repo.js';
import { StagingArea } from '../store/staging.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
    layers: LayerService;
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
    const blobs = new FsBlobStore(join(config.dataDir, 'blobs'));
    await blobs.init();
    const layers = new LayerService(new LayerRepo(db), blobs, new StagingArea(join(config.dataDir, 'staging')), config.linkTtlSeconds);
    const { orphanBlobs } = await layers.recover();
    if (orphanBlobs > 0) app.log.warn({ orphanBlobs }, 'removed blobs left by an unclean stop');
    app.decorate('config', config);
    app.decorate('layers', layers);
  },
  { name: 'strata-services' },
);
