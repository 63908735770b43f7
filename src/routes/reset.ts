/**
 * `POST /_strata/reset`: puts Strata back to empty between tests, as moto's `/moto-api/reset` and LocalStack's
 * state reset do: everything, or one cloud, account, region or layer. It answers once every blob is gone.
 * With STRATA_ADMIN_TOKEN set it needs that token (routes/admin.ts), like every admin route.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { requireAdmin } from './admin.js';

const Scope = z.strictObject({
  cloud: z.enum(['aws', 'fc']).optional().describe('Only this cloud'),
  account: z.string().regex(/^\d{1,32}$/).optional().describe('Only this account'),
  region: z.string().regex(/^[a-z]{2}(-[a-z0-9]+)+$/).optional().describe('Only this region'),
  layer: z.string().min(1).max(140).optional().describe('Only the layer of this name'),
});

const Result = z.strictObject({
  reset: z.strictObject({ layers: z.number().int(), versions: z.number().int(), blobs: z.number().int() }),
  scope: Scope,
});
const Failure = z.strictObject({ message: z.string() });

export default async function resetRoutes(app: FastifyInstance) {
  // An empty body (curl -X POST) means "everything", whatever its Content-Type says.
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, body === '' ? undefined : JSON.parse(body as string));
    } catch (err) {
      done(Object.assign(err as Error, { statusCode: 400 }));
    }
  });
  app.setErrorHandler((err: Error & { statusCode?: number }, _request, reply) =>
    reply.code(err.statusCode && err.statusCode < 500 ? err.statusCode : 500).send({ message: err.message }));
  const json = (schema: z.ZodType, description: string) => ({ description, content: { 'application/json': { schema } } });
  app.post('/_strata/reset', {
    config: { surface: 'strata', operation: 'ResetState' },
    preHandler: requireAdmin(app.config.auth.adminToken),
    schema: {
      tags: ['Strata'],
      operationId: 'ResetState',
      summary: 'Deletes every layer, or those of one cloud, account, region or name: versions, policies, counters, blobs',
      querystring: Scope,
      body: Scope.optional(),
      response: {
        200: json(Result, 'What was removed; answered once every blob is gone'),
        400: json(Failure, 'A scope that is not valid'),
        401: json(Failure, 'STRATA_ADMIN_TOKEN is set and the request does not carry it'),
      },
    },
  }, async (request, reply) => {
    const given = { ...(request.query as object), ...((request.body as object | undefined) ?? {}) };
    const scope = Scope.safeParse(given);
    if (!scope.success) {
      return reply.code(400).send({ message: scope.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
    }
    const { layer, ...rest } = scope.data;
    const reset = await app.layers.reset({ ...rest, name: layer });
    request.log.info({ scope: scope.data, ...reset }, 'reset');
    return { reset, scope: scope.data };
  });
}
