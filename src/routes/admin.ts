/**
 * Strata's administrative routes under /_strata/admin, and the guard they share. `/_strata/*` stays open by
 * default; with STRATA_ADMIN_TOKEN set, every route that registers `requireAdmin` as a preHandler needs
 * `Authorization: Bearer <token>` (RFC 6750), and answers 401 with a `WWW-Authenticate` challenge otherwise. The
 * console and the reset/seed routes, when they come, are to use the same guard.
 */
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { z } from 'zod';

/** A preHandler that lets a request through only with the admin token (or always, when none is configured). */
export function requireAdmin(token: string | undefined): preHandlerAsyncHookHandler {
  const expected = token === undefined ? undefined : Buffer.from(`Bearer ${token}`);
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (expected === undefined) return;
    const given = Buffer.from(request.headers.authorization ?? '');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    const error = request.headers.authorization === undefined ? '' : ', error="invalid_token"';
    return reply
      .status(401)
      .header('www-authenticate', `Bearer realm="strata"${error}`)
      .send({ message: 'This Strata route needs Authorization: Bearer <STRATA_ADMIN_TOKEN>.' });
  };
}

const Keys = z.strictObject({
  auth: z.enum(['off', 'verify']),
  keys: z.array(z.strictObject({
    cloud: z.enum(['aws', 'fc']),
    accessKeyId: z.string(),
    account: z.string(),
    temporary: z.boolean(),
  })),
});

export default async function adminRoutes(app: FastifyInstance) {
  const guard = requireAdmin(app.config.auth.adminToken);
  const json = (description: string, schema: z.ZodType) => ({ description, content: { 'application/json': { schema } } });
  app.get('/_strata/admin/credentials', {
    config: { surface: 'strata', operation: 'ListCredentials' },
    preHandler: guard,
    schema: {
      tags: ['Strata'],
      operationId: 'ListCredentials',
      summary: 'The access keys signatures are verified with (key ids and accounts; never secrets)',
      response: {
        200: json('The verification mode and the keys Strata knows', Keys),
        401: json('STRATA_ADMIN_TOKEN is set and the request does not carry it', z.strictObject({ message: z.string() })),
      },
    },
  }, async () => ({
    auth: app.config.auth.mode,
    keys: (app.credentials?.all() ?? []).map((c) => ({
      cloud: c.cloud, accessKeyId: c.accessKeyId, account: c.account, temporary: c.sessionToken !== undefined,
    })),
  }));
}
