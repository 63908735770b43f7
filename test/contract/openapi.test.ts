/**
 * The OpenAPI documents are generated from the route schemas: the committed files must be what the code
 * generates, valid OpenAPI 3.1, and describe exactly the routes Strata serves. Strata serves them too.
 */
import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateDocuments } from '../../scripts/openapi.js';
import { DOCUMENTS } from '../../src/openapi/documents.js';
import { DOCS_PREFIX } from '../../src/plugins/openapi.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

type Doc = { paths: Record<string, Record<string, unknown>> };

describe('OpenAPI contract', () => {
  let generated: Map<string, string>;
  let t: TestApp;
  beforeAll(async () => {
    generated = await generateDocuments();
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('openapi: the committed documents are what `npm run openapi` generates', async () => {
    expect([...generated.keys()].sort()).toEqual(DOCUMENTS.map((d) => d.name).sort());
    for (const [name, yaml] of generated) {
      const committed = await readFile(`openapi/${name}.yaml`, 'utf8').catch(() => '(missing)');
      expect(committed, `openapi/${name}.yaml is stale: run npm run openapi`).toBe(yaml);
    }
  });

  it('openapi: every document is valid OpenAPI 3.1', async () => {
    for (const [name, yaml] of generated) {
      const doc = parse(yaml) as { openapi: string };
      expect(doc.openapi, name).toBe('3.1.0');
      const result = await new Validator().validate(doc as never);
      expect(result.errors ?? [], `${name} is not valid OpenAPI`).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it('openapi: the documents describe exactly the routes Strata serves', () => {
    const documented = new Set<string>();
    for (const yaml of generated.values()) {
      for (const [path, item] of Object.entries((parse(yaml) as Doc).paths)) {
        for (const method of Object.keys(item)) documented.add(`${method.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`);
      }
    }
    // HEAD routes are Fastify's automatic twins of GET routes; the API page serves itself. The OSS object
    // endpoint (`/*`, matching requests by their OSS headers, not by path) speaks XML that OpenAPI cannot route
    // to; the README describes it.
    const served = new Set(
      t.app.routeTable.filter((r) => !r.startsWith('HEAD ') && !r.includes(` ${DOCS_PREFIX}`) && !r.endsWith(' /*')),
    );
    expect([...documented].sort()).toEqual([...served].sort());
    // 9 AWS routes (8 paths; GET /layers serves two operations), 7 per FC API version and tempBucketToken
    // (2016-08-15), 7 of Strata's own (health, content, openapi, reset, metrics, admin/credentials, opt), 12 of the
    // console (3 for its page, 9 for its API).
    expect(documented.size).toBe(8 + 3 * 7 + 1 + 7 + 12);
    expect(t.app.routeTable.filter((r) => r.endsWith(' /*')).sort()).toEqual(
      ['DELETE /*', 'GET /*', 'HEAD /*', 'OPTIONS /*', 'PATCH /*', 'POST /*', 'PUT /*'],
    );
  });

  it('GetOpenApiDocument: Strata serves each document as YAML and JSON, and an API page', async () => {
    for (const [name, yaml] of generated) {
      const res = await fetch(`${t.url}/_strata/openapi/${name}.yaml`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^application\/yaml/);
      expect(await res.text()).toBe(yaml);
      const json = await fetch(`${t.url}/_strata/openapi/${name}.json`);
      expect(await json.json()).toEqual(parse(yaml));
    }
    expect((await fetch(`${t.url}/_strata/openapi/nope.yaml`)).status).toBe(404);
    const page = await fetch(`${t.url}${DOCS_PREFIX}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('swagger-ui');
  });
});
