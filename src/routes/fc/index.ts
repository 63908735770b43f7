/**
 * The Alibaba Cloud Function Compute layer dialect, registered once per API version (2016-08-15, 2021-04-06,
 * 2023-03-30): camelCase JSON, `X-Fc-Request-Id` on every response, FC 2.0 or FC 3.0 error bodies.
 *
 * Gaps: signatures (FC, acs, ACS3) are verified only with STRATA_AUTH=verify (auth.ts), otherwise parsed for the
 * access key id; there are no official layers; the admin endpoints and accountConfigs (only FC 2.0's `s cli fc`,
 * whose OSS upload cannot be redirected, reads it) are not served. The temporary-bucket endpoint is (2016-08-15,
 * temp-bucket.ts).
 * By design: the caller's account comes from its access key (its credential with STRATA_AUTH=verify, else
 * STRATA_FC_ACCESS_KEYS), whatever API version it uses; X-Fc-Account-Id, or a Host's `<account-id>.` prefix
 * (Terraform's alicloud provider), naming another account is refused with AccessDenied.
 * Client quirks: the 2021 SDK and Terraform send `Code`, others `code`; Tea SDKs send chunked bodies; the
 * 2021 SDK reads `codesize` on create; @alicloud/fc2 parses bodies only when Content-Type is application/json.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '../../core/errors.js';
import { isClientAbort, registerJsonBodies } from '../json-bodies.js';
import { documentOnly } from '../../plugins/openapi.js';
import { FC_API_VERSIONS, type FcApiVersion } from './api-versions.js';
import { fcCloudView } from './cloud-view.js';
import {
  FcError, InternalServerError, InvalidArgument, MESSAGES, PathNotSupported, RequestTimeout, fromDomain,
} from './errors.js';
import layerRoutes from './layers.js';
import { fcRefusals } from './refusals.js';
import { registerFcVerification } from './auth.js';
import { newRequestId, requestIdHeaders } from './request-id.js';
import { CODE_FIELDS } from './schemas.js';
import tempBucketRoutes from './temp-bucket.js';
import { responseSerializer } from '../response-serializer.js';

declare module 'fastify' {
  interface FastifyRequest {
    fcRequestId: string;
  }
}

const SMALL_BODY_LIMIT = 1024 * 1024;

/** Gives the response a new request id and returns it. */
function stampRequestId(api: FcApiVersion, reply: FastifyReply): string {
  const id = newRequestId(api);
  reply.headers(requestIdHeaders(api, id));
  return id;
}

export default async function fcDialect(app: FastifyInstance, { api }: { api: FcApiVersion }) {
  const { config } = app;
  const maxCode = config.fc.maxCodeBytes;
  app.refusals.add(fcRefusals(api));
  // One view describes every API version; it is registered with the first.
  if (api === FC_API_VERSIONS[0]) app.cloudViews.register(fcCloudView(config, app.layers));
  app.decorateRequest('fcRequestId', '');
  // Hooks on every request take a callback rather than return a promise: one promise and microtask less each.
  app.addHook('onRequest', (request, reply, done) => {
    request.fcRequestId = stampRequestId(api, reply);
    done();
  });
  // Handlers parse their input with the route schemas and FC's error wording; responses are checked against
  // their schemas on the way out.
  app.setValidatorCompiler(documentOnly);
  app.setSerializerCompiler(responseSerializer(config.checkResponses));
  if (app.credentials) registerFcVerification(app, app.credentials);
  registerJsonBodies(app, {
    smallBodyLimit: SMALL_BODY_LIMIT,
    digestBody: app.credentials !== undefined,
    takesBody: (request) => request.routeOptions.config.fcOperation === 'CreateLayerVersion',
    contentOf: (request) =>
      request.routeOptions.config.fcOperation === 'CreateLayerVersion'
        ? {
            fields: CODE_FIELDS,
            ignoreKeyCase: true,
            // The base64 of the largest package, plus room for the rest of the document.
            maxBodyBytes: Math.ceil(maxCode / 3) * 4 + SMALL_BODY_LIMIT,
            maxContentBytes: maxCode,
          }
        : undefined,
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    let wire: FcError;
    if (err instanceof FcError) wire = err;
    else if (err instanceof DomainError) {
      wire = fromDomain(err, { operation: request.routeOptions.config.fcOperation, maxCodeBytes: maxCode });
    }
    else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      wire = new InvalidArgument(err.message);
    } else if (isClientAbort(err)) {
      request.log.info({ operation: request.routeOptions.config.fcOperation }, 'the client closed the request');
      wire = new InternalServerError(MESSAGES.internal);
    } else {
      request.log.error({ err, operation: request.routeOptions.config.fcOperation }, 'unexpected error');
      wire = new InternalServerError(MESSAGES.internal);
    }
    return sendError(api, request, reply, wire);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(api, request, reply, new PathNotSupported(MESSAGES.pathNotSupported(request.method, request.url.split('?')[0]!))),
  );

  await app.register(layerRoutes, { api });
  if (api === '2016-08-15') await app.register(tempBucketRoutes, { api });
}

function sendError(api: FcApiVersion, request: FastifyRequest, reply: FastifyReply, err: FcError) {
  // A body refused for arriving too slowly is not read to its end: the connection cannot carry another request.
  if (err instanceof RequestTimeout) reply.header('connection', 'close');
  return reply.status(err.status).type('application/json').send(err.body(api, request.fcRequestId));
}

/**
 * A request Fastify refuses before routing (a malformed percent-encoding in the path): no hook of this plugin
 * has run, so the request id is made here.
 */
export function fcFrameworkError(api: FcApiVersion, err: Error, reply: FastifyReply) {
  const requestId = stampRequestId(api, reply);
  const wire = new InvalidArgument(MESSAGES.badPath(err.message));
  return reply.status(wire.status).type('application/json').send(wire.body(api, requestId));
}
