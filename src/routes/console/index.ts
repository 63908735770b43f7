/**
 * The web console, under /_strata/console/: a page (web/: HTML, CSS and JavaScript, no framework, nothing fetched
 * from elsewhere) and the JSON API it uses under /_strata/console/api/. Built on the
 * layer service like the dialects, and on the views the dialects register (plugins/cloud-views.ts) for what each
 * cloud returns and refuses.
 *
 * Every console route is registered in this one encapsulated plugin: a hook passed as `preHandler` (or added here)
 * protects them all. Requests that change something must carry `X-Strata-Console: 1`, which the page sends: a
 * header a cross-site form cannot send, and one that makes a cross-site script's request need a CORS preflight,
 * which Strata never grants, so no other web page can publish or delete through a visitor's browser.
 */
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, preHandlerAsyncHookHandler } from 'fastify';
import { DomainError, type AnyDomainError } from '../../core/errors.js';
import { isClientAbort } from '../json-bodies.js';
import browseRoutes from './browse.js';
import changeRoutes from './changes.js';
import { ConsoleError, fromDomain, fromFramework } from './errors.js';
import pageRoutes from './page.js';

export const CONSOLE_PREFIX = '/_strata/console';
export const CONSOLE_HEADER = 'x-strata-console';

export interface ConsoleOptions {
  /** Runs before every console route's handler (e.g. an access check). */
  preHandler?: preHandlerAsyncHookHandler;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export default async function consoleRoutes(app: FastifyInstance, opts: ConsoleOptions) {
  // Every console route is counted and logged as the console's, under its operation id.
  app.addHook('onRoute', (route) => {
    const operation = (route.schema as { operationId?: string } | undefined)?.operationId;
    route.config = { ...route.config, surface: 'console', ...(operation && { operation }) };
  });
  await app.register(multipart);
  if (opts.preHandler) app.addHook('preHandler', opts.preHandler);
  app.addHook('onRequest', async (request) => {
    if (!SAFE_METHODS.has(request.method) && request.headers[CONSOLE_HEADER] !== '1') {
      throw new ConsoleError(403, 'ConsoleHeaderMissing', 'Changes are accepted from the console page only (the request lacks X-Strata-Console: 1).');
    }
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    let out: ConsoleError;
    if (err instanceof ConsoleError) out = err;
    else if (err instanceof DomainError) out = fromDomain(err as AnyDomainError);
    else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) out = fromFramework({ ...err, statusCode: err.statusCode, message: err.message });
    else {
      if (isClientAbort(err)) request.log.info('the client closed the request');
      else request.log.error({ err }, 'unexpected error');
      out = new ConsoleError(500, 'InternalError', "Strata failed unexpectedly; its log says why.");
    }
    // A body refused for arriving too slowly is not read to its end: the connection cannot carry another request.
    if (out.code === 'RequestTimedOut') reply.header('connection', 'close');
    return reply.status(out.status).type('application/json').send({ code: out.code, message: out.message });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).type('application/json').send({
      code: 'NotFound',
      message: `The console has no ${request.method} ${request.url.split('?')[0]}.`,
    }),
  );

  await app.register(pageRoutes);
  await app.register(browseRoutes);
  await app.register(changeRoutes);
}
