import fastifySwagger from '@fastify/swagger';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route Strata serves (`GET /path/:param`), for checking the documents against. */
    routeTable: string[];
  }
}
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/**
 * A validator compiler for schemas that only document: every request part passes unchanged (no `value`, so
 * Fastify keeps what it parsed; with `{value}` it would turn a missing body into null). Each dialect validates
 * with the same schemas itself, to word errors as its cloud does.
 */
export const documentOnly = () => () => ({});

/** Strata's own routes that serve the documents and the API page: not part of the API they document. */
export const DOCS_PREFIX = '/_strata/docs';

/**
 * Collects the OpenAPI description of every route from its zod schemas (fastify-type-provider-zod), for
 * openapi/documents.ts to split per dialect. Must be registered before the routes.
 */
export default fp(
  async (app) => {
    const routes: string[] = [];
    app.decorate('routeTable', routes);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
    });
    await app.register(fastifySwagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: 'Strata', version: '1' },
      },
      hideUntagged: true,
      transform: createJsonSchemaTransform({ skipList: [] }),
      transformObject: jsonSchemaTransformObject,
    });
  },
  { name: 'strata-openapi' },
);
