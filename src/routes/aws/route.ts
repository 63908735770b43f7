import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { callerOf, type Caller } from './caller.js';
import type { AwsOperation } from './operations.js';
import type { AwsInput } from './schemas.js';
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

export function route<O extends AwsOperation>(
  app: FastifyInstance, method: HTTPMethods, url: string, operation: O, handler: Handler<O>,
): void {
  app.route({
    method,
    url,
    config: { awsOperation: operation },
    handler: (request, reply) => serve(app, operation, handler, request, reply),
  });
}
