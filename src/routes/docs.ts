/** The OpenAPI documents (/_strata/openapi/<name>.yaml or .json) and a readable API page (/_strata/docs). */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DOCUMENTS, buildDocuments } from '../openapi/documents.js';
import { DOCS_PREFIX, OPENAPI_PREFIX } from '../plugins/openapi.js';

export default async function docsRoutes(app: FastifyInstance) {
  let rendered: Promise<Map<string, { yaml: string; json: string }>> | undefined;
  // Rendered on first request, with the YAML module.
  const documents = () => (rendered ??= (async () => {
    const [{ stringify }, docs] = await Promise.all([import('yaml'), app.apiDocs()]);
    return new Map(
      [...buildDocuments(docs)].map(([name, doc]) => [name, { yaml: stringify(doc), json: JSON.stringify(doc, null, 2) }]),
    );
  })().catch((err: unknown) => {
    rendered = undefined;
    throw err;
  }));

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

  // The API page (@fastify/swagger-ui: its page, its files, the whole description at json and yaml) is served by the
  // documents' own app, loaded on its first request, which answers the request itself (Strata's 404 included).
  const page = async (request: FastifyRequest, reply: FastifyReply) => {
    const docs = await app.apiDocs();
    reply.hijack();
    docs.routing(request.raw, reply.raw);
  };
  for (const url of [DOCS_PREFIX, `${DOCS_PREFIX}/*`]) app.route({ method: ['GET', 'HEAD'], url, handler: page });
}
