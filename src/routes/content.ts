/**
 * Download links for layer content, under Strata's own namespace. The clouds hand out presigned object-store
 * URLs (S3 for AWS, OSS for FC) that expire; these are signed and expire the same way, and a refused link
 * answers like the object store would, in XML.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { LayerService } from '../core/layer-service.js';

export const CONTENT_PREFIX = '/_strata/content';

/** The URL clients are given for a blob: on STRATA_PUBLIC_URL, else on the host the request came to. */
export function contentUrl(request: FastifyRequest, publicUrl: string | undefined, layers: LayerService, blobKey: string): string {
  const base = publicUrl ?? requestBase(request);
  const { expires, signature } = layers.links.sign(blobKey);
  return `${base}${CONTENT_PREFIX}/${blobKey}?X-Strata-Expires=${expires}&X-Strata-Signature=${signature}`;
}

/**
 * `http://<Host>`; @alicloud/fc2 sends `Host: 127.0.0.1` without the port it connected to (docs/specs/fc-layers.md §1),
 * so a Host without a port gets the port the request actually arrived on.
 */
function requestBase(request: FastifyRequest): string {
  const host = request.host;
  const hasPort = /:\d+$/.test(host) && !host.endsWith(']');
  const port = request.socket.localPort;
  return `${request.protocol}://${hasPort || port === undefined ? host : `${host}:${port}`}`;
}

function xmlError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply
    .status(status)
    .type('application/xml')
    .send(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`);
}

export default async function contentRoutes(app: FastifyInstance) {
  const xml = (description: string) => ({ description, content: { 'application/xml': { schema: z.string() } } });
  const schema = {
    tags: ['Strata'],
    operationId: 'DownloadLayerContent',
    summary: "A layer version's zip, through the signed link its Content.Location / code.location gives",
    params: z.object({ key: z.string() }),
    querystring: z.object({ 'X-Strata-Expires': z.string(), 'X-Strata-Signature': z.string() }),
    response: {
      200: { description: 'The zip, exactly as published', content: { 'application/zip': { schema: z.string() } } },
      400: xml('AuthorizationQueryParametersError: X-Strata-Expires is not a plain decimal number, or a parameter is repeated'),
      403: xml('SignatureDoesNotMatch (a tampered link), AccessDenied (an expired link, or one without its parameters)'),
      404: xml('NoSuchKey: the version was deleted'),
      503: xml('ServiceUnavailable: the blob store cannot be reached'),
    },
  };
  app.get<{ Params: { key: string }; Querystring: Record<string, string | string[] | undefined> }>(
    `${CONTENT_PREFIX}/:key`,
    { schema, config: { surface: 'strata', operation: 'DownloadLayerContent' } },
    async (request, reply) => {
      const { key } = request.params;
      const expires = request.query['X-Strata-Expires'];
      const signature = request.query['X-Strata-Signature'];
      switch (app.layers.links.check(key, expires, signature)) {
        // S3's answers to presigned URLs with missing or malformed parameters (a missing one: AccessDenied with
        // the text of query-string authentication; an expiry that is not a number: AuthorizationQueryParametersError).
        case 'malformed':
          return expires === undefined || signature === undefined
            ? xmlError(reply, 403, 'AccessDenied', 'Query-string authentication requires the X-Strata-Signature and X-Strata-Expires parameters')
            : xmlError(reply, 400, 'AuthorizationQueryParametersError', 'X-Strata-Expires should be a number of seconds since the epoch, written in decimal digits, and each parameter given once');
        case 'forged':
          return xmlError(reply, 403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
        case 'expired':
          return xmlError(reply, 403, 'AccessDenied', 'Request has expired');
      }
      let blob;
      try {
        blob = await app.layers.openContent(key);
      } catch (err) {
        request.log.error({ err }, 'the blob store cannot be reached');
        return xmlError(reply, 503, 'ServiceUnavailable', 'The blob store cannot be reached.');
      }
      if (!blob) return xmlError(reply, 404, 'NoSuchKey', 'The specified key does not exist.');
      return reply
        .type('application/zip')
        .header('content-length', blob.size)
        .header('cache-control', 'private, max-age=0')
        .send(blob.stream);
    },
  );
}
