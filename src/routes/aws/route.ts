import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { callerOf, type Caller } from './caller.js';
import type { AwsOperation } from './operations.js';
import { RESPONSES } from './responses.js';
import { SCHEMAS, type AwsInput } from './schemas.js';
import { validateInput } from './validate.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The operation being served, once known (error messages depend on it). */
    awsOperation: AwsOperation | undefined;
  }
  interface FastifyContextConfig {
    awsOperation?: AwsOperation;
  }
}

export interface OperationContext {
  request: FastifyRequest;
  reply: FastifyReply;
  caller: Caller;
}

export type Handler<O extends AwsOperation> = (input: AwsInput<O>, ctx: OperationContext) => Promise<unknown>;

/** Validates the operation's input, then runs the handler with it. */
export async function serve<O extends AwsOperation>(
  app: FastifyInstance, operation: O, handler: Handler<O>, request: FastifyRequest, reply: FastifyReply,
): Promise<unknown> {
  request.awsOperation = operation;
  const input = validateInput(operation, { params: request.params, query: request.query, body: request.body });
  const caller = callerOf(request, { account: app.config.aws.accountId, region: app.config.aws.region });
  return handler(input, { request, reply, caller });
}

/** The operation's documentation (openapi/): its members and every response it can give. */
export function operationSchema(operation: AwsOperation, summary: string) {
  return { operationId: operation, summary, tags: ['AWS Lambda layers'], ...SCHEMAS[operation], response: RESPONSES[operation] };
}

export function route<O extends AwsOperation>(
  app: FastifyInstance, method: HTTPMethods, url: string, operation: O, summary: string, handler: Handler<O>,
): void {
  app.route({
    method,
    url,
    schema: operationSchema(operation, summary),
    config: { awsOperation: operation, surface: 'aws', operation },
    handler: (request, reply) => serve(app, operation, handler, request, reply),
  });
}
