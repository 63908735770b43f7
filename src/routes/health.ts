import type { FastifyInstance } from 'fastify';

/** Liveness and readiness under Strata's own namespace: answers once the store is open. */
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/_strata/health', async () => ({
    status: 'ok',
    service: 'strata',
    blobBackend: 'fs',
    dialects: ['aws-lambda/2018-10-31', 'fc/2016-08-15', 'fc/2021-04-06', 'fc/2023-03-30'],
  }));
}
