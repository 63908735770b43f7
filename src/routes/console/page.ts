/** The console page and its assets, read once from web/ next to this module (the build copies it into dist/). */
import { readdir, readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';

const ASSET_DIR = new URL('./web/', import.meta.url);

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};

// Everything the page uses comes from here; nothing may be fetched from elsewhere (no CDN), nothing framed.
const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

async function loadAssets(): Promise<Map<string, { type: string; body: Buffer }>> {
  const assets = new Map<string, { type: string; body: Buffer }>();
  for (const name of await readdir(ASSET_DIR)) {
    const type = TYPES[extname(name)];
    if (type) assets.set(name, { type, body: await readFile(new URL(name, ASSET_DIR)) });
  }
  return assets;
}

export default async function pageRoutes(app: FastifyInstance) {
  const assets = await loadAssets();
  const page = (description: string, type: string) => ({ description, content: { [type]: { schema: z.string() } } });
  const tags = ['Strata console'];

  app.get('', {
    schema: { tags, operationId: 'OpenConsole', summary: 'Redirects to the console page', response: { 308: z.null().describe('To /_strata/console/') } },
  }, async (_request, reply) => reply.redirect(`${app.prefix}/`, 308));

  app.get('/', {
    prefixTrailingSlash: 'slash',
    schema: { tags, operationId: 'GetConsolePage', summary: 'The console page', response: { 200: page('The page', 'text/html') } },
  }, async (_request, reply) => send(reply, assets.get('index.html')!));

  app.get<{ Params: { file: string } }>('/:file', {
    schema: {
      tags,
      operationId: 'GetConsoleAsset',
      summary: "One of the page's style sheets or scripts",
      params: z.object({ file: z.string().describe(`One of: ${[...assets.keys()].filter((n) => n !== 'index.html').join(', ')}`) }),
      response: {
        200: { description: 'The file', content: { 'text/css': { schema: z.string() }, 'text/javascript': { schema: z.string() } } },
        404: { description: 'No such file', content: { 'application/json': { schema: z.object({ code: z.string(), message: z.string() }) } } },
      },
    },
  }, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) return reply.code(404).type('application/json').send({ code: 'NotFound', message: `The console has no file ${request.params.file}.` });
    return send(reply, asset);
  });

  function send(reply: FastifyReply, asset: { type: string; body: Buffer }) {
    return reply
      .type(asset.type)
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      // The files change with Strata itself: always revalidate, so an upgrade is never half-cached.
      .header('cache-control', 'no-cache')
      .send(asset.body);
  }
}
