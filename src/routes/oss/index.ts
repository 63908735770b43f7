/**
 * An OSS-compatible object endpoint on Strata's own port: the four object operations of OSS's API (objects.ts)
 * over the buckets that publishes by reference read (`<dataDir>/buckets` or MinIO), so that Serverless Devs'
 * temporary-bucket upload and any ali-oss or oss2 client work offline.
 *
 * Routing: OSS requests are told apart by their marks (addressing.ts), through a route constraint, so every other
 * request reaches the layer APIs as before and an OSS request reaches this plugin whatever its path.
 * Signatures: parsed always (auth.ts); verified with STRATA_AUTH=verify (signature.ts, through the seam auth.ts holds)
 * against the `fc` keys of STRATA_CREDENTIALS and the temporary keys Strata issued (access.ts).
 * Gaps: no bucket operations, multipart, append, copy, ACLs or versions (they answer NotImplemented); objects are
 * private; no conditional GETs.
 * By design: keys that cannot be files (empty, `.` or `..` segments; a key below another object) are refused
 * with InvalidObjectName on both backends; the temporary bucket belongs to FC: only its credentials reach it.
 * Client quirks: ali-oss with an IP endpoint names the bucket nowhere (the security token does); HEAD errors carry
 * their XML in x-oss-err, which ali-oss and oss2 read.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { BucketError } from '../../core/buckets.js';
import { BlobStoreUnavailable, MetadataStoreUnavailable, RequestTimedOut, StorageFull } from '../../core/errors.js';
import { authorize } from './access.js';
import { isOssRequest } from './addressing.js';
import { acceptEverySignature, type SignatureVerifier } from './auth.js';
import { verifyOssSignature } from './signature.js';
import {
  InternalError, InvalidObjectName, MethodNotAllowed, MESSAGES, OssError, RequestTimeout, fromBucketError,
} from './errors.js';
import { objectHandlers } from './objects.js';
import { ossRefusals } from './refusals.js';
import { newRequestId } from './request-id.js';

declare module 'fastify' {
  interface FastifyRequest {
    ossRequestId: string;
  }
}

const CONSTRAINT = 'ossRequest';
/** How much of a refused upload is still read, so that the client, still sending, sees the answer. */
const DRAIN_LIMIT = 128 * 1024 * 1024;

export default async function ossDialect(app: FastifyInstance, opts: { verifySignature?: SignatureVerifier } = {}) {
  // app.credentials exists only with STRATA_AUTH=verify (plugins/credentials.ts).
  const keys = app.credentials;
  const verify = keys ? { keys, maxSkewSeconds: app.config.auth.maxSkewSeconds } : undefined;
  const verifySignature = opts.verifySignature ?? (verify ? verifyOssSignature : acceptEverySignature);
  app.refusals.add(ossRefusals());
  app.addConstraintStrategy({
    name: CONSTRAINT,
    // Derived for OSS requests only, and then nothing but this plugin's routes match.
    mustMatchWhenDerived: true,
    storage() {
      const handlers = new Map<string, unknown>();
      return { get: (v: string) => (handlers.get(v) as never) ?? null, set: (v: string, h: unknown) => void handlers.set(v, h) };
    },
    deriveConstraint: (req) => (isOssRequest(req) ? 'yes' : undefined),
  });

  app.decorateRequest('ossRequestId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.ossRequestId = newRequestId();
    reply.header('x-oss-request-id', request.ossRequestId).header('server', 'AliyunOSS');
  });
  // Bodies are object bytes: the handler streams them, nothing parses them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    let wire: OssError;
    if (err instanceof OssError) wire = err;
    else if (err instanceof BucketError) wire = fromBucketError(err);
    else if (err instanceof RequestTimedOut) wire = new RequestTimeout(MESSAGES.requestTimeout);
    else {
      // OSS has no client error for a full disk or an unreachable store: its internal error, logged as an outage.
      if (err instanceof BlobStoreUnavailable || err instanceof MetadataStoreUnavailable || err instanceof StorageFull) request.log.warn({ err }, err.message);
      else request.log.error({ err }, 'unexpected error');
      wire = new InternalError(MESSAGES.internal);
    }
    await drain(request);
    return sendError(request, reply, wire);
  });

  const handlers = objectHandlers(app);
  const serve = (
    method: HTTPMethods | HTTPMethods[], operation: string, handler: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>,
  ) => app.route({ method, url: '/*', constraints: { [CONSTRAINT]: 'yes' }, config: { surface: 'oss', operation }, handler });
  const access = (request: FastifyRequest) =>
    authorize(request, { temporary: app.objects.temporary, domains: app.config.oss.domains, verifySignature, verify });
  // HEAD before GET: Fastify would otherwise answer HEAD with its own twin of the GET route.
  const OPERATIONS = { HEAD: 'HeadObject', GET: 'GetObject', PUT: 'PutObject', DELETE: 'DeleteObject' } as const;
  for (const method of ['HEAD', 'GET', 'PUT', 'DELETE'] as const) {
    serve(method, OPERATIONS[method], (request, reply) => handlers[method](request, reply, access(request)));
  }
  serve(['POST', 'PATCH', 'OPTIONS'], 'Unsupported', async (request) => {
    access(request);
    throw new MethodNotAllowed(MESSAGES.methodNotAllowed).with('Method', request.method).with('ResourceType', 'Object');
  });
}

function sendError(request: FastifyRequest, reply: FastifyReply, err: OssError) {
  const xml = err.xml(request.ossRequestId, request.headers.host ?? '');
  reply.code(err.status).header('content-type', 'application/xml');
  if (err.ec) reply.header('x-oss-ec', err.ec);
  // A HEAD answer has no body: OSS sends the error document base64-encoded in x-oss-err instead.
  if (request.method === 'HEAD') return reply.header('x-oss-err', Buffer.from(xml).toString('base64')).send();
  return reply.send(xml);
}

/** Reads what is left of a refused upload (up to a limit), then lets the connection go. */
async function drain(request: FastifyRequest): Promise<void> {
  const raw = request.raw;
  if (raw.readableEnded || raw.destroyed) return;
  let read = 0;
  try {
    for await (const chunk of raw as AsyncIterable<Buffer>) {
      read += chunk.length;
      if (read > DRAIN_LIMIT) break;
    }
  } catch {
    // The client went away: nobody is left to answer.
  }
}

/** A request Fastify refuses before routing (a malformed percent-encoding): OSS's answer, in XML. */
export function ossFrameworkError(err: Error, request: FastifyRequest, reply: FastifyReply) {
  request.ossRequestId = newRequestId();
  reply.header('x-oss-request-id', request.ossRequestId).header('server', 'AliyunOSS');
  return sendError(request, reply, new InvalidObjectName(MESSAGES.invalidObjectName(`the path is not valid: ${err.message}`)));
}

export { isOssRequest };
