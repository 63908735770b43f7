/** The OpenAPI documents (/_strata/openapi/<name>.yaml or .json) and a readable API page (/_strata/docs). */
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DOCUMENTS, buildDocuments } from '../openapi/documents.js';
import { DOCS_PREFIX } from '../plugins/openapi.js';

export const OPENAPI_PREFIX = '/_strata/openapi';

export default async function docsRoutes(app: FastifyInstance) {
  let rendered: Map<string, { yaml: string; json: string }> | undefined;
  // Rendered on first request. (The YAML module is imported here only then, but @fastify/swagger, registered at
  // start by plugins/openapi.ts, already requires it: it is in memory from the start either way.)
  const documents = async () => {
    if (!rendered) {
      const { stringify } = await import('yaml');
      rendered = new Map(
        [...buildDocuments(app)].map(([name, doc]) => [name, { yaml: stringify(doc), json: JSON.stringify(doc, null, 2) }]),
      );
    }
    return rendered;
  };

  app.get<{ Params: { file: string } }>(`${OPENAPI_PREFIX}/:file`, {
    config: { surface: 'strata', operation: 'GetOpenApiDocument' },
    schema: {
      tags: ['Strata'],
      operationId: 'GetOpenApiDocument',
      summary: 'One of the OpenAPI documents, as YAML (.yaml) or JSON (.json)',
      params: z.object({ file: z.string().describe(`<name>.yaml or <name>.json; names: ${DOCUMENTS.map((d) => d.name).join(', ')}`) }),
      response: {
        200: { description: 'The document', content: { 'application/yaml': { schema: z.string() }, 'application/json': { schema: z.object({}).passthrough() } } },
        404: { description: 'No such document', content: { 'application/json': { schema: z.strictObject({ message: z.string() }) } } },
      },
    },
  }, async (request, reply) => {
    const m = /^(.+)\.(yaml|json)$/.exec(request.params.file);
    const doc = m && (await documents()).get(m[1]!);
    if (!m || !doc) return reply.code(404).type('application/json').send({ message: `no document ${request.params.file}` });
    return m[2] === 'yaml'
      ? reply.type('application/yaml').serializer((s: unknown) => s as string).send(doc.yaml)
      : reply.type('application/json').serializer((s: unknown) => s as string).send(doc.json);
  });

  await app.register(fastifySwaggerUi, {
    routePrefix: DOCS_PREFIX,
    uiConfig: {
      urls: DOCUMENTS.map((d) => ({ name: d.title, url: `${OPENAPI_PREFIX}/${d.name}.json` })),
    },
  });
}
