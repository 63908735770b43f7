/**
 * The application behind Strata's API documents and API page, built when they are first asked for: a Fastify
 * instance of its own, never listening, that declares Strata's routes again (their method, URL and schemas; no
 * handler of theirs runs) under @fastify/swagger, which describes them from their zod schemas
 * (fastify-type-provider-zod), and serves @fastify/swagger-ui under DOCS_PREFIX. routes/docs.ts reads the
 * description from it and hands the API page's requests to it (Fastify's `routing`), which answers them itself.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance, type RouteOptions } from 'fastify';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { DOCS_PREFIX, OPENAPI_PREFIX, schemaController } from '../plugins/openapi.js';
import { notFound } from '../routes/not-found.js';
import { DOCUMENTS } from './documents.js';

/** `routes`: every route of the app, as its onRoute hooks saw them, in the order they were declared. */
export async function buildDocsApp(routes: readonly RouteOptions[]): Promise<FastifyInstance> {
  const docs = Fastify({ logger: false, schemaController: schemaController() });
  // Its answers are Strata's (routes/docs.ts hands it the request itself): what it does not serve, Strata does not.
  docs.setNotFoundHandler(notFound);
  await docs.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Strata', version: '1' },
    },
    hideUntagged: true,
    transform: createJsonSchemaTransform({ skipList: [] }),
    transformObject: jsonSchemaTransformObject,
  });
  for (const route of routes) {
    // HEAD routes are Fastify's twins of GET routes (and @fastify/swagger leaves them out); the API page's own
    // routes are served by this app itself, below.
    const methods = [route.method].flat().filter((m) => m !== 'HEAD');
    if (methods.length === 0 || route.url.startsWith(DOCS_PREFIX)) continue;
    docs.route({
      method: methods,
      url: route.url,
      schema: route.schema,
      config: route.config,
      exposeHeadRoute: false,
      handler: (_request, reply) => reply.callNotFound(),
    });
  }
  await docs.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: {
      urls: DOCUMENTS.map((d) => ({ name: d.title, url: `${OPENAPI_PREFIX}/${d.name}.json` })),
    },
  });
  await docs.ready();
  return docs;
}
