import { randomBytes } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { ObjectService } from '../core/object-service.js';
import { TemporaryUploads } from '../core/temporary-uploads.js';
import { createBucketStore } from '../store/buckets/index.js';
import type { Db } from '../store/db.js';
import type { LayerRepo } from '../store/layer-repo.js';
import type { StagingArea } from '../store/staging.js';

/**
 * The bucket objects behind the object dialect and FC's temporary upload bucket. The temporary bucket is named
 * for this data directory's instance id, so Strata instances sharing a MinIO never sweep each other's uploads.
 */
export function createObjectService(config: Config, db: Db, repo: LayerRepo, staging: StagingArea, instanceId: string) {
  const temporary = new TemporaryUploads(repo.setting('upload-token-secret', () => randomBytes(32).toString('hex')), {
    bucket: `fc-temp-${config.fc.region}-${instanceId}`,
    credentialTtlSeconds: config.fc.tempCredentialTtlSeconds,
    objectTtlSeconds: config.fc.tempObjectTtlSeconds,
  });
  return new ObjectService(createBucketStore(config, db), staging, temporary);
}

/**
 * Sweeps expired temporary objects now and then every quarter of their lifetime (at least every 250 ms, at most
 * every 10 minutes). Readers never see an expired object in between: the service hides it. Returns the stop.
 */
export function startSweeping(objects: ObjectService, log: FastifyBaseLogger): () => Promise<void> {
  let running: Promise<void> | undefined;
  const sweep = () => {
    running ??= objects
      .sweepTemporary()
      .then(
        (removed) => {
          if (removed > 0) log.info({ removed, bucket: objects.temporary.bucket }, 'removed expired temporary objects');
        },
        (err: unknown) => log.warn({ err }, 'could not sweep the temporary upload bucket'),
      )
      .finally(() => (running = undefined));
    return running;
  };
  void sweep();
  const everyMs = Math.min(Math.max((objects.temporary.settings.objectTtlSeconds * 1000) / 4, 250), 600_000);
  const timer = setInterval(() => void sweep(), everyMs);
  timer.unref();
  // Stopping waits for a sweep under way, which must not outlive the store it writes to.
  return async () => {
    clearInterval(timer);
    await running;
  };
}
