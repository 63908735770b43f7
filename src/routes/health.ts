import type { FastifyInstance } from 'fastify';

/** Readiness under Strata's own namespace: 200 once the store is open, 503 while the blob store is unreachable. */
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/_strata/health', async (_request, reply) => {
    const blobBackend = await app.blobBackend.health();
    return reply.status(blobBackend.reachable ? 200 : 503).send({
      status: blobBackend.reachable ? 'ok' : 'degraded',
      service: 'strata',
      blobBackend,
      dialects: ['aws-lambda/2018-10-31', 'fc/2016-08-15', 'fc/2021-04-06', 'fc/2023-03-30'],
    });
  });
}
