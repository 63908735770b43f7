import type { FastifyReply, FastifyRequest } from 'fastify';

/** Strata's answer to a request that no route serves (also the API page's, openapi/docs-app.ts). */
export function notFound(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.status(404).send({ message: `Strata serves no ${request.method} ${request.url.split('?')[0]}` });
}
