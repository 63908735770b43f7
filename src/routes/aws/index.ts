/**
 * The AWS Lambda layer dialect, under /2018-10-31: PascalCase JSON, `x-amzn-ErrorType` errors.
 *
 * Gaps: there is no code storage quota, no throttling and no S3ObjectStorageMode=REFERENCE (content from S3 is
 * always copied). Signatures are verified only with STRATA_AUTH=verify (auth.ts, access.ts); otherwise they are
 * parsed for the caller's account and region.
 * By design: a LayerName given as an ARN acts on that ARN's account and region (with verification on, only the
 * owner writes and another account reads only what a policy grants it).
 * Client quirks: SDK v3 and botocore order GetLayerVersionByArn's query differently (we route on `find`);
 * SDKs percent-encode ARNs in path labels (Fastify decodes them).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { isClientAbort, registerJsonBodies } from '../json-bodies.js';
import { documentOnly } from '../../plugins/openapi.js';
import { DomainError } from '../../core/errors.js';
import {
  AccessDeniedException, AwsError, InvalidRequestContentException, MESSAGES, RequestTimeoutException, ServiceException,
  fromDomain,
} from './errors.js';
import { awsCloudView } from './cloud-view.js';
import layerRoutes from './layers.js';
import permissionRoutes from './permissions.js';
import { awsRefusals } from './refusals.js';
import { registerAwsVerification } from './auth.js';
import { responseSerializer } from '../response-serializer.js';

const OPERATIONS_WITH_BODIES: ReadonlySet<string> = new Set(['PublishLayerVersion', 'AddLayerVersionPermission']);

/** Bodies of the operations that carry no layer content are small. */
const SMALL_BODY_LIMIT = 1024 * 1024;

export default async function awsDialect(app: FastifyInstance) {
  const { config } = app;
  app.refusals.add(awsRefusals(app.prefix));
  app.cloudViews.register(awsCloudView(config, app.layers));
  app.decorateRequest('awsOperation', undefined);
  // Hooks on every request take a callback rather than return a promise: one promise and microtask less each.
  app.addHook('onRequest', (request, reply, done) => {
    request.awsOperation = request.routeOptions.config.awsOperation;
    reply.header('x-amzn-RequestId', randomUUID());
    done();
  });
  // Requests are validated by validate.ts, which words errors as Coral does; the route schemas document them.
  // Responses are checked against their schemas on the way out.
  app.setValidatorCompiler(documentOnly);
  app.setSerializerCompiler(responseSerializer(config.checkResponses));
  if (app.credentials) registerAwsVerification(app, app.credentials);
  registerJsonBodies(app, {
    smallBodyLimit: SMALL_BODY_LIMIT,
    digestBody: app.credentials !== undefined,
    takesBody: (request) => OPERATIONS_WITH_BODIES.has(request.routeOptions.config.awsOperation!),
    contentOf: (request) =>
      request.routeOptions.config.awsOperation === 'PublishLayerVersion'
        ? {
            fields: [['Content', 'ZipFile']],
            maxBodyBytes: config.aws.maxRequestBytes,
            maxContentBytes: config.aws.maxZippedBytes,
          }
        : undefined,
  });

  app.setErrorHandler((err: FastifyError, request, reply) => {
    const ctx = { operation: request.awsOperation };
    let wire: AwsError;
    if (err instanceof AwsError) wire = err;
    else if (err instanceof DomainError) wire = fromDomain(err, ctx);
    else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      // Fastify refusing the request before it reached us (bad header, bad encoding…).
      wire = new InvalidRequestContentException(MESSAGES.unparsable(err.message));
    } else if (isClientAbort(err)) {
      request.log.info({ operation: ctx.operation }, 'the client closed the request');
      wire = new ServiceException(MESSAGES.internal);
    } else {
      request.log.error({ err, operation: ctx.operation }, 'unexpected error');
      wire = new ServiceException(MESSAGES.internal);
    }
    return sendError(reply, wire);
  });

  // Lambda answers a request it cannot map to an operation with AccessDeniedException (boto/boto3#294).
  app.setNotFoundHandler((_request, reply) => sendError(reply, new AccessDeniedException(MESSAGES.unknownOperation)));

  await app.register(layerRoutes);
  await app.register(permissionRoutes);
}

/** A request Fastify refuses before routing (a malformed path): Lambda cannot map it to an operation either. */
export function awsFrameworkError(reply: FastifyReply) {
  reply.header('x-amzn-RequestId', randomUUID());
  return sendError(reply, new AccessDeniedException(MESSAGES.unknownOperation));
}

function sendError(reply: FastifyReply, err: AwsError) {
  // A body refused for arriving too slowly is not read to its end: the connection cannot carry another request.
  if (err instanceof RequestTimeoutException) reply.header('connection', 'close');
  return reply.status(err.status).header('x-amzn-ErrorType', err.code).type('application/json').send(err.body());
}
