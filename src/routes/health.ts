import type { FastifyInstance } from 'fastify';

/** Liveness and readiness under Strata's own namespace: answers once the store is open. */
export default async function healthRoutes(app: FastifyInstance) {
  app.get('/_strata/health', async () => ({
    status: 'ok',
    service: 'strata',
    blobBackend: 'fs',
    dialects: ['aws-lambda/2018-10-31'],
  }));
}
