import type { FastifyInstance, FastifySchema, FastifySerializerCompiler, FastifyServerOptions, RouteOptions } from 'fastify';
import fp from 'fastify-plugin';
import { serializerCompiler } from 'fastify-type-provider-zod';

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route Strata serves (`GET /path/:param`), for checking the documents against. */
    routeTable: string[];
    /**
     * The application that describes and presents Strata's API (openapi/docs-app.ts): built on first call from the
     * routes recorded here, once the app is ready.
     */
    apiDocs(): Promise<FastifyInstance>;
  }
}

/**
 * A validator compiler for schemas that only document: every request part passes unchanged (no `value`, so
 * Fastify keeps what it parsed; with `{value}` it would turn a missing body into null). Each dialect validates
 * with the same schemas itself, to word errors as its cloud does.
 */
export const documentOnly = () => () => ({});

/**
 * The schema compilers of Strata's Fastify apps: route schemas document requests (documentOnly), and responses are
 * written by `serializer` (zod's checking one when none is given). Given to Fastify this way rather than set on the
 * app, they spare it loading its default compilers (Ajv and fast-json-stringify, about 110 modules), which would
 * never compile a schema.
 */
export function schemaController(
  serializer: FastifySerializerCompiler<FastifySchema> = serializerCompiler as unknown as FastifySerializerCompiler<FastifySchema>,
): FastifyServerOptions['schemaController'] {
  // (Fastify's types describe the factories of its own compilers, Ajv's and fast-json-stringify's.)
  return {
    compilersFactory: { buildValidator: () => documentOnly, buildSerializer: () => serializer },
  } as unknown as FastifyServerOptions['schemaController'];
}

/** Strata's own routes that serve the documents and the API page: not part of the API they document. */
export const DOCS_PREFIX = '/_strata/docs';
/** Where the documents are served (routes/docs.ts). */
export const OPENAPI_PREFIX = '/_strata/openapi';

/**
 * Records every route as it is declared, for the OpenAPI description that openapi/docs-app.ts builds from their
 * zod schemas when the documents or the API page are first asked for. @fastify/swagger, @fastify/swagger-ui and
 * what they load (about 4 MiB of resident memory at start, measured with Node 20) are needed only then. Must be
 * registered before the routes.
 */
export default fp(
  async (app) => {
    const routes: string[] = [];
    const declared: RouteOptions[] = [];
    app.decorate('routeTable', routes);
    app.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) routes.push(`${method} ${route.url}`);
      declared.push(route);
    });
    let docs: Promise<FastifyInstance> | undefined;
    app.decorate('apiDocs', function apiDocs() {
      docs ??= import('../openapi/docs-app.js').then(({ buildDocsApp }) => buildDocsApp(declared));
      // A build that failed is tried again on the next request.
      docs.catch(() => (docs = undefined));
      return docs;
    });
  },
  { name: 'strata-openapi' },
);
