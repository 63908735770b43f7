import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

const Health = z.strictObject({
  status: z.enum(['ok', 'degraded']),
  service: z.literal('strata'),
  blobBackend: z.strictObject({
    type: z.enum(['fs', 'minio']),
    reachable: z.boolean(),
    endpoint: z.string().optional(),
    bucket: z.string().optional(),
    error: z.string().optional(),
  }),
  dialects: z.array(z.string()),
});

/** Readiness under Strata's own namespace: 200 once the store is open, 503 while the blob store is unreachable. */
export default async function healthRoutes(app: FastifyInstance) {
  const json = (description: string) => ({ description, content: { 'application/json': { schema: Health } } });
  const schema = {
    tags: ['Strata'],
    operationId: 'GetHealth',
    summary: 'Whether Strata is ready: its store is open and its blob backend reachable',
    response: { 200: json('Ready'), 503: json('The blob backend cannot be reached') },
  };
  app.get('/_strata/health', { schema, config: { surface: 'strata', operation: 'GetHealth' } }, async (_request, reply) => {
    const blobBackend = await app.blobBackend.health();
    return reply.status(blobBackend.reachable ? 200 : 503).send({
      status: blobBackend.reachable ? 'ok' : 'degraded',
      service: 'strata',
      blobBackend,
      dialects: ['aws-lambda/2018-10-31', 'fc/2016-08-15', 'fc/2021-04-06', 'fc/2023-03-30'],
    });
  });
}
