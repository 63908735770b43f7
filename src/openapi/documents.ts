/**
 * The OpenAPI 3.1 documents Strata publishes: one per API (AWS Lambda layers, each FC API version) and one for
 * Strata's own routes, cut out of the description @fastify/swagger builds from the route schemas.
 */
import type { FastifyInstance } from 'fastify';

export interface ApiDocument {
  /** File name stem: openapi/<name>.yaml, /_strata/openapi/<name>.yaml */
  name: string;
  title: string;
  description: string;
  /** Path prefix of its routes. */
  prefix: string;
}

export const DOCUMENTS: readonly ApiDocument[] = [
  {
    name: 'aws-lambda-layers',
    title: 'AWS Lambda layers (2018-10-31), as Strata serves them',
    description:
      'The nine layer operations of the AWS Lambda API. Errors carry their code in the x-amzn-ErrorType header ' +
      'and every response an x-amzn-RequestId header.',
    prefix: '/2018-10-31/',
  },
  ...(['2016-08-15', '2021-04-06', '2023-03-30'] as const).map((api) => ({
    name: `fc-${api}`,
    title: `Alibaba Cloud Function Compute layers (${api}), as Strata serves them`,
    description:
      `The layer operations of Function Compute ${api === '2023-03-30' ? '3.0' : '2.0'} (API ${api}). ` +
      'Every response carries an X-Fc-Request-Id header.',
    prefix: `/${api}/`,
  })),
  {
    name: 'strata',
    title: "Strata's own routes",
    description: 'Health, layer downloads, the admin routes, these documents and the web console (its page and its JSON API), under /_strata.',
    prefix: '/_strata/',
  },
];

type OpenApi = {
  openapi: string;
  info: Record<string, unknown>;
  paths?: Record<string, unknown>;
  components?: { schemas?: Record<string, unknown> };
  [key: string]: unknown;
};

/** Every document, keyed by name, from the documents' app (docs-app.ts). */
export function buildDocuments(app: FastifyInstance): Map<string, OpenApi> {
  const full = app.swagger() as OpenApi;
  const docs = new Map<string, OpenApi>();
  for (const doc of DOCUMENTS) {
    const paths = Object.fromEntries(Object.entries(full.paths ?? {}).filter(([path]) => path.startsWith(doc.prefix)));
    const out: OpenApi = {
      openapi: full.openapi,
      info: { title: doc.title, description: doc.description, version: '1' },
      servers: [
        { url: '/', description: 'The Strata serving this document' },
        { url: 'http://localhost:4588', description: 'Strata on its default port' },
      ],
      paths,
    };
    const schemas = referencedSchemas(paths, full.components?.schemas ?? {});
    if (Object.keys(schemas).length > 0) out.components = { schemas };
    docs.set(doc.name, out);
  }
  return docs;
}

/** The component schemas `node` refers to, and those they refer to, in name order. */
function referencedSchemas(node: unknown, all: Record<string, unknown>): Record<string, unknown> {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    for (const m of JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = m[1]!;
      if (!found.has(name) && all[name] !== undefined) {
        found.add(name);
        visit(all[name]);
      }
    }
  };
  visit(node);
  return Object.fromEntries([...found].sort().map((name) => [name, all[name]]));
}
