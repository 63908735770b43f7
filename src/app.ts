import Fastify, { LogController, type FastifyInstance, type FastifyReply } from 'fastify';
import type { Config } from './config.js';
import cloudViews from './plugins/cloud-views.js';
import openapi, { schemaController } from './plugins/openapi.js';
import layerMounts from './plugins/layer-mounts.js';
import services from './plugins/services.js';
import credentials from './plugins/credentials.js';
import awsDialect, { awsFrameworkError } from './routes/aws/index.js';
import { FC_API_VERSIONS } from './routes/fc/api-versions.js';
import fcDialect, { fcFrameworkError } from './routes/fc/index.js';
import consoleRoutes, { CONSOLE_PREFIX } from './routes/console/index.js';
import contentRoutes from './routes/content.js';
import docsRoutes from './routes/docs.js';
import healthRoutes from './routes/health.js';
import { notFound } from './routes/not-found.js';
import optRoutes from './routes/opt.js';
import ossDialect, { isOssRequest, ossFrameworkError } from './routes/oss/index.js';
import adminRoutes from './routes/admin.js';
import metrics from './plugins/metrics.js';
import requestLog, { loggerOptions } from './plugins/request-log.js';
import resetRoutes from './routes/reset.js';
import { Refusals, type ClientError } from './routes/refusals.js';
import { responseSerializer } from './routes/response-serializer.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** How each surface answers requests refused below the router (routes/refusals.ts). */
    refusals: Refusals;
  }
}

export async function buildApp(config: Config): Promise<FastifyInstance> {
  const refusals = new Refusals();
  const { http: limits } = config;
  const app = Fastify({
    logger: loggerOptions(config),
    // One line per request, written by plugins/request-log.ts instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true }),
    // Slow clients are dropped (a head that does not finish, a connection on which nothing moves) while slow but
    // steady uploads finish: bodies are timed by routes/body-guard.ts, not by a limit on the whole request.
    http: {
      headersTimeout: limits.headersTimeoutSeconds * 1000,
      // How often Node checks heads against headersTimeout (its default, 30 s, would let a head run 30 s late).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutSeconds * 250),
    },
    requestTimeout: 0,
    keepAliveTimeout: limits.keepAliveTimeoutSeconds * 1000,
    connectionTimeout: limits.idleTimeoutSeconds * 1000,
    clientErrorHandler: (err, socket) => refusals.onClientError(err as unknown as ClientError, socket),
    // Layer ARNs arrive as path labels and run well past Fastify's default of 100 characters.
    routerOptions: { maxParamLength: 8192 },
    // Closing (tests, SIGTERM) must not wait for idle keep-alive connections.
    forceCloseConnections: true,
    // Strata's own routes validate nothing themselves: their schemas document them (and, with
    // STRATA_CHECK_RESPONSES=on, check their responses).
    schemaController: schemaController(responseSerializer(config.checkResponses)),
    // Requests refused before routing (e.g. a malformed percent-encoding) still answer in their dialect.
    frameworkErrors: (err, request, reply) => {
      if (isOssRequest(request.raw)) return ossFrameworkError(err, request, reply);
      const fc = FC_API_VERSIONS.find((v) => request.url.startsWith(`/${v}/`));
      if (fc) return fcFrameworkError(fc, err, reply);
      if (request.url.startsWith('/2018-10-31/')) return awsFrameworkError(reply);
      return (reply as FastifyReply).code(400).send({ message: err.message });
    },
  });
  app.decorate('refusals', refusals);
  app.server.on('checkExpectation', (req, res) => refusals.onUnmetExpectation(req, res));
  await app.register(openapi);
  await app.register(requestLog, { logLevel: config.logLevel });
  await app.register(metrics);
  await app.register(services, { config });
  await app.register(cloudViews);
  await app.register(credentials);
  await app.register(layerMounts);
  await app.register(healthRoutes);
  await app.register(adminRoutes);
  await app.register(resetRoutes);
  await app.register(contentRoutes);
  await app.register(docsRoutes);
  await app.register(optRoutes);
  await app.register(consoleRoutes, { prefix: CONSOLE_PREFIX });
  // The object endpoint shares the port: its routes match OSS requests only, whatever their path (first, so that
  // it also answers the OSS requests refused below the router).
  await app.register(ossDialect);
  await app.register(awsDialect, { prefix: '/2018-10-31' });
  for (const api of FC_API_VERSIONS) await app.register(fcDialect, { prefix: `/${api}`, api });
  app.setNotFoundHandler(notFound);
  return app;
}
