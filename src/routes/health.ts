import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { HEALTH_PATH } from './health-path.js';

const Health = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  service: z.literal('strata'),
  metadata: z.strictObject({
    type: z.enum(['sqlite', 'postgres']),
    reachable: z.boolean(),
    error: z.string().optional(),
  }),
  blobBackend: z.strictObject({
    type: z.enum(['fs', 'minio']),
    reachable: z.boolean(),
    endpoint: z.string().optional(),
    bucket: z.string().optional(),
    error: z.string().optional(),
  }),
  dialects: z.array(z.string()),
});

/**
 * Readiness under Strata's own namespace: 200 once the stores are open, 503 while the blob store or the metadata
 * store (a PostgreSQL server) is unreachable.
 */
export default async function healthRoutes(app: FastifyInstance) {
  const json = (description: string) => ({ description, content: { 'application/json': { schema: Health } } });
  const schema = {
    tags: ['Strata'],
    operationId: 'GetHealth',
    summary: 'Whether Strata is ready: its metadata store and its blob backend are reachable',
    response: { 200: json('Ready'), 503: json('The blob backend or the metadata store cannot be reached') },
  };
  app.get(HEALTH_PATH, { schema, config: { surface: 'strata', operation: 'GetHealth' } }, async (_request, reply) => {
    const [blobBackend, metadataHealth] = await Promise.all([app.blobBackend.health(), app.layers.metadataHealth()]);
    const metadata = { type: app.config.metadataUrl ? 'postgres' as const : 'sqlite' as const, ...metadataHealth };
    const ready = blobBackend.reachable && metadata.reachable;
    return reply.status(ready ? 200 : 503).send({
      status: ready ? 'ok' : 'degraded',
      service: 'strata',
      metadata,
      blobBackend,
      dialects: ['aws-lambda/2018-10-31', 'fc/2016-08-15', 'fc/2021-04-06', 'fc/2023-03-30'],
    });
  });
}
